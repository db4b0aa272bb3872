import { Injectable } from '@nestjs/common';
import {
  AdjustmentRequest,
  BatchRegisterRequest,
  CreateStockItemRequest,
  DomainError,
  ErrorCode,
  EventEnvelope,
  HandOutCommand,
  IdPrefix,
  InventoryEvents,
  Ledger,
  LedgerEntry,
  LedgerEntryRequest,
  ListStockItemsRequest,
  MarkSoldCommand,
  newId,
  Page,
  RecordOrderIncomeCommand,
  RequestContext,
  ReturnCommand,
  SkuSnapshot,
  StockItem,
  StockItemBatch,
  StockItemEvent,
  Timeline,
  TimelineEntry,
  UpdateStockItemRequest,
} from '@circulate/contracts';
import {
  adjustPool,
  assertDistinctCodes,
  assertLedgerEntry,
  assertNoTrackingChange,
  assertStatusTransition,
  effectiveOf,
  handOutUnits,
  initialQuantity,
  initialState,
  isRetired,
  ledgerTotals,
  patchOverrides,
  returnUnits,
  sellUnits,
} from '@circulate/inventory/domain';
import { KeyedMutex, OutboxRelay, outboxEvent } from '@circulate/platform/messaging';
import { LocationRepository } from '../locations/location.repository';
import { BatchOutboxFlusher } from '../outbox-batch';
import { BatchOutbox } from './batch-outbox';
import { SkuRepository } from '../skus/sku.repository';
import { CodeClaim, CodeRepository } from './code.repository';
import { StockItemDoc, StockItemCodeDoc } from './stock-item.schema';
import { StockItemFull, StockItemRecord, StockItemRepository, StockItemWrite } from './stock-item.repository';

/** A claim older than this whose item does not list the code is left over from a crash. */
const STALE_CLAIM_MS = 60_000;

/** What one change of one item decides; the helper writes it atomically with its event. */
interface Change {
  set: StockItemWrite['set'];
  timeline: TimelineEntry[];
  ledgerEntry?: LedgerEntry;
  appliedKey?: string;
  /** Codes to claim before the write (released again if the write fails). */
  claim?: CodeClaim[];
  /** Codes to release after the write. */
  release?: CodeClaim[];
}

function commandKey(kind: string, cmd: { orderId: string; operationKey?: string }): string {
  return `${kind}:${cmd.orderId}:${cmd.operationKey ?? ''}`;
}

function now(): string {
  return new Date().toISOString();
}

/**
 * Use cases of stock items. Every change of an item runs under that item's lock, writes its
 * fields, timeline entry, ledger entry and event in one document write, then publishes the
 * event (which carries the item's full snapshot).
 */
@Injectable()
export class StockItemsService {
  constructor(
    private readonly items: StockItemRepository,
    private readonly codes: CodeRepository,
    private readonly skus: SkuRepository,
    private readonly locations: LocationRepository,
    private readonly outbox: OutboxRelay,
    private readonly fanOutOutbox: BatchOutboxFlusher,
    private readonly batchOutbox: BatchOutbox,
    private readonly locks: KeyedMutex,
  ) {}

  // ---------- reads ----------

  async get(ctx: RequestContext, id: string): Promise<StockItem> {
    const record = await this.items.getById(ctx.tenantId, id, 'stock item');
    return this.compose(record, record.skuId ? await this.skus.findById(ctx.tenantId, record.skuId) : null);
  }

  async lookup(ctx: RequestContext, code: string): Promise<StockItem> {
    const owner = await this.codes.ownerOf(ctx.tenantId, code);
    const record = owner ? await this.items.findById(ctx.tenantId, owner) : null;
    // A claim left by a crash, or not yet written, finds nothing.
    if (!record || !record.codes.includes(code))
      throw new DomainError(ErrorCode.NOT_FOUND, `no stock item has the code "${code}"`);
    return this.compose(record, record.skuId ? await this.skus.findById(ctx.tenantId, record.skuId) : null);
  }

  async list(ctx: RequestContext, query: ListStockItemsRequest): Promise<Page<StockItem>> {
    const page = await this.items.list(ctx.tenantId, query, query.limit, query.cursor);
    const skus = await this.skus.findMany(
      ctx.tenantId,
      page.items.map((r) => r.skuId).filter((s): s is string => !!s),
    );
    return {
      items: page.items.map((r) => this.compose(r, r.skuId ? (skus.get(r.skuId) ?? null) : null)),
      nextCursor: page.nextCursor,
    };
  }

  async ledger(ctx: RequestContext, id: string): Promise<Ledger> {
    const full = await this.getFull(ctx, id);
    let fallback = 'EUR';
    if (full.ledger.length === 0) {
      const sku = full.skuId ? await this.skus.findById(ctx.tenantId, full.skuId) : null;
      fallback = effectiveOf(sku, full.overrides).purchasePrice?.currency ?? fallback;
    }
    return { items: full.ledger, totals: ledgerTotals(full.ledger, fallback) };
  }

  async timeline(ctx: RequestContext, id: string): Promise<Timeline> {
    const doc = await this.items.findHistory(ctx.tenantId, id, 'timeline');
    if (!doc) throw DomainError.notFound('stock item', id);
    return { items: doc.timeline ?? [] };
  }

  // ---------- registration ----------

  async create(ctx: RequestContext, input: CreateStockItemRequest): Promise<StockItem> {
    const quantity = initialQuantity(input.tracking, input.quantity);
    const id = newId(IdPrefix.stockItem);
    const codes = input.codes ?? [id];
    assertDistinctCodes(codes);
    const sku = await this.requireSku(ctx, input.skuId, 'skuId');
    await this.requireLocation(ctx, input.locationId, 'locationId');
    const overrides = patchOverrides({}, input.overrides ?? {});
    const doc = this.newDoc(ctx, id, {
      skuId: sku?.id ?? null,
      skuVersion: sku?.version ?? 0,
      tracking: input.tracking,
      quantity,
      codes,
      locationId: input.locationId,
      condition: input.condition ?? null,
      overrides,
    });
    const item = this.compose(doc, sku);
    doc._outbox = [this.event(ctx, InventoryEvents.stockItemRegistered, item, doc.timeline)];
    const model = this.items.mongooseModel;
    return this.locks.run(OutboxRelay.lockKey(model, id), async () => {
      await this.claim(
        ctx,
        codes.map((code) => ({ code, stockItemId: id })),
      );
      try {
        await this.items.insertMany([doc]);
      } catch (err) {
        await this.items.deleteMany(ctx.tenantId, [id]).catch(() => undefined);
        await this.codes.releaseClaims(
          ctx.tenantId,
          codes.map((code) => ({ code, stockItemId: id })),
        );
        throw err;
      }
      await this.outbox.flush(model as never, id);
      return item;
    });
  }

  /**
   * Registers `count` serialized units under a SKU, all or nothing, without transactions: every
   * code is claimed first (any taken → the claims made are deleted, 409), the events are staged
   * in one batch document, then the items are inserted; if that fails, the inserted items, the
   * staged events and the claims are deleted again. Then the events are committed and published.
   */
  async batch(ctx: RequestContext, input: BatchRegisterRequest): Promise<StockItemBatch> {
    if (input.codes && input.codes.length !== input.count) {
      throw DomainError.invalid('codes', `give one code per item: ${input.count} codes, not ${input.codes.length}`);
    }
    if (input.codes) assertDistinctCodes(input.codes);
    const sku = await this.requireSku(ctx, input.skuId, 'skuId');
    await this.requireLocation(ctx, input.locationId, 'locationId');
    const ids = Array.from({ length: input.count }, () => newId(IdPrefix.stockItem));
    const claims = ids.map((id, i) => ({ stockItemId: id, code: input.codes?.[i] ?? id }));
    const docs = ids.map((id, i) =>
      this.newDoc(ctx, id, {
        skuId: input.skuId,
        skuVersion: sku?.version ?? 0,
        tracking: 'serialized',
        quantity: 1,
        codes: [claims[i].code],
        locationId: input.locationId,
        condition: input.condition ?? null,
        overrides: {},
      }),
    );
    const items = docs.map((doc) => this.compose(doc, sku));
    const events = items.map((item, i) => this.event(ctx, InventoryEvents.stockItemRegistered, item, docs[i].timeline));
    const batchId = `bat_${ids[0]}`;
    await this.claim(ctx, claims);
    await this.batchOutbox.stage(batchId, ctx.tenantId, ids, events);
    try {
      await this.items.insertMany(docs);
    } catch (err) {
      await this.items.deleteMany(ctx.tenantId, ids).catch(() => undefined);
      await this.batchOutbox.discard(batchId);
      await this.codes.releaseClaims(ctx.tenantId, claims);
      throw err;
    }
    await this.batchOutbox.commit(batchId);
    return { items };
  }

  // ---------- changes ----------

  async update(ctx: RequestContext, input: UpdateStockItemRequest): Promise<StockItem> {
    return this.change(ctx, input.id, async (full) => {
      assertNoTrackingChange(full, input);
      const at = now();
      const set: Change['set'] = {};
      const timeline: TimelineEntry[] = [];
      let claim: CodeClaim[] = [];
      let release: CodeClaim[] = [];
      if (input.locationId !== undefined && input.locationId !== full.locationId) {
        await this.requireLocation(ctx, input.locationId, 'locationId');
        set.locationId = input.locationId;
        timeline.push({ type: 'moved', at, data: { from: full.locationId, to: input.locationId } });
      }
      if (input.condition !== undefined && input.condition !== full.condition) {
        set.condition = input.condition;
        timeline.push({ type: 'condition_changed', at, data: { from: full.condition, to: input.condition } });
      }
      if (input.status !== undefined && input.status !== full.status) {
        assertStatusTransition(full.status, input.status);
        set.status = input.status;
        timeline.push({ type: 'status_changed', at, data: { from: full.status, to: input.status } });
      }
      if (input.overrides !== undefined) {
        const next = patchOverrides(full.overrides ?? {}, input.overrides);
        if (JSON.stringify(next) !== JSON.stringify(full.overrides ?? {})) {
          set.overrides = next;
          timeline.push({ type: 'overrides_changed', at, data: { overrides: next } });
        }
      }
      if (input.codes !== undefined) {
        assertDistinctCodes(input.codes);
        const added = input.codes.filter((c) => !full.codes.includes(c));
        const removed = full.codes.filter((c) => !input.codes?.includes(c));
        if (added.length || removed.length) {
          set.codes = input.codes;
          claim = added.map((code) => ({ code, stockItemId: full._id }));
          release = removed.map((code) => ({ code, stockItemId: full._id }));
          timeline.push({ type: 'codes_changed', at, data: { added, removed, codes: input.codes } });
        }
      }
      return timeline.length ? { set, timeline, claim, release } : null;
    });
  }

  async adjust(ctx: RequestContext, input: AdjustmentRequest): Promise<StockItem> {
    return this.change(ctx, input.id, (full) => {
      const next = adjustPool(full.tracking, full.quantity, full.state, input.delta);
      return {
        set: next,
        timeline: [
          {
            type: 'adjusted',
            at: now(),
            quantity: input.delta,
            data: { delta: input.delta, reason: input.reason, quantity: next.quantity },
          },
        ],
      };
    });
  }

  async addLedgerEntry(ctx: RequestContext, input: LedgerEntryRequest): Promise<LedgerEntry> {
    let entry: LedgerEntry | undefined;
    await this.change(ctx, input.id, (full) => {
      assertLedgerEntry(full.ledger, input.type, input.amount);
      entry = this.ledgerEntry(input.type, input.amount, input.reason, input.note, input.orderId);
      return { set: {}, timeline: [this.ledgerTimeline(entry)], ledgerEntry: entry };
    });
    return entry as LedgerEntry;
  }

  // ---------- commands of the orders service (idempotent per order, item and operation) ----------

  async handOut(ctx: RequestContext, cmd: HandOutCommand): Promise<StockItem> {
    const key = commandKey('hand_out', cmd);
    return this.change(ctx, cmd.stockItemId, (full) => {
      if (full.appliedKeys.includes(key)) return null;
      if (isRetired(full.status)) {
        throw new DomainError(
          ErrorCode.INVALID_STATE_TRANSITION,
          `the item is ${full.status} and cannot be handed out`,
        );
      }
      const out = handOutUnits(full.tracking, full.state, cmd.quantity);
      const outByOrder = {
        ...(full.outByOrder ?? {}),
        [cmd.orderId]: (full.outByOrder?.[cmd.orderId] ?? 0) + out.quantity,
      };
      return {
        set: { state: out.state, outByOrder },
        timeline: [{ type: 'handed_out', at: now(), quantity: out.quantity, orderId: cmd.orderId }],
        appliedKey: key,
      };
    });
  }

  async returnUnits(ctx: RequestContext, cmd: ReturnCommand): Promise<StockItem> {
    const key = commandKey('return', cmd);
    return this.change(ctx, cmd.stockItemId, (full) => {
      if (full.appliedKeys.includes(key)) return null;
      const outFor = full.outByOrder?.[cmd.orderId] ?? 0;
      const back = returnUnits(full.tracking, full.state, outFor, cmd.quantity);
      const outByOrder = { ...(full.outByOrder ?? {}) };
      if (outFor - back.quantity > 0) outByOrder[cmd.orderId] = outFor - back.quantity;
      else delete outByOrder[cmd.orderId];
      const at = now();
      const timeline: TimelineEntry[] = [
        {
          type: 'returned',
          at,
          quantity: back.quantity,
          orderId: cmd.orderId,
          ...(cmd.condition ? { data: { condition: cmd.condition } } : {}),
        },
      ];
      const set: Change['set'] = { state: back.state, outByOrder };
      if (cmd.condition !== undefined && cmd.condition !== full.condition) {
        set.condition = cmd.condition;
        timeline.push({
          type: 'condition_changed',
          at,
          orderId: cmd.orderId,
          data: { from: full.condition, to: cmd.condition },
        });
      }
      return { set, timeline, appliedKey: key };
    });
  }

  async recordOrderIncome(ctx: RequestContext, cmd: RecordOrderIncomeCommand): Promise<StockItem> {
    const key = commandKey('income', cmd);
    return this.change(ctx, cmd.stockItemId, (full) => {
      if (full.appliedKeys.includes(key)) return null;
      assertLedgerEntry(full.ledger, 'income', cmd.amount);
      const entry = this.ledgerEntry('income', cmd.amount, 'order', cmd.note, cmd.orderId);
      return { set: {}, timeline: [this.ledgerTimeline(entry)], ledgerEntry: entry, appliedKey: key };
    });
  }

  async markSold(ctx: RequestContext, cmd: MarkSoldCommand): Promise<StockItem> {
    const key = commandKey('sold', cmd);
    return this.change(ctx, cmd.stockItemId, (full) => {
      if (full.appliedKeys.includes(key)) return null;
      const outFor = full.outByOrder?.[cmd.orderId] ?? 0;
      const sale = sellUnits(full, outFor, cmd.quantity);
      const outByOrder = { ...(full.outByOrder ?? {}) };
      if (outFor - sale.fromOut > 0) outByOrder[cmd.orderId] = outFor - sale.fromOut;
      else delete outByOrder[cmd.orderId];
      const at = now();
      const timeline: TimelineEntry[] = [];
      if (full.tracking === 'pooled') {
        timeline.push({
          type: 'adjusted',
          at,
          quantity: -sale.sold,
          orderId: cmd.orderId,
          data: { delta: -sale.sold, reason: 'sold', quantity: sale.quantity },
        });
      }
      if (sale.status !== full.status) {
        timeline.push({
          type: 'status_changed',
          at,
          orderId: cmd.orderId,
          data: { from: full.status, to: sale.status },
        });
      }
      return {
        set: { quantity: sale.quantity, state: sale.state, status: sale.status, outByOrder },
        timeline,
        appliedKey: key,
      };
    });
  }

  // ---------- SKU fan-out ----------

  /**
   * A SKU changed (or was deleted: `unlink`): every linked item's effective fields changed, so
   * each gets a `changed` event with its new snapshot (`reason` says why), and on deletion its
   * `skuId` becomes null. Read models therefore only ever need stock-item events.
   */
  async skuChanged(ctx: RequestContext, sku: SkuSnapshot, unlink: boolean): Promise<string[]> {
    const model = this.items.mongooseModel;
    const linked = await this.items.linkedTo(ctx.tenantId, sku.id);
    const ids = linked.map((r) => r._id);
    if (ids.length === 0) return [];
    const lockedIds = new Set(ids);
    await this.locks.runAll(
      ids.map((id) => OutboxRelay.lockKey(model, id)),
      async () => {
        // Items whose snapshot already reflects this SKU version are left alone, so a second run
        // (the recovery consumer after a crash, or a redelivery) publishes nothing twice.
        const fresh = (await this.items.linkedTo(ctx.tenantId, sku.id)).filter(
          (r) => lockedIds.has(r._id) && (unlink || (r.skuVersion ?? 0) < sku.version),
        );
        const reason = unlink ? 'sku_deleted' : 'sku_updated';
        const writes = fresh.map((r) => {
          const version = r.version + 1;
          const set: StockItemWrite['set'] = unlink ? { skuId: null, skuVersion: 0 } : { skuVersion: sku.version };
          const item = this.compose({ ...r, ...set, version }, unlink ? null : sku);
          const event = this.event(ctx, InventoryEvents.stockItemChanged, item, [], { reason });
          return { id: r._id, write: { set, timeline: [], version, event } };
        });
        if (writes.length === 0) return;
        await this.items.applyEach(writes);
        await this.fanOutOutbox.flush(
          model as never,
          writes.map((w) => ({ id: w.id, events: [w.write.event] })),
        );
      },
    );
    return ids;
  }

  // ---------- helpers ----------

  private async change(
    ctx: RequestContext,
    id: string,
    decide: (full: StockItemFull) => Change | null | Promise<Change | null>,
  ): Promise<StockItem> {
    const model = this.items.mongooseModel;
    return this.locks.run(OutboxRelay.lockKey(model, id), async () => {
      const full = await this.getFull(ctx, id);
      const change = await decide(full);
      const nextRecord: StockItemRecord = {
        ...full,
        ...change?.set,
        version: change ? full.version + 1 : full.version,
      };
      const sku = nextRecord.skuId ? await this.skus.findById(ctx.tenantId, nextRecord.skuId) : null;
      const item = this.compose(nextRecord, sku);
      if (!change) return item;
      const event = this.event(
        ctx,
        InventoryEvents.stockItemChanged,
        item,
        change.timeline,
        change.ledgerEntry ? { ledgerEntry: change.ledgerEntry } : {},
      );
      if (change.claim?.length) await this.claim(ctx, change.claim);
      try {
        await this.items.apply(id, {
          // The snapshot in this event reflects the SKU as read above.
          set: { ...change.set, skuVersion: sku?.version ?? 0 },
          timeline: change.timeline,
          ledgerEntry: change.ledgerEntry,
          appliedKey: change.appliedKey,
          version: item.version,
          event,
        });
      } catch (err) {
        if (change.claim?.length) await this.codes.releaseClaims(ctx.tenantId, change.claim);
        throw err;
      }
      if (change.release?.length) await this.codes.releaseClaims(ctx.tenantId, change.release);
      await this.outbox.flush(model as never, id);
      return item;
    });
  }

  private async getFull(ctx: RequestContext, id: string): Promise<StockItemFull> {
    const full = await this.items.findFull(ctx.tenantId, id);
    if (!full) throw DomainError.notFound('stock item', id);
    return {
      ...full,
      timeline: full.timeline ?? [],
      ledger: full.ledger ?? [],
      appliedKeys: full.appliedKeys ?? [],
      outByOrder: full.outByOrder ?? {},
      overrides: full.overrides ?? {},
      condition: full.condition ?? null,
      skuId: full.skuId ?? null,
    };
  }

  /** Claims codes; a claim left by a crash (old, and its item does not list the code) is reclaimed. */
  private claim(ctx: RequestContext, claims: CodeClaim[]): Promise<void> {
    return this.codes.claimAll(ctx.tenantId, claims, async (taken: StockItemCodeDoc[]) => {
      const stale: StockItemCodeDoc[] = [];
      const still: StockItemCodeDoc[] = [];
      for (const d of taken) {
        const old = Date.now() - new Date(d.createdAt).getTime() > STALE_CLAIM_MS;
        const owner = old ? await this.items.findById(ctx.tenantId, d.stockItemId) : null;
        if (old && !owner?.codes.includes(d.code)) stale.push(d);
        else still.push(d);
      }
      if (still.length === 0) await this.codes.deleteStale(ctx.tenantId, stale);
      return still;
    });
  }

  private async requireSku(ctx: RequestContext, skuId: string | undefined, field: string): Promise<SkuSnapshot | null> {
    if (skuId === undefined) return null;
    const sku = await this.skus.findById(ctx.tenantId, skuId);
    if (!sku) throw DomainError.invalid(field, `no SKU ${skuId}`);
    return sku;
  }

  private async requireLocation(ctx: RequestContext, locationId: string, field: string): Promise<void> {
    if (!(await this.locations.findById(ctx.tenantId, locationId)))
      throw DomainError.invalid(field, `no location ${locationId}`);
  }

  private newDoc(
    ctx: RequestContext,
    id: string,
    fields: Pick<
      StockItemDoc,
      'skuId' | 'skuVersion' | 'tracking' | 'quantity' | 'codes' | 'locationId' | 'condition' | 'overrides'
    >,
  ): Omit<StockItemDoc, 'createdAt' | 'updatedAt'> & { createdAt: Date } {
    const createdAt = new Date();
    return {
      _id: id,
      tenantId: ctx.tenantId,
      ...fields,
      status: 'in_use',
      state: initialState(fields.quantity),
      timeline: [
        {
          type: 'registered',
          at: createdAt.toISOString(),
          quantity: fields.quantity,
          data: { tracking: fields.tracking, codes: fields.codes, locationId: fields.locationId, skuId: fields.skuId },
        },
      ],
      ledger: [],
      outByOrder: {},
      appliedKeys: [],
      version: 1,
      _outbox: [],
      createdAt,
    };
  }

  private compose(r: Omit<StockItemRecord, 'tenantId'>, sku: SkuSnapshot | null): StockItem {
    return {
      id: r._id,
      skuId: r.skuId ?? null,
      skuCode: sku?.code ?? null,
      tracking: r.tracking,
      quantity: r.quantity,
      codes: r.codes,
      locationId: r.locationId,
      condition: r.condition ?? null,
      status: r.status,
      state: r.state,
      overrides: r.overrides ?? {},
      effective: effectiveOf(sku, r.overrides ?? {}),
      createdAt: new Date(r.createdAt).toISOString(),
      version: r.version,
    };
  }

  private event(
    ctx: RequestContext,
    type: string,
    item: StockItem,
    changes: TimelineEntry[],
    extra: Partial<StockItemEvent> = {},
  ): EventEnvelope<StockItemEvent> {
    return outboxEvent<StockItemEvent>(
      type,
      ctx.tenantId,
      item.id,
      item.version,
      { item, changes, ...extra },
      ctx.requestId,
    );
  }

  private ledgerEntry(
    type: 'income' | 'cost',
    amount: { amount: number; currency: string },
    reason: string,
    note?: string,
    orderId?: string,
  ): LedgerEntry {
    return {
      id: newId(IdPrefix.ledgerEntry),
      type,
      amount: { amount: amount.amount, currency: amount.currency },
      reason,
      note: note ?? null,
      orderId: orderId ?? null,
      at: now(),
    };
  }

  private ledgerTimeline(entry: LedgerEntry): TimelineEntry {
    return {
      type: entry.type === 'income' ? 'income_recorded' : 'cost_recorded',
      at: entry.at,
      ...(entry.orderId ? { orderId: entry.orderId } : {}),
      data: { ledgerEntryId: entry.id, amount: entry.amount, reason: entry.reason },
    };
  }
}
