import { Controller } from '@nestjs/common';
import {
  PoolReportRow,
  PoolsReportRpc,
  RenderedReportPage,
  ReportingCalls,
  ReportPage,
  RequestContext,
  SkuReportRow,
  SkusReportRpc,
  StockItemReportRow,
  StockItemsReportRpc,
  UnderPerformerRow,
  UnderPerformersRpc,
} from '@circulate/contracts';
import { ReportingProjections, ReportsService } from '@circulate/reporting/data-access';
import { Handles } from '@circulate/platform/messaging';

@Controller()
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly projections: ReportingProjections,
  ) {}

  @Handles(ReportingCalls.stockItems)
  stockItems(ctx: RequestContext, data: StockItemsReportRpc): ReportPage<StockItemReportRow> | RenderedReportPage {
    return this.reports.stockItems(ctx, data);
  }

  @Handles(ReportingCalls.skus)
  skus(ctx: RequestContext, data: SkusReportRpc): ReportPage<SkuReportRow> | RenderedReportPage {
    return this.reports.skus(ctx, data);
  }

  @Handles(ReportingCalls.underPerformers)
  underPerformers(ctx: RequestContext, data: UnderPerformersRpc): ReportPage<UnderPerformerRow> | RenderedReportPage {
    return this.reports.underPerformers(ctx, data);
  }

  @Handles(ReportingCalls.pools)
  pools(ctx: RequestContext, data: PoolsReportRpc): ReportPage<PoolReportRow> | RenderedReportPage {
    return this.reports.pools(ctx, data);
  }

  /** Operators only (no gateway route): `tools/reporting-rebuild.ts`. */
  @Handles(ReportingCalls.rebuild)
  rebuild(): Promise<{ applied: number }> {
    return this.projections.rebuild();
  }

  @Handles(ReportingCalls.status)
  status(): Promise<{ applied: number; pending: Record<string, number> }> {
    return this.projections.status();
  }
}
