import { ServiceEnv } from '@circulate/platform/nest';
import { csvRow, ReportCsvColumns, type RenderedReportPage, type RequestContext } from '@circulate/contracts';
import { applySnapshot, type ItemProjection } from '@circulate/reporting/domain';
import type { ReportingProjections, TenantState } from './projections.service';
import { RENDERED_PAGE_CHARS, ReportsService } from './reports.service';

const DAY = 86_400_000;
const FROM = Date.parse('2026-01-01T00:00:00Z');
const ctx = { tenantId: 'acme', role: 'admin' } as RequestContext;
const query = { from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z', offset: 0, limit: 10_000 };

function item(i: number): ItemProjection {
  const p = applySnapshot(undefined, {
    tenantId: 'acme',
    at: FROM,
    changes: [],
    item: {
      id: `itm_${String(i).padStart(5, '0')}_${'x'.repeat(40)}`,
      skuId: `sku_${i % 7}`,
      skuCode: `S-${i % 7}`,
      tracking: i % 10 === 0 ? 'pooled' : 'serialized',
      quantity: i % 10 === 0 ? 5 : 1,
      locationId: 'loc_1',
      status: 'in_use',
      state: { in: 1, out: 0 },
      effective: { purchasePrice: { amount: 10_000 + i, currency: 'EUR' } },
      createdAt: new Date(FROM).toISOString(),
      version: 1,
    },
  });
  if (!p) throw new Error('fold refused a first snapshot');
  p.ledger[`le_${i}`] = [FROM + DAY * (i % 300), 1_000 + i, 'EUR'];
  return p;
}

function world(n: number) {
  const t: TenantState = {
    items: new Map(),
    skuCodes: new Map(),
    skuVersions: new Map(),
    demand: new Map(),
    revision: 1,
    itemRevs: new Map(),
  };
  for (let i = 0; i < n; i++) {
    const p = item(i);
    t.items.set(p.id, p);
  }
  const service = new ReportsService({ tenant: () => t } as unknown as ReportingProjections, new ServiceEnv());
  return { t, service };
}

/** All pages of a rendered answer, fetched the way the gateway does (offsets from the first page). */
function pages(service: ReportsService, render: 'json' | 'csv'): RenderedReportPage[] {
  const first = service.stockItems(ctx, { ...query, render }) as RenderedReportPage;
  const rest = (first.pageOffsets ?? [0])
    .slice(1)
    .map((offset) => service.stockItems(ctx, { ...query, offset, render }) as RenderedReportPage);
  return [first, ...rest];
}

describe('ReportsService rendered pages', () => {
  it('given 3,000 items, when rendered as JSON pages, then they join into exactly the rows of the plain answer, each page within its size', () => {
    const { service } = world(3_000);
    const plain = service.stockItems(ctx, query) as { items: object[] };
    const rendered = pages(service, 'json');
    expect(rendered.length).toBeGreaterThan(1);
    for (const p of rendered) expect(p.chunk.length).toBeLessThanOrEqual(RENDERED_PAGE_CHARS);
    expect(rendered.reduce((n, p) => n + p.rows, 0)).toBe(3_000);
    const joined = JSON.parse(`[${rendered.map((p) => p.chunk).join(',')}]`);
    expect(joined).toEqual(plain.items);
  });

  it('given the same items, when rendered as CSV pages, then they join into one record per row in order', () => {
    const { service } = world(3_000);
    const plain = service.stockItems(ctx, query) as { items: object[] };
    const csv = pages(service, 'csv')
      .map((p) => p.chunk)
      .join('');
    expect(csv).toBe(plain.items.map((r) => csvRow(r, ReportCsvColumns.stockItems)).join(''));
  });

  it('given a report already computed, when one item changes, then only that row changes and the next answer shows it', () => {
    const { t, service } = world(500);
    const before = JSON.parse(`[${pages(service, 'json')[0].chunk}]`) as {
      stockItemId: string;
      income: { amount: number };
    }[];
    const changed = [...t.items.values()][42];
    changed.ledger['le_extra'] = [FROM + DAY, 5_000, 'EUR'];
    t.revision++;
    t.itemRevs.set(changed.id, t.revision);
    const after = JSON.parse(`[${pages(service, 'json')[0].chunk}]`) as typeof before;
    expect(after[42].income.amount).toBe(before[42].income.amount + 5_000);
    expect(after.filter((r, i) => JSON.stringify(r) !== JSON.stringify(before[i]))).toHaveLength(1);
    const skus = service.skus(ctx, query) as { items: { skuId: string; income: { amount: number } }[] };
    const total = skus.items.reduce((n, s) => n + s.income.amount, 0);
    expect(total).toBe(after.reduce((n, r) => n + r.income.amount, 0));
  });
});
