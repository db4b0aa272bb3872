import { Injectable } from '@nestjs/common';
import {
  CreateLocationRequest,
  IdPrefix,
  InventoryEvents,
  ListLocationsRequest,
  Location,
  LocationCreatedEvent,
  newId,
  Page,
  RequestContext,
  unwrap,
} from '@circulate/contracts';
import { LocationRepository } from '@circulate/inventory/data-access';
import { decideLocationCreation } from '@circulate/inventory/domain';
import { AggregateWriter, outboxEvent } from '@circulate/platform/messaging';

/** Use cases of locations; the NATS controller is a one-line adapter over these. */
@Injectable()
export class LocationsService {
  constructor(
    private readonly locations: LocationRepository,
    private readonly writer: AggregateWriter,
  ) {}

  async create(ctx: RequestContext, input: CreateLocationRequest): Promise<Location> {
    const location = unwrap(decideLocationCreation(input, newId(IdPrefix.location), new Date().toISOString()));
    const event = outboxEvent<LocationCreatedEvent>(
      InventoryEvents.locationCreated,
      ctx.tenantId,
      location.id,
      1,
      { location },
      ctx.requestId,
    );
    return this.writer.create(this.locations, location.id, () => this.locations.insert(ctx.tenantId, location, event));
  }

  list(ctx: RequestContext, query: ListLocationsRequest): Promise<Page<Location>> {
    return this.locations.list(ctx.tenantId, query.limit, query.cursor);
  }

  get(ctx: RequestContext, id: string): Promise<Location> {
    return this.locations.getById(ctx.tenantId, id, 'location');
  }
}
