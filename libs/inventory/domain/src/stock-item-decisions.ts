import {
  attempt,
  DomainError,
  LedgerEntry,
  Money,
  Result,
  StockItem,
  StockItemOverridesShape,
  StockItemStatus,
  TimelineEntry,
} from '@circulate/contracts';
import {
  adjustPool,
  assertDistinctCodes,
  assertLedgerEntry,
  assertNoTrackingChange,
  assertStatusTransition,
  patchOverrides,
} from './stock-item';

/** What the deciders of one stock item read: its own fields and its embedded history. */
export type StockItemFacts = Pick<
  StockItem,
  'tracking' | 'quantity' | 'codes' | 'locationId' | 'condition' | 'status' | 'state' | 'overrides'
> & {
  _id: string;
  ledger: LedgerEntry[];
  appliedKeys: string[];
  outByOrder: Record<string, number>;
};

/** The fields a change may set. */
export type StockItemFields = Partial<
  Pick<
    StockItemFacts,
    'quantity' | 'codes' | 'locationId' | 'condition' | 'status' | 'state' | 'overrides' | 'outByOrder'
  >
>;

/** What one change of one item decides; the writer stores it atomically with its event. */
export interface StockItemChange {
  set: StockItemFields;
  timeline: TimelineEntry[];
  ledgerEntry?: LedgerEntry;
  /** The order command's key, kept so a repeat changes nothing. */
  appliedKey?: string;
  /** Codes to claim before the write (released again if the write fails). */
  claimCodes?: string[];
  /** Codes to release after the write. */
  releaseCodes?: string[];
}

/** A decision: the change, nothing to do (null: no difference, or a repeated command), or a refusal. */
export type StockItemDecision = Result<StockItemChange | null>;

export interface UpdateCommand {
  locationId?: string;
  condition?: string;
  status?: StockItemStatus;
  overrides?: { [K in keyof StockItemOverridesShape]?: StockItemOverridesShape[K] | null };
  codes?: string[];
  tracking?: unknown;
  quantity?: unknown;
}

/** What registration and moves look up before deciding. */
export interface Lookups {
  /** Whether the location the command names exists (for this tenant). */
  locationExists: boolean;
}

/** Whether a PATCH moves the item (then the caller looks the new location up first). */
export function movesTo(item: StockItemFacts, cmd: UpdateCommand): string | null {
  return cmd.locationId !== undefined && cmd.locationId !== item.locationId ? cmd.locationId : null;
}

export function requireLocation(found: Lookups, locationId: string): void {
  if (!found.locationExists) throw DomainError.invalid('locationId', `no location ${locationId}`);
}

/** PATCH: each field that differs becomes a set and a timeline entry; nothing differs → null. */
export function decideUpdate(item: StockItemFacts, cmd: UpdateCommand, found: Lookups, at: string): StockItemDecision {
  return attempt(() => {
    assertNoTrackingChange(item, cmd);
    const set: StockItemFields = {};
    const timeline: TimelineEntry[] = [];
    let claimCodes: string[] = [];
    let releaseCodes: string[] = [];
    if (cmd.locationId !== undefined && cmd.locationId !== item.locationId) {
      requireLocation(found, cmd.locationId);
      set.locationId = cmd.locationId;
      timeline.push({ type: 'moved', at, data: { from: item.locationId, to: cmd.locationId } });
    }
    if (cmd.condition !== undefined && cmd.condition !== item.condition) {
      set.condition = cmd.condition;
      timeline.push({ type: 'condition_changed', at, data: { from: item.condition, to: cmd.condition } });
    }
    if (cmd.status !== undefined && cmd.status !== item.status) {
      assertStatusTransition(item.status, cmd.status);
      set.status = cmd.status;
      timeline.push({ type: 'status_changed', at, data: { from: item.status, to: cmd.status } });
    }
    if (cmd.overrides !== undefined) {
      const next = patchOverrides(item.overrides, cmd.overrides);
      if (JSON.stringify(next) !== JSON.stringify(item.overrides)) {
        set.overrides = next;
        timeline.push({ type: 'overrides_changed', at, data: { overrides: next } });
      }
    }
    if (cmd.codes !== undefined) {
      const codes = cmd.codes;
      assertDistinctCodes(codes);
      const added = codes.filter((c) => !item.codes.includes(c));
      const removed = item.codes.filter((c) => !codes.includes(c));
      if (added.length || removed.length) {
        set.codes = codes;
        claimCodes = added;
        releaseCodes = removed;
        timeline.push({ type: 'codes_changed', at, data: { added, removed, codes } });
      }
    }
    return timeline.length ? { set, timeline, claimCodes, releaseCodes } : null;
  });
}

/** A pool gains or writes off units. */
export function decideAdjustment(
  item: StockItemFacts,
  cmd: { delta: number; reason: string },
  at: string,
): StockItemDecision {
  return attempt(() => {
    const next = adjustPool(item.tracking, item.quantity, item.state, cmd.delta);
    return {
      set: next,
      timeline: [
        {
          type: 'adjusted',
          at,
          quantity: cmd.delta,
          data: { delta: cmd.delta, reason: cmd.reason, quantity: next.quantity },
        },
      ],
    };
  });
}

export interface LedgerCommand {
  /** The new entry's id (ids are drawn by the caller: deciders are pure). */
  entryId: string;
  type: 'income' | 'cost';
  amount: Money;
  reason: string;
  note?: string;
  orderId?: string;
}

export function ledgerEntryOf(cmd: LedgerCommand, at: string): LedgerEntry {
  return {
    id: cmd.entryId,
    type: cmd.type,
    amount: { amount: cmd.amount.amount, currency: cmd.amount.currency },
    reason: cmd.reason,
    note: cmd.note ?? null,
    orderId: cmd.orderId ?? null,
    at,
  };
}

export function ledgerTimeline(entry: LedgerEntry): TimelineEntry {
  return {
    type: entry.type === 'income' ? 'income_recorded' : 'cost_recorded',
    at: entry.at,
    ...(entry.orderId ? { orderId: entry.orderId } : {}),
    data: { ledgerEntryId: entry.id, amount: entry.amount, reason: entry.reason },
  };
}

/** A manual income or cost entry. */
export function decideLedgerEntry(item: StockItemFacts, cmd: LedgerCommand, at: string): StockItemDecision {
  return attempt(() => {
    assertLedgerEntry(item.ledger, cmd.type, cmd.amount);
    const entry = ledgerEntryOf(cmd, at);
    return { set: {}, timeline: [ledgerTimeline(entry)], ledgerEntry: entry };
  });
}
