import { defineRpc } from '../rpc';
import {
  PoolReportRow,
  PoolsReportRpc,
  RenderedReportPage,
  ReportPage,
  ReportRenderFormat,
  SkuReportRow,
  SkusReportRpc,
  StockItemReportRow,
  StockItemsReportRpc,
  UnderPerformerRow,
  UnderPerformersRpc,
} from './reports';
import { ReportingRpc } from './subjects';

type Rendered<T> = T & { render: ReportRenderFormat };

/**
 * The reporting service's subjects with their request and reply types (`RpcClient.call`, `@Handles`).
 * A report answers rows (`ReportPage`) or, when the request names a `render` format, the page
 * rendered as a string (`RenderedReportPage`): `rendered.*` are the same subjects typed for that.
 */
export const ReportingCalls = {
  stockItems: defineRpc<StockItemsReportRpc, ReportPage<StockItemReportRow> | RenderedReportPage>(
    ReportingRpc.stockItems,
    { request: StockItemsReportRpc },
  ),
  skus: defineRpc<SkusReportRpc, ReportPage<SkuReportRow> | RenderedReportPage>(ReportingRpc.skus, {
    request: SkusReportRpc,
  }),
  underPerformers: defineRpc<UnderPerformersRpc, ReportPage<UnderPerformerRow> | RenderedReportPage>(
    ReportingRpc.underPerformers,
    { request: UnderPerformersRpc },
  ),
  pools: defineRpc<PoolsReportRpc, ReportPage<PoolReportRow> | RenderedReportPage>(ReportingRpc.pools, {
    request: PoolsReportRpc,
  }),
  rendered: {
    stockItems: defineRpc<Rendered<StockItemsReportRpc>, RenderedReportPage>(ReportingRpc.stockItems),
    skus: defineRpc<Rendered<SkusReportRpc>, RenderedReportPage>(ReportingRpc.skus),
    underPerformers: defineRpc<Rendered<UnderPerformersRpc>, RenderedReportPage>(ReportingRpc.underPerformers),
    pools: defineRpc<Rendered<PoolsReportRpc>, RenderedReportPage>(ReportingRpc.pools),
  },
  rebuild: defineRpc<Record<string, never>, { applied: number }>(ReportingRpc.rebuild),
  status: defineRpc<Record<string, never>, { applied: number; pending: Record<string, number> }>(ReportingRpc.status),
} as const;
