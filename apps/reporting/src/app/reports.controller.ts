import { ReportingCalls } from '@circulate/contracts';
import { ReportingProjections, ReportsService } from '@circulate/reporting/data-access';
import { rpcController, rpcHandlers } from '@circulate/platform/messaging';

export const ReportsController = rpcController([ReportsService, ReportingProjections], (reports, projections) =>
  rpcHandlers(ReportingCalls, {
    stockItems: (ctx, d) => reports.stockItems(ctx, d),
    skus: (ctx, d) => reports.skus(ctx, d),
    underPerformers: (ctx, d) => reports.underPerformers(ctx, d),
    pools: (ctx, d) => reports.pools(ctx, d),
    /** Operators only (no gateway route): `tools/reporting-rebuild.ts`. */
    rebuild: () => projections.rebuild(),
    status: () => projections.status(),
  }),
);
