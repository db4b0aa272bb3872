import { defineRpc } from '../rpc';
import {
  PoolReportRow,
  PoolsReportRpc,
  ReportPage,
  SkuReportRow,
  SkusReportRpc,
  StockItemReportRow,
  StockItemsReportRpc,
  UnderPerformerRow,
  UnderPerformersRpc,
} from './reports';
import { ReportingRpc } from './subjects';

/** The reporting service's subjects with their request and reply types (`RpcClient.call`, `@Handles`). */
export const ReportingCalls = {
  stockItems: defineRpc<StockItemsReportRpc, ReportPage<StockItemReportRow>>(ReportingRpc.stockItems),
  skus: defineRpc<SkusReportRpc, ReportPage<SkuReportRow>>(ReportingRpc.skus),
  underPerformers: defineRpc<UnderPerformersRpc, ReportPage<UnderPerformerRow>>(ReportingRpc.underPerformers),
  pools: defineRpc<PoolsReportRpc, ReportPage<PoolReportRow>>(ReportingRpc.pools),
  rebuild: defineRpc<Record<string, never>, { applied: number }>(ReportingRpc.rebuild),
  status: defineRpc<Record<string, never>, { applied: number; pending: Record<string, number> }>(ReportingRpc.status),
} as const;
