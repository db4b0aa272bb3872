import { Injectable } from '@nestjs/common';
import {
  DEFAULT_MAX_UTILISATION,
  PoolReportRow,
  PoolsReportRpc,
  RequestContext,
  ReportPage,
  SkuReportRow,
  SkusReportRpc,
  StockItemReportRow,
  StockItemsReportRpc,
  UnderPerformerRow,
  UnderPerformersRpc,
} from '@circulate/contracts';
import {
  poolsReport,
  ReportScope,
  skusReport,
  stockItemsReport,
  underPerformersReport,
} from '@circulate/reporting/domain';
import { ServiceEnv } from '@circulate/platform/nest';
import { ReportingProjections, TenantState } from './projections.service';

/**
 * The four reports, computed from the in-memory projections of the asking tenant only. A report
 * travels in pages; the whole report is computed once per tenant revision and query and its pages
 * are cut from that (so the pages of one answer are consistent while events keep arriving).
 */
@Injectable()
export class ReportsService {
  private readonly cache = new Map<string, { revision: number; rows: unknown[]; at: number }>();

  private readonly defaultCurrency: string;

  constructor(
    private readonly projections: ReportingProjections,
    env: ServiceEnv,
  ) {
    this.defaultCurrency = env.REPORTING_DEFAULT_CURRENCY;
  }

  stockItems(ctx: RequestContext, q: StockItemsReportRpc): ReportPage<StockItemReportRow> {
    return this.page(ctx, 'items', q, (t, scope) =>
      stockItemsReport(t.items.values(), scope, { skuId: q.skuId, locationId: q.locationId }),
    ) as ReportPage<StockItemReportRow>;
  }

  skus(ctx: RequestContext, q: SkusReportRpc): ReportPage<SkuReportRow> {
    return this.page(ctx, 'skus', q, (t, scope) =>
      skusReport(t.items.values(), scope, t.skuCodes),
    ) as ReportPage<SkuReportRow>;
  }

  underPerformers(ctx: RequestContext, q: UnderPerformersRpc): ReportPage<UnderPerformerRow> {
    return this.page(ctx, 'under', q, (t, scope) =>
      underPerformersReport(t.items.values(), scope, q.maxUtilisation ?? DEFAULT_MAX_UTILISATION),
    ) as ReportPage<UnderPerformerRow>;
  }

  pools(ctx: RequestContext, q: PoolsReportRpc): ReportPage<PoolReportRow> {
    return this.page(ctx, 'pools', q, (t, scope) => poolsReport(t.items.values(), scope)) as ReportPage<PoolReportRow>;
  }

  private page(
    ctx: RequestContext,
    kind: string,
    q: { from: string; to: string; offset: number; limit: number },
    build: (t: TenantState, scope: ReportScope) => unknown[],
  ): ReportPage<unknown> {
    const t = this.projections.tenant(ctx.tenantId);
    const { offset, limit, ...query } = q;
    const key = `${ctx.tenantId}|${kind}|${JSON.stringify(query)}`;
    let hit = this.cache.get(key);
    // Later pages of one answer come from the rows the first page was cut from.
    const fresh = hit && (offset > 0 ? Date.now() - hit.at < 60_000 : hit.revision === t.revision);
    if (!hit || !fresh) {
      const scope = { from: Date.parse(q.from), to: Date.parse(q.to), defaultCurrency: this.defaultCurrency };
      hit = { revision: t.revision, rows: build(t, scope), at: Date.now() };
      this.cache.set(key, hit);
      if (this.cache.size > 200) this.cache.delete(this.cache.keys().next().value as string);
    }
    const items = hit.rows.slice(offset, offset + limit);
    const next = offset + limit;
    return { items, total: hit.rows.length, nextOffset: next < hit.rows.length ? next : null };
  }
}
