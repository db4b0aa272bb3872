import { Controller } from '@nestjs/common';
import { AvailabilityQueries } from '@circulate/availability/read-model';
import {
  AvailabilityCalls,
  ListingAvailability,
  ListingAvailabilityRequest,
  ListingCalendar,
  RebuildReport,
  RequestContext,
  StockItemSchedule,
  StockItemScheduleRequest,
} from '@circulate/contracts';
import { Handles, RpcCtx, RpcData } from '@circulate/platform/messaging';
import { ReadModelFeed } from './read-model-feed';

@Controller()
export class AvailabilityController {
  constructor(
    private readonly queries: AvailabilityQueries,
    private readonly feed: ReadModelFeed,
  ) {}

  @Handles(AvailabilityCalls.checkAvailability)
  check(@RpcCtx() ctx: RequestContext, @RpcData() data: ListingAvailabilityRequest): ListingAvailability {
    return this.queries.availability(ctx, data.id, data.query);
  }

  @Handles(AvailabilityCalls.calendar)
  calendar(@RpcCtx() ctx: RequestContext, @RpcData() data: ListingAvailabilityRequest): ListingCalendar {
    return this.queries.calendar(ctx, data.id, data.query);
  }

  @Handles(AvailabilityCalls.stockItemSchedule)
  schedule(@RpcCtx() ctx: RequestContext, @RpcData() data: StockItemScheduleRequest): StockItemSchedule {
    return this.queries.schedule(ctx, data.id, data.query ?? {});
  }

  /** Rebuilds every replica's read model from the streams (admin; the gateway checks the role). */
  @Handles(AvailabilityCalls.rebuildReadModel)
  rebuild(@RpcCtx() _ctx: RequestContext): Promise<RebuildReport> {
    return this.feed.rebuildAll();
  }
}
