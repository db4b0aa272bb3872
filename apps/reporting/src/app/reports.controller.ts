import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import {
  PoolReportRow,
  PoolsReportRpc,
  RenderedReportPage,
  ReportingRpc,
  ReportPage,
  RequestContext,
  rpcSubject,
  SkuReportRow,
  SkusReportRpc,
  StockItemReportRow,
  StockItemsReportRpc,
  UnderPerformerRow,
  UnderPerformersRpc,
} from '@circulate/contracts';
import { ReportingProjections, ReportsService } from '@circulate/reporting/data-access';
import { RpcCtx, RpcData } from '@circulate/platform/messaging';

@Controller()
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly projections: ReportingProjections,
  ) {}

  @MessagePattern(rpcSubject(ReportingRpc.stockItems))
  stockItems(
    @RpcCtx() ctx: RequestContext,
    @RpcData() data: StockItemsReportRpc,
  ): ReportPage<StockItemReportRow> | RenderedReportPage {
    return this.reports.stockItems(ctx, data);
  }

  @MessagePattern(rpcSubject(ReportingRpc.skus))
  skus(@RpcCtx() ctx: RequestContext, @RpcData() data: SkusReportRpc): ReportPage<SkuReportRow> | RenderedReportPage {
    return this.reports.skus(ctx, data);
  }

  @MessagePattern(rpcSubject(ReportingRpc.underPerformers))
  underPerformers(
    @RpcCtx() ctx: RequestContext,
    @RpcData() data: UnderPerformersRpc,
  ): ReportPage<UnderPerformerRow> | RenderedReportPage {
    return this.reports.underPerformers(ctx, data);
  }

  @MessagePattern(rpcSubject(ReportingRpc.pools))
  pools(
    @RpcCtx() ctx: RequestContext,
    @RpcData() data: PoolsReportRpc,
  ): ReportPage<PoolReportRow> | RenderedReportPage {
    return this.reports.pools(ctx, data);
  }

  /** Operators only (no gateway route): `tools/reporting-rebuild.ts`. */
  @MessagePattern(rpcSubject(ReportingRpc.rebuild))
  rebuild(): Promise<{ applied: number }> {
    return this.projections.rebuild();
  }

  @MessagePattern(rpcSubject(ReportingRpc.status))
  status(): Promise<{ applied: number; pending: Record<string, number> }> {
    return this.projections.status();
  }
}
