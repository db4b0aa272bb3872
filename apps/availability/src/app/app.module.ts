import { Type } from '@nestjs/common';
import { AvailabilityQueries } from '@circulate/availability/read-model';
import { NatsConnectionService } from '@circulate/platform/messaging';
import { serviceModule, ServiceEnv } from '@circulate/platform/nest';
import { AvailabilityController } from './availability.controller';
import { ReadModelFeed } from './read-model-feed';
import { ReservationsService } from './reservations/reservations.service';

export function availabilityModule(env: ServiceEnv): Type<unknown> {
  return serviceModule('availability', env, {
    controllers: [AvailabilityController],
    providers: [
      {
        provide: ReadModelFeed,
        useFactory: (nats: NatsConnectionService) => new ReadModelFeed(nats),
        inject: [NatsConnectionService],
      },
      {
        provide: AvailabilityQueries,
        useFactory: (feed: ReadModelFeed) => new AvailabilityQueries(() => feed.current()),
        inject: [ReadModelFeed],
      },
      ReservationsService,
    ],
  });
}
