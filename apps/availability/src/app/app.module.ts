import { Type } from '@nestjs/common';
import { AvailabilityQueries, NoReservations, type ReservationSource } from '@circulate/availability/read-model';
import { NatsConnectionService } from '@circulate/platform/messaging';
import { serviceModule, ServiceEnv } from '@circulate/platform/nest';
import { AvailabilityController } from './availability.controller';
import { ReadModelFeed, RESERVATION_SOURCE } from './read-model-feed';

export function availabilityModule(env: ServiceEnv): Type<unknown> {
  return serviceModule('availability', env, {
    controllers: [AvailabilityController],
    providers: [
      // Part 2 (the reservation log) replaces this source.
      { provide: RESERVATION_SOURCE, useValue: new NoReservations() },
      {
        provide: ReadModelFeed,
        useFactory: (nats: NatsConnectionService, source: ReservationSource) => new ReadModelFeed(nats, source),
        inject: [NatsConnectionService, RESERVATION_SOURCE],
      },
      {
        provide: AvailabilityQueries,
        useFactory: (feed: ReadModelFeed) => new AvailabilityQueries(() => feed.current()),
        inject: [ReadModelFeed],
      },
    ],
  });
}
