import { figures, ItemFigures, ItemProjection, MoneyAmount, poolFigures } from './projection';

/** Builds the four reports from a tenant's projections (pure). Money in one currency per tenant. */
export interface ReportScope {
  from: number;
  to: number;
  /** The tenant's currency, used when an item has no money fact at all. */
  defaultCurrency: string;
  /**
   * The item's figures over [from, to) (default: computed by `figures`). The service passes a
   * memo that recomputes only the items changed since the last report.
   */
  figuresOf?: (p: ItemProjection) => ItemFigures;
}

function figuresIn(p: ItemProjection, scope: ReportScope): ItemFigures {
  return scope.figuresOf ? scope.figuresOf(p) : figures(p, scope.from, scope.to);
}

const money = (amount: number, currency: string): MoneyAmount => ({ amount, currency });
const RETIRED = new Set(['out_of_use', 'lost', 'sold']);

const byId = (a: ItemProjection, b: ItemProjection) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Items that exist before the range ends, by id (an array already sorted by id stays as it is). */
function inScope(items: Iterable<ItemProjection>, to: number): ItemProjection[] {
  const out: ItemProjection[] = [];
  let sorted = true;
  for (const p of items) {
    if (p.createdAt >= to) continue;
    if (sorted && out.length > 0 && byId(out[out.length - 1], p) > 0) sorted = false;
    out.push(p);
  }
  return sorted ? out : out.sort(byId);
}

/** One row of the per-item report. */
export function stockItemRow(p: ItemProjection, scope: ReportScope) {
  const f = figuresIn(p, scope);
  const currency = f.currency ?? scope.defaultCurrency;
  const profit = f.income - f.cost;
  return {
    stockItemId: p.id,
    skuId: p.skuId,
    locationId: p.locationId,
    tracking: p.tracking,
    quantity: p.quantity,
    status: p.status,
    income: money(f.income, currency),
    cost: money(f.cost, currency),
    profit: money(profit, currency),
    roi:
      p.purchasePrice && p.purchasePrice.amount > 0
        ? Math.round((profit / p.purchasePrice.amount) * 10_000) / 10_000
        : null,
    rentals: f.rentals,
    daysOut: f.daysOut,
    daysOwned: f.daysOwned,
    utilisation: f.utilisation,
  };
}

export function stockItemsReport(
  items: Iterable<ItemProjection>,
  scope: ReportScope,
  filter: { skuId?: string; locationId?: string } = {},
) {
  const rows = [];
  for (const p of inScope(items, scope.to)) {
    if (filter.skuId !== undefined && p.skuId !== filter.skuId) continue;
    if (filter.locationId !== undefined && p.locationId !== filter.locationId) continue;
    rows.push(stockItemRow(p, scope));
  }
  return rows;
}

export function skusReport(items: Iterable<ItemProjection>, scope: ReportScope, skuCodes: ReadonlyMap<string, string>) {
  const bySku = new Map<
    string,
    {
      code: string | null;
      units: number;
      serialized: number;
      pooled: number;
      retired: number;
      income: number;
      cost: number;
      out: number;
      owned: number;
      currency: string | null;
    }
  >();
  for (const p of inScope(items, scope.to)) {
    if (!p.skuId) continue;
    let s = bySku.get(p.skuId);
    if (!s) {
      s = {
        code: skuCodes.get(p.skuId) ?? p.skuCode,
        units: 0,
        serialized: 0,
        pooled: 0,
        retired: 0,
        income: 0,
        cost: 0,
        out: 0,
        owned: 0,
        currency: null,
      };
      bySku.set(p.skuId, s);
    }
    const f = figuresIn(p, scope);
    if (RETIRED.has(p.status)) s.retired += p.quantity;
    else {
      s.units += p.quantity;
      if (p.tracking === 'serialized') s.serialized += p.quantity;
      else s.pooled += p.quantity;
    }
    s.income += f.income;
    s.cost += f.cost;
    s.out += f.daysOut;
    s.owned += f.daysOwned;
    s.currency ??= f.currency;
  }
  return [...bySku.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([skuId, s]) => {
      const currency = s.currency ?? scope.defaultCurrency;
      return {
        skuId,
        code: s.code,
        units: s.units,
        serializedUnits: s.serialized,
        pooledUnits: s.pooled,
        retiredUnits: s.retired,
        income: money(s.income, currency),
        cost: money(s.cost, currency),
        profit: money(s.income - s.cost, currency),
        utilisation: s.owned > 0 ? Math.round((s.out / s.owned) * 10_000) / 10_000 : null,
      };
    });
}

/** Serialized items owned in the range whose utilisation is below the threshold, worst first. */
export function underPerformersReport(items: Iterable<ItemProjection>, scope: ReportScope, maxUtilisation: number) {
  const rows = [];
  for (const p of inScope(items, scope.to)) {
    if (p.tracking !== 'serialized') continue;
    const f = figuresIn(p, scope);
    if (f.utilisation === null || f.utilisation >= maxUtilisation) continue;
    rows.push({
      stockItemId: p.id,
      skuId: p.skuId,
      status: p.status,
      daysOwned: f.daysOwned,
      daysOut: f.daysOut,
      income: money(f.income, f.currency ?? scope.defaultCurrency),
      utilisation: f.utilisation,
    });
  }
  return rows.sort(
    (a, b) =>
      a.utilisation - b.utilisation || a.income.amount - b.income.amount || (a.stockItemId < b.stockItemId ? -1 : 1),
  );
}

export function poolsReport(items: Iterable<ItemProjection>, scope: ReportScope) {
  const rows = [];
  for (const p of inScope(items, scope.to)) {
    if (p.tracking !== 'pooled') continue;
    const f = figuresIn(p, scope);
    rows.push({
      stockItemId: p.id,
      skuId: p.skuId,
      quantity: p.quantity,
      ...poolFigures(p, scope.from, scope.to),
      utilisation: f.utilisation,
    });
  }
  return rows.map((r) => ({
    stockItemId: r.stockItemId,
    skuId: r.skuId,
    quantity: r.quantity,
    peakOut: r.peakOut,
    peakReserved: r.peakReserved,
    unmetDemand: r.unmetDemand,
    utilisation: r.utilisation,
    suggestedReorder: r.suggestedReorder,
  }));
}
