import type { AvailabilityIndex, EngineListing } from '@circulate/availability/engine';
import type {
  OrderReservationView,
  ReservationAllocation,
  ReservationStatus,
  ReserveLineInput,
} from '@circulate/contracts';

/** One allocated unit (or part of a pool) of one order line. */
export interface ReservationRecord {
  readonly kind: 'rsv';
  readonly id: string;
  readonly orderId: string;
  readonly lineIndex: number;
  readonly ruleId: string;
  readonly stockItemId: string;
  readonly quantity: number;
  /** Blocked interval. */
  readonly start: number;
  readonly end: number;
  /** `conflict`: it holds nothing (its unit is still out); it waits for a unit. */
  readonly status: ReservationStatus;
}

export interface OrderRecord {
  readonly kind: 'order';
  readonly id: string;
  /** The lines as reserved (a repeated reserve must name the same ones). */
  readonly lines: readonly ReserveLineInput[];
  readonly state: 'active' | 'released' | 'expired';
  readonly holdUntil: number | null;
  /** Customer end after extensions (null: the lines' own ends). */
  readonly end: number | null;
  /** Counter for reservation ids of this order. */
  readonly nextRsv: number;
  readonly createdAt: number;
}

/** Copies of one order line still missing; filled oldest first. */
export interface ShortageRecord {
  readonly kind: 'short';
  readonly id: string;
  readonly orderId: string;
  readonly lineIndex: number;
  readonly missing: number;
  readonly since: number;
}

export type StateRecord = ReservationRecord | OrderRecord | ShortageRecord;

/** A change of one record; a decision is a list of them (so replaying the log needs no listings). */
export type Change = { readonly put: StateRecord } | { readonly del: string };

export function recordKey(r: StateRecord): string {
  return `${r.kind}:${r.id}`;
}

export type ListingLookup = (listingId: string) => EngineListing | undefined;

/**
 * The reservation state of one tenant: records keyed by kind and id, folded into the engine's
 * AvailabilityIndex (the seam: the read side owns the index's items, this state owns its
 * reservations). Mutated only through `applyChange`.
 */
export class ReservationState {
  readonly records = new Map<string, StateRecord>();
  private readonly byOrder = new Map<string, Set<string>>();
  readonly shortages = new Set<string>();
  /** Active orders with a hold (`holdUntil` set): what the expiry tick looks at, not every order. */
  readonly heldOrders = new Set<string>();
  readonly outRsv = new Set<string>();
  readonly conflicts = new Set<string>();

  private indexValue: AvailabilityIndex;

  constructor(
    index: AvailabilityIndex,
    readonly listings: ListingLookup,
  ) {
    this.indexValue = index;
  }

  /** The engine index the reservations are folded into (the read model's, shared with its items). */
  get index(): AvailabilityIndex {
    return this.indexValue;
  }

  /**
   * Moves every reservation of this state out of its index into `next`: a rebuilt read model's
   * index when it goes into service, or a detached one when the tenant is dropped (the read
   * model then shows none of them, and a late undo of a lost append touches nothing shared).
   */
  rebind(next: AvailabilityIndex): void {
    const previous = this.indexValue;
    if (previous === next) return;
    for (const r of this.records.values()) {
      if (r.kind !== 'rsv' || r.status === 'conflict') continue;
      previous.removeReservation(r.id);
      next.addReservation(r);
    }
    this.indexValue = next;
  }

  get(key: string): StateRecord | undefined {
    return this.records.get(key);
  }

  order(orderId: string): OrderRecord | undefined {
    return this.records.get(`order:${orderId}`) as OrderRecord | undefined;
  }

  /** Records (keys) belonging to one order, reservations and shortages. */
  keysOf(orderId: string): string[] {
    return [...(this.byOrder.get(orderId) ?? [])];
  }

  reservationsOf(orderId: string): ReservationRecord[] {
    const out: ReservationRecord[] = [];
    for (const k of this.byOrder.get(orderId) ?? []) {
      const r = this.records.get(k);
      if (r?.kind === 'rsv') out.push(r);
    }
    return out.sort((a, b) => a.lineIndex - b.lineIndex || a.id.localeCompare(b.id));
  }

  /**
   * Puts the records of a snapshot into a state that holds none of their keys yet: the load of a
   * tenant, without `applyChange`'s lookup of a previous version and its undo.
   */
  loadRecord(r: StateRecord): void {
    const key = recordKey(r);
    if (this.records.has(key)) throw new Error(`ReservationState.loadRecord: ${key} is already held`);
    this.link(key, r);
  }

  /** Applies one change; returns the change that undoes it. */
  applyChange(change: Change): Change {
    const key = 'put' in change ? recordKey(change.put) : change.del;
    const before = this.records.get(key);
    if (before) this.unlink(key, before);
    if ('put' in change) this.link(key, change.put);
    return before ? { put: before } : { del: key };
  }

  view(orderId: string): OrderReservationView | null {
    const order = this.order(orderId);
    if (!order) return null;
    const allocations: ReservationAllocation[] = this.reservationsOf(orderId).map((r) => {
      const a = toAllocation(r);
      const by = r.status === 'conflict' ? this.blockerOf(r) : undefined;
      return by ? { ...a, blockedBy: by } : a;
    });
    const shortages = [];
    for (const k of this.byOrder.get(orderId) ?? []) {
      const r = this.records.get(k);
      if (r?.kind === 'short') shortages.push({ lineIndex: r.lineIndex, missing: r.missing });
    }
    shortages.sort((a, b) => a.lineIndex - b.lineIndex);
    return { orderId, state: order.state, holdUntil: order.holdUntil, allocations, shortages };
  }

  /** The order whose unit, still out, overlaps a booking in conflict on that unit. */
  private blockerOf(r: ReservationRecord): string | undefined {
    for (const k of this.outRsv) {
      const o = this.records.get(k);
      if (o?.kind === 'rsv' && o.stockItemId === r.stockItemId && o.start < r.end && r.start < o.end) return o.orderId;
    }
    return undefined;
  }

  private link(key: string, r: StateRecord): void {
    this.records.set(key, r);
    if (r.kind === 'order') {
      if (r.state === 'active' && r.holdUntil !== null) this.heldOrders.add(r.id);
      return;
    }
    let set = this.byOrder.get(r.orderId);
    if (!set) this.byOrder.set(r.orderId, (set = new Set()));
    set.add(key);
    if (r.kind === 'short') {
      this.shortages.add(key);
      return;
    }
    if (r.status === 'conflict') this.conflicts.add(key);
    else {
      this.index.addReservation(r);
      if (r.status === 'out') this.outRsv.add(key);
    }
  }

  private unlink(key: string, r: StateRecord): void {
    this.records.delete(key);
    if (r.kind === 'order') {
      this.heldOrders.delete(r.id);
      return;
    }
    const set = this.byOrder.get(r.orderId);
    if (set) {
      set.delete(key);
      if (set.size === 0) this.byOrder.delete(r.orderId);
    }
    if (r.kind === 'short') {
      this.shortages.delete(key);
      return;
    }
    this.conflicts.delete(key);
    this.outRsv.delete(key);
    if (r.status !== 'conflict') this.index.removeReservation(r.id);
  }
}

export function toAllocation(r: ReservationRecord): ReservationAllocation {
  return {
    reservationId: r.id,
    lineIndex: r.lineIndex,
    ruleId: r.ruleId,
    stockItemId: r.stockItemId,
    quantity: r.quantity,
    start: r.start,
    end: r.end,
    status: r.status,
  };
}
