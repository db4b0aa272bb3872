import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { AvailabilityQueries } from '@circulate/availability/read-model';
import {
  AvailabilityRpc,
  ListingAvailability,
  ListingAvailabilityRequest,
  ListingCalendar,
  RebuildReport,
  RequestContext,
  rpcSubject,
  StockItemSchedule,
  StockItemScheduleRequest,
} from '@circulate/contracts';
import { RpcCtx, RpcData } from '@circulate/platform/messaging';
import { ReadModelFeed } from './read-model-feed';

@Controller()
export class AvailabilityController {
  constructor(
    private readonly queries: AvailabilityQueries,
    private readonly feed: ReadModelFeed,
  ) {}

  @MessagePattern(rpcSubject(AvailabilityRpc.checkAvailability))
  check(@RpcCtx() ctx: RequestContext, @RpcData() data: ListingAvailabilityRequest): ListingAvailability {
    return this.queries.availability(ctx, data.id, data.query);
  }

  @MessagePattern(rpcSubject(AvailabilityRpc.calendar))
  calendar(@RpcCtx() ctx: RequestContext, @RpcData() data: ListingAvailabilityRequest): ListingCalendar {
    return this.queries.calendar(ctx, data.id, data.query);
  }

  @MessagePattern(rpcSubject(AvailabilityRpc.stockItemSchedule))
  schedule(@RpcCtx() ctx: RequestContext, @RpcData() data: StockItemScheduleRequest): StockItemSchedule {
    return this.queries.schedule(ctx, data.id, data.query ?? {});
  }

  /** Rebuilds every replica's read model from the streams (admin; the gateway checks the role). */
  @MessagePattern(rpcSubject(AvailabilityRpc.rebuildReadModel))
  rebuild(@RpcCtx() _ctx: RequestContext): Promise<RebuildReport> {
    return this.feed.rebuildAll();
  }
}
