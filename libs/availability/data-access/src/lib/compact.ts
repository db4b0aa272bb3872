import { toAllocation, type Change, type StateRecord } from '@circulate/availability/reservations';
import type { ReservationAllocation, ReservationEventPayload } from '@circulate/contracts';
import type { LoggedDecision } from './reservation-log';

/*
 * The stored form of log entries and snapshots: records as positional arrays (no field names,
 * no `kind`), each record written once per decision (the last change of a key is the only one
 * that matters for the state), and event allocations as the id of the reservation the same
 * decision put (the contract's "allocations as they are after the decision"), spelled out only
 * when they differ from it. Lossless: `expandDecisions(compactDecisions(d))` folds to the same
 * state and yields the same events.
 */

type Rsv = Extract<StateRecord, { kind: 'rsv' }>;
type Order = Extract<StateRecord, { kind: 'order' }>;
type RsvRow = ['r', string, string, number, string, string, number, number, number, Rsv['status']];
type OrderRow = ['o', string, Order['lines'], Order['state'], number | null, number | null, number, number];
type ShortRow = ['s', string, string, number, number, number];
export type RecordRow = RsvRow | OrderRow | ShortRow;
type ChangeRow = RecordRow | ['d', string];
type EventRow = [string, string | null, (string | ReservationAllocation)[], string[], number];

export interface CompactDecision {
  readonly c: ChangeRow[];
  readonly e: EventRow[];
}

export function recordRow(r: StateRecord): RecordRow {
  switch (r.kind) {
    case 'rsv':
      return ['r', r.id, r.orderId, r.lineIndex, r.ruleId, r.stockItemId, r.quantity, r.start, r.end, r.status];
    case 'order':
      return ['o', r.id, r.lines, r.state, r.holdUntil, r.end, r.nextRsv, r.createdAt];
    case 'short':
      return ['s', r.id, r.orderId, r.lineIndex, r.missing, r.since];
  }
}

export function rowRecord(row: RecordRow): StateRecord {
  switch (row[0]) {
    case 'r':
      return {
        kind: 'rsv',
        id: row[1],
        orderId: row[2],
        lineIndex: row[3],
        ruleId: row[4],
        stockItemId: row[5],
        quantity: row[6],
        start: row[7],
        end: row[8],
        status: row[9],
      };
    case 'o':
      return {
        kind: 'order',
        id: row[1],
        lines: row[2],
        state: row[3],
        holdUntil: row[4],
        end: row[5],
        nextRsv: row[6],
        createdAt: row[7],
      };
    case 's':
      return { kind: 'short', id: row[1], orderId: row[2], lineIndex: row[3], missing: row[4], since: row[5] };
  }
}

const keyOf = (c: Change): string => ('put' in c ? `${c.put.kind}:${c.put.id}` : c.del);

function sameAllocation(a: ReservationAllocation, b: ReservationAllocation): boolean {
  return (
    a.reservationId === b.reservationId &&
    a.lineIndex === b.lineIndex &&
    a.ruleId === b.ruleId &&
    a.stockItemId === b.stockItemId &&
    a.quantity === b.quantity &&
    a.start === b.start &&
    a.end === b.end &&
    a.status === b.status
  );
}

export function compactDecision(d: LoggedDecision): CompactDecision {
  const last = new Map<string, Change>();
  for (const c of d.changes) {
    const k = keyOf(c);
    last.delete(k); // keep the position of the last change of each key
    last.set(k, c);
  }
  const c: ChangeRow[] = [];
  const puts = new Map<string, ReservationAllocation>();
  for (const ch of last.values()) {
    if ('put' in ch) {
      c.push(recordRow(ch.put));
      if (ch.put.kind === 'rsv') puts.set(ch.put.id, toAllocation(ch.put));
    } else c.push(['d', ch.del]);
  }
  const e: EventRow[] = d.events.map((ev) => [
    ev.type,
    ev.orderId,
    ev.allocations.map((a) => {
      const p = puts.get(a.reservationId);
      return p && sameAllocation(p, a) ? a.reservationId : a;
    }),
    [...ev.removed],
    ev.at,
  ]);
  return { c, e };
}

export function expandDecision(raw: CompactDecision | LoggedDecision): LoggedDecision {
  if (!('c' in raw)) return raw; // the earlier, spelled-out form
  const changes: Change[] = raw.c.map((row) => (row[0] === 'd' ? { del: row[1] } : { put: rowRecord(row) }));
  const puts = new Map<string, ReservationAllocation>();
  for (const ch of changes) if ('put' in ch && ch.put.kind === 'rsv') puts.set(ch.put.id, toAllocation(ch.put));
  const events: ReservationEventPayload[] = raw.e.map(([type, orderId, allocs, removed, at]) => ({
    type: type as ReservationEventPayload['type'],
    orderId,
    allocations: allocs.map((a) => {
      if (typeof a !== 'string') return a;
      const p = puts.get(a);
      if (!p) throw new Error(`log entry: event allocation ${a} has no record in its decision`);
      return p;
    }),
    removed,
    at,
  }));
  return { changes, events };
}
