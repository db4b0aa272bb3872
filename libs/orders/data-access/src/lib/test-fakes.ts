/* Fakes at the service's seams, for pure unit tests only (the e2e tests use the real services). */
import {
  DomainError,
  ErrorCode,
  EventEnvelope,
  Listing,
  Location,
  OrderReservationView,
  Page,
  RequestContext,
  ReservationAllocation,
  ReservationCommand,
  StockItem,
} from '@circulate/contracts';
import { EventPublisher, KeyedMutex, OutboxRelay } from '@circulate/platform/messaging';
import { OrderCommitter } from './order-commit';
import { OrderCreation } from './order-creation.service';
import { InventoryCommandData, InventoryOrderCommand, OrderDeps } from './order-deps';
import { OrderLifecycle } from './order-lifecycle.service';
import type { OrderRepository } from './order.repository';
import type { OrderIntent, OrderSagaJournal } from './order-saga-journal';
import { OrderScanning } from './order-scanning.service';
import type { StoredOrder } from './stored-order';

export class FakeRepo {
  readonly docs = new Map<string, StoredOrder>();
  readonly events: EventEnvelope[] = [];
  readonly mongooseModel = { collection: { collectionName: 'orders' } };

  async insertMany(orders: readonly StoredOrder[]): Promise<('inserted' | 'duplicate')[]> {
    return orders.map((o) => {
      if (this.docs.has(o.id)) return 'duplicate';
      this.docs.set(o.id, structuredClone(o));
      return 'inserted';
    });
  }
  async findById(tenantId: string, id: string): Promise<StoredOrder | null> {
    const d = this.docs.get(id);
    return d && d.tenantId === tenantId ? structuredClone(d) : null;
  }
  async save(next: StoredOrder, expected: number, events: EventEnvelope[]): Promise<void> {
    if (this.docs.get(next.id)?.version !== expected) throw new DomainError(ErrorCode.CONFLICT, 'stale');
    this.docs.set(next.id, structuredClone(next));
    this.events.push(...events);
  }
  async list(): Promise<Page<StoredOrder>> {
    return { items: [...this.docs.values()], nextCursor: null };
  }
}

/** The saga journal in memory: the intents begun and not finished. */
export class FakeJournal {
  readonly open = new Map<number, OrderIntent>();
  private seq = 0;
  async begin(intent: OrderIntent): Promise<number> {
    this.open.set(++this.seq, structuredClone(intent));
    return this.seq;
  }
  done(seq: number): void {
    this.open.delete(seq);
  }
  async finish(seq: number): Promise<void> {
    this.open.delete(seq);
  }
}

interface Unit {
  item: StockItem;
  listingId: string;
}

/** A tiny world: one location, listings with one rule, units that each belong to one listing. */
export class FakeDeps extends OrderDeps {
  readonly listings = new Map<string, Listing>();
  readonly units: Unit[] = [];
  readonly reservations = new Map<string, ReservationAllocation[]>();
  readonly calls: { command: string; data: Record<string, unknown> }[] = [];
  readonly commands: ReservationCommand[] = [];

  async listing(_: RequestContext, id: string): Promise<Listing | null> {
    return this.listings.get(id) ?? null;
  }
  async location(_: RequestContext, id: string): Promise<Location | null> {
    return id === 'loc_shop' ? { id, name: 'Shop', code: null, timeZone: 'UTC', createdAt: '' } : null;
  }
  async lookup(_: RequestContext, code: string): Promise<StockItem | null> {
    return this.units.find((u) => u.item.codes.includes(code))?.item ?? null;
  }
  async inventory<K extends InventoryOrderCommand>(_: RequestContext, command: K, data: InventoryCommandData[K]) {
    this.calls.push({ command, data: data as unknown as Record<string, unknown> });
    return this.units.find((u) => u.item.id === data.stockItemId)?.item as StockItem;
  }
  async availability() {
    return { available: false, quantity: 0, rules: [] };
  }
  async reservationOf(_: RequestContext, orderId: string): Promise<OrderReservationView | null> {
    return this.view(orderId);
  }

  private view(orderId: string): OrderReservationView | null {
    const a = this.reservations.get(orderId);
    return a ? { orderId, state: 'active', holdUntil: null, allocations: a, shortages: [] } : null;
  }

  private busy(stockItemId: string): boolean {
    return [...this.reservations.values()].some((as) => as.some((a) => a.stockItemId === stockItemId));
  }

  async reservation(_: RequestContext, c: ReservationCommand): Promise<OrderReservationView | null> {
    this.commands.push(c);
    if (c.type === 'reserve') {
      if (this.reservations.has(c.orderId)) return this.view(c.orderId);
      const made: ReservationAllocation[] = [];
      const report = c.lines.map((line, lineIndex) => {
        const free = this.units.filter((u) => u.listingId === line.listingId && !this.busy(u.item.id));
        const want = line.quantity ?? 1;
        free.slice(0, want).forEach((u) =>
          made.push({
            reservationId: `res_${c.orderId}_${made.length}`,
            lineIndex,
            ruleId: 'rul_1',
            stockItemId: u.item.id,
            quantity: 1,
            start: line.start,
            end: line.end,
            status: 'held',
          }),
        );
        return { lineIndex, requested: want, fits: Math.min(free.length, want) };
      });
      if (report.some((r) => r.fits < r.requested))
        throw new DomainError(ErrorCode.UNAVAILABLE, 'short', undefined, { lines: report });
      this.reservations.set(c.orderId, made);
      return this.view(c.orderId);
    }
    if (c.type === 'release') this.reservations.delete(c.orderId);
    if (c.type === 'swap') {
      const as = this.reservations.get(c.orderId) ?? [];
      const r = as.find((a) => a.reservationId === c.reservationId);
      const to = this.units.find((u) => u.item.id === c.toStockItemId);
      const from = this.units.find((u) => u.item.id === r?.stockItemId);
      if (!r || !to || !from || to.listingId !== from.listingId || this.busy(to.item.id))
        throw new DomainError(ErrorCode.UNAVAILABLE, 'no');
      this.reservations.set(
        c.orderId,
        as.map((a) => (a === r ? { ...a, stockItemId: to.item.id } : a)),
      );
    }
    return 'orderId' in c ? this.view(c.orderId) : null;
  }

  addListing(id: string, opts: Partial<Listing> = {}): void {
    this.listings.set(id, {
      id,
      name: id,
      description: '',
      slug: id,
      status: 'published',
      media: [],
      seo: {},
      channels: { onlineStore: true, admin: true, checkIn: true },
      locationIds: ['loc_shop'],
      variants: [],
      priceTables: [
        { id: 'prt_1', name: 'Daily', currency: 'EUR', rates: [{ unit: 'day', amount: 1000 }], salePrice: 5000 },
      ],
      fulfillmentRules: [{ id: 'rul_1', quantity: 1, match: { skuCodes: ['X'] } }],
      version: 1,
      createdAt: '',
      updatedAt: '',
      ...opts,
    });
  }

  addUnit(listingId: string, id: string, codes: string[], tracking: 'serialized' | 'pooled' = 'serialized'): void {
    this.units.push({ listingId, item: { id, codes, tracking } as StockItem });
  }
}

export function fakeServices() {
  const repo = new FakeRepo();
  const deps = new FakeDeps();
  const outbox = { flush: async () => undefined } as unknown as OutboxRelay;
  // Published facts land beside the outbox's, so a test reads every event in one list.
  const publisher = { publish: async (e: EventEnvelope) => void repo.events.push(e) } as unknown as EventPublisher;
  const journal = new FakeJournal();
  const r = repo as unknown as OrderRepository;
  const life = new OrderLifecycle(r, deps, outbox, new KeyedMutex());
  const committer = new OrderCommitter(r, publisher);
  const creation = new OrderCreation(r, deps, journal as unknown as OrderSagaJournal, committer, publisher);
  return { repo, deps, journal, creation, life, scanning: new OrderScanning(life) };
}
