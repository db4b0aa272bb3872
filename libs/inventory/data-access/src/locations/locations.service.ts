import { Injectable } from '@nestjs/common';
import {
  CreateLocationRequest,
  DomainError,
  InventoryEvents,
  IdPrefix,
  ListLocationsRequest,
  Location,
  LocationCreatedEvent,
  newId,
  Page,
  RequestContext,
} from '@circulate/contracts';
import { isValidTimeZone } from '@circulate/inventory/domain';
import { KeyedMutex, OutboxRelay, outboxEvent } from '@circulate/platform/messaging';
import { LocationRepository } from './location.repository';

/** Use cases of locations; the NATS controller is a one-line adapter over these. */
@Injectable()
export class LocationsService {
  constructor(
    private readonly locations: LocationRepository,
    private readonly outbox: OutboxRelay,
    private readonly locks: KeyedMutex,
  ) {}

  async create(ctx: RequestContext, input: CreateLocationRequest): Promise<Location> {
    const timeZone = input.timeZone ?? 'UTC';
    if (!isValidTimeZone(timeZone)) throw DomainError.invalid('timeZone', `"${timeZone}" is not an IANA time zone`);
    const location: Location = {
      id: newId(IdPrefix.location),
      name: input.name,
      code: input.code ?? null,
      timeZone,
      createdAt: new Date().toISOString(),
    };
    const event = outboxEvent<LocationCreatedEvent>(
      InventoryEvents.locationCreated,
      ctx.tenantId,
      location.id,
      1,
      { location },
      ctx.requestId,
    );
    const model = this.locations.mongooseModel;
    return this.locks.run(OutboxRelay.lockKey(model, location.id), async () => {
      const stored = await this.locations.insert(ctx.tenantId, location, event);
      await this.outbox.flush(model as never, location.id);
      return stored;
    });
  }

  list(ctx: RequestContext, query: ListLocationsRequest): Promise<Page<Location>> {
    return this.locations.list(ctx.tenantId, query.limit, query.cursor);
  }

  get(ctx: RequestContext, id: string): Promise<Location> {
    return this.locations.getById(ctx.tenantId, id, 'location');
  }
}
