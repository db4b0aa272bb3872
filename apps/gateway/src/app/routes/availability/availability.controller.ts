import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AvailabilityCalls,
  ListingAvailability,
  ListingCalendar,
  RebuildReport,
  RequestContext,
  StockItemSchedule,
} from '@circulate/contracts';
import { RpcClient } from '@circulate/platform/messaging';
import { Allow, Ctx } from '../../auth/auth.guard';

/**
 * The query strings go to the availability service as received (`variant.<axis>` keys are the
 * listing's own, so no DTO can list them); it validates them and names the offending field.
 */
@ApiTags('availability')
@ApiBearerAuth()
@Controller('listings')
export class ListingAvailabilityController {
  constructor(private readonly rpc: RpcClient) {}

  @Get(':id/availability')
  @Allow('admin', 'staff', 'storefront')
  @ApiOperation({ summary: 'start, end (ISO 8601 with offset), quantity, locationId, variant.<axis>, explain' })
  availability(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
  ): Promise<ListingAvailability> {
    return this.rpc.call(AvailabilityCalls.checkAvailability, ctx, { id, query: { ...query } });
  }

  @Get(':id/calendar')
  @Allow('admin', 'staff', 'storefront')
  @ApiOperation({ summary: 'from, to (YYYY-MM-DD, to exclusive, at most 366 days), locationId, variant.<axis>' })
  calendar(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
  ): Promise<ListingCalendar> {
    return this.rpc.call(AvailabilityCalls.calendar, ctx, { id, query: { ...query } });
  }
}

@ApiTags('availability')
@ApiBearerAuth()
@Controller('stock-items')
export class StockItemScheduleController {
  constructor(private readonly rpc: RpcClient) {}

  @Get(':id/reservations')
  @Allow('admin', 'staff')
  schedule(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
  ): Promise<StockItemSchedule> {
    return this.rpc.call(AvailabilityCalls.stockItemSchedule, ctx, { id, query: { ...query } });
  }
}

@ApiTags('availability')
@ApiBearerAuth()
@Controller('admin/availability')
export class AvailabilityAdminController {
  constructor(private readonly rpc: RpcClient) {}

  /** Every availability replica drops its read model and replays the streams from the start. */
  @Post('rebuild')
  @HttpCode(200)
  @Allow('admin')
  rebuild(@Ctx() ctx: RequestContext): Promise<RebuildReport> {
    return this.rpc.call(AvailabilityCalls.rebuildReadModel, ctx, {});
  }
}
