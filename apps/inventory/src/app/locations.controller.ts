import { Controller } from '@nestjs/common';
import {
  CreateLocationRequest,
  GetLocationRequest,
  ListLocationsRequest,
  Location,
  Page,
  RequestContext,
  InventoryCalls,
} from '@circulate/contracts';
import { LocationsService } from '@circulate/inventory/application';
import { Handles } from '@circulate/platform/messaging';

@Controller()
export class LocationsController {
  constructor(private readonly locations: LocationsService) {}

  @Handles(InventoryCalls.createLocation)
  create(ctx: RequestContext, data: CreateLocationRequest): Promise<Location> {
    return this.locations.create(ctx, data);
  }

  @Handles(InventoryCalls.listLocations)
  list(ctx: RequestContext, data: ListLocationsRequest): Promise<Page<Location>> {
    return this.locations.list(ctx, data);
  }

  @Handles(InventoryCalls.getLocation)
  get(ctx: RequestContext, data: GetLocationRequest): Promise<Location> {
    return this.locations.get(ctx, data.id);
  }
}
