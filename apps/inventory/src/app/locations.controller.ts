import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import {
  CreateLocationRequest,
  GetLocationRequest,
  ListLocationsRequest,
  Location,
  Page,
  RequestContext,
  InventoryRpc,
  rpcSubject,
} from '@circulate/contracts';
import { LocationsService } from '@circulate/inventory/application';
import { RpcCtx, RpcData } from '@circulate/platform/messaging';

@Controller()
export class LocationsController {
  constructor(private readonly locations: LocationsService) {}

  @MessagePattern(rpcSubject(InventoryRpc.createLocation))
  create(@RpcCtx() ctx: RequestContext, @RpcData() data: CreateLocationRequest): Promise<Location> {
    return this.locations.create(ctx, data);
  }

  @MessagePattern(rpcSubject(InventoryRpc.listLocations))
  list(@RpcCtx() ctx: RequestContext, @RpcData() data: ListLocationsRequest): Promise<Page<Location>> {
    return this.locations.list(ctx, data);
  }

  @MessagePattern(rpcSubject(InventoryRpc.getLocation))
  get(@RpcCtx() ctx: RequestContext, @RpcData() data: GetLocationRequest): Promise<Location> {
    return this.locations.get(ctx, data.id);
  }
}
