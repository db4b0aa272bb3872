import { Injectable } from '@nestjs/common';
import {
  csvRow,
  DEFAULT_MAX_UTILISATION,
  PoolReportRow,
  PoolsReportRpc,
  RenderedReportPage,
  ReportCsvColumns,
  ReportPage,
  ReportRenderFormat,
  RequestContext,
  SkuReportRow,
  SkusReportRpc,
  StockItemReportRow,
  StockItemsReportRpc,
  UnderPerformerRow,
  UnderPerformersRpc,
} from '@circulate/contracts';
import {
  figures,
  ItemFigures,
  ItemProjection,
  poolsReport,
  ReportScope,
  skusReport,
  stockItemsReport,
  underPerformersReport,
} from '@circulate/reporting/domain';
import { ServiceEnv } from '@circulate/platform/nest';
import { ReportingProjections, TenantState } from './projections.service';

/** Largest rendered page (characters): the JSON-encoded reply stays far below NATS's 1 MB. */
export const RENDERED_PAGE_CHARS = 300_000;
/** Date ranges whose per-item figures are kept per tenant. */
const RANGES_KEPT = 8;

type Kind = 'items' | 'skus' | 'under' | 'pools';
const COLUMNS: Record<Kind, readonly string[]> = {
  items: ReportCsvColumns.stockItems,
  skus: ReportCsvColumns.skus,
  under: ReportCsvColumns.underPerformers,
  pools: ReportCsvColumns.pools,
};

interface PagedQuery {
  from: string;
  to: string;
  offset: number;
  limit: number;
  render?: ReportRenderFormat;
}

/** One computed answer: its rows, and their rendering per format (made on first use). */
interface Answer {
  revision: number;
  at: number;
  rows: object[];
  rendered: Partial<Record<ReportRenderFormat, string[]>>;
}

/** An item's figures over one range, valid while the item's revision is `rev`. */
interface ItemMemo {
  rev: number;
  f: ItemFigures;
  json?: string;
  csv?: string;
}

/**
 * The four reports, computed from the in-memory projections of the asking tenant only. A report
 * travels in pages; the whole report is computed once per tenant revision and query and its pages
 * are cut from that (so the pages of one answer are consistent while events keep arriving).
 *
 * After a change only the changed items are computed again: each item's figures (and its rendered
 * row) are memoised per range under the revision at which the item last changed.
 */
@Injectable()
export class ReportsService {
  private readonly cache = new Map<string, Answer>();
  private readonly memos = new WeakMap<TenantState, Map<string, Map<string, ItemMemo>>>();

  private readonly defaultCurrency: string;

  constructor(
    private readonly projections: ReportingProjections,
    env: ServiceEnv,
  ) {
    this.defaultCurrency = env.REPORTING_DEFAULT_CURRENCY;
  }

  stockItems(ctx: RequestContext, q: StockItemsReportRpc): ReportPage<StockItemReportRow> | RenderedReportPage {
    return this.page(ctx, 'items', q, (t, scope) =>
      stockItemsReport(t.items.values(), scope, { skuId: q.skuId, locationId: q.locationId }),
    ) as ReportPage<StockItemReportRow> | RenderedReportPage;
  }

  skus(ctx: RequestContext, q: SkusReportRpc): ReportPage<SkuReportRow> | RenderedReportPage {
    return this.page(ctx, 'skus', q, (t, scope) => skusReport(t.items.values(), scope, t.skuCodes)) as
      ReportPage<SkuReportRow> | RenderedReportPage;
  }

  underPerformers(ctx: RequestContext, q: UnderPerformersRpc): ReportPage<UnderPerformerRow> | RenderedReportPage {
    return this.page(ctx, 'under', q, (t, scope) =>
      underPerformersReport(t.items.values(), scope, q.maxUtilisation ?? DEFAULT_MAX_UTILISATION),
    ) as ReportPage<UnderPerformerRow> | RenderedReportPage;
  }

  pools(ctx: RequestContext, q: PoolsReportRpc): ReportPage<PoolReportRow> | RenderedReportPage {
    return this.page(ctx, 'pools', q, (t, scope) => poolsReport(t.items.values(), scope)) as
      ReportPage<PoolReportRow> | RenderedReportPage;
  }

  private page(
    ctx: RequestContext,
    kind: Kind,
    q: PagedQuery,
    build: (t: TenantState, scope: ReportScope) => object[],
  ): ReportPage<unknown> | RenderedReportPage {
    const t = this.projections.tenant(ctx.tenantId);
    const { offset, limit, render, ...query } = q;
    const key = `${ctx.tenantId}|${kind}|${JSON.stringify(query)}`;
    let hit = this.cache.get(key);
    // Later pages of one answer come from the rows the first page was cut from.
    const fresh = hit && (offset > 0 ? Date.now() - hit.at < 60_000 : hit.revision === t.revision);
    const from = Date.parse(q.from);
    const to = Date.parse(q.to);
    const memo = this.memoOf(t, `${from}|${to}`);
    if (!hit || !fresh) {
      const scope: ReportScope = {
        from,
        to,
        defaultCurrency: this.defaultCurrency,
        figuresOf: (p) => this.figuresOf(t, memo, p, from, to),
      };
      hit = { revision: t.revision, rows: build(t, scope), at: Date.now(), rendered: {} };
      this.cache.set(key, hit);
      if (this.cache.size > 200) this.cache.delete(this.cache.keys().next().value as string);
    }
    if (render) return this.renderedPage(hit, kind, render, offset, kind === 'items' ? memo : undefined, t);
    const items = hit.rows.slice(offset, offset + limit);
    const next = offset + limit;
    return { items, total: hit.rows.length, nextOffset: next < hit.rows.length ? next : null };
  }

  private memoOf(t: TenantState, range: string): Map<string, ItemMemo> {
    let byRange = this.memos.get(t);
    if (!byRange) this.memos.set(t, (byRange = new Map()));
    let memo = byRange.get(range);
    if (!memo) {
      byRange.set(range, (memo = new Map()));
      if (byRange.size > RANGES_KEPT) byRange.delete(byRange.keys().next().value as string);
    }
    return memo;
  }

  private figuresOf(t: TenantState, memo: Map<string, ItemMemo>, p: ItemProjection, from: number, to: number) {
    const rev = t.itemRevs.get(p.id) ?? 0;
    const m = memo.get(p.id);
    if (m && m.rev === rev) return m.f;
    const f = figures(p, from, to);
    memo.set(p.id, { rev, f });
    return f;
  }

  /** The rows of one answer rendered in `format`; per-item rows reuse their memoised rendering. */
  private rendering(
    hit: Answer,
    kind: Kind,
    format: ReportRenderFormat,
    memo: Map<string, ItemMemo> | undefined,
    t: TenantState,
  ): string[] {
    const done = hit.rendered[format];
    if (done) return done;
    const one = (row: object) => (format === 'json' ? JSON.stringify(row) : csvRow(row, COLUMNS[kind]));
    const out = hit.rows.map((row) => {
      const id = (row as { stockItemId?: string }).stockItemId;
      const m = memo && id !== undefined ? memo.get(id) : undefined;
      if (!m || m.rev !== (t.itemRevs.get(id as string) ?? 0)) return one(row);
      return (m[format] ??= one(row));
    });
    hit.rendered[format] = out;
    return out;
  }

  private renderedPage(
    hit: Answer,
    kind: Kind,
    format: ReportRenderFormat,
    offset: number,
    memo: Map<string, ItemMemo> | undefined,
    t: TenantState,
  ): RenderedReportPage {
    const lines = this.rendering(hit, kind, format, memo, t);
    const end = pageEnd(lines, offset);
    const chunk = format === 'json' ? lines.slice(offset, end).join(',') : lines.slice(offset, end).join('');
    const page: RenderedReportPage = {
      chunk,
      rows: end - offset,
      total: lines.length,
      nextOffset: end < lines.length ? end : null,
    };
    if (offset === 0) {
      const offsets = [0];
      for (let at = end; at < lines.length; at = pageEnd(lines, at)) offsets.push(at);
      page.pageOffsets = offsets;
    }
    return page;
  }
}

/** Where the page starting at `offset` ends: as many rows as fit in RENDERED_PAGE_CHARS (at least one). */
function pageEnd(lines: readonly string[], offset: number): number {
  let size = 0;
  let end = offset;
  while (end < lines.length && (end === offset || size + lines[end].length + 1 <= RENDERED_PAGE_CHARS)) {
    size += lines[end].length + 1;
    end++;
  }
  return end;
}
