import { AvailabilityIndex, type EngineListing, type EngineStockItem } from '@circulate/availability/engine';
import type { ReservationCommand } from '@circulate/contracts';
import { apply, decide, type DecideResult } from './decide';
import { overBookings } from './invariants';
import { ReservationState } from './state';

/* Builders shared by the specs (not exported from the barrel). */

export const DAY = 86_400_000;
export const T0 = Date.parse('2027-01-01T00:00:00Z');
export const day = (n: number): number => T0 + n * DAY;

export function unit(id: string, skuCode: string): EngineStockItem {
  return { id, tracking: 'serialized', quantity: 1, status: 'in_use', locationId: 'loc_main', skuCode, attributes: {} };
}

export function pool(id: string, skuCode: string, quantity: number): EngineStockItem {
  return { ...unit(id, skuCode), tracking: 'pooled', quantity };
}

export function world(items: EngineStockItem[], listings: Record<string, EngineListing>): ReservationState {
  return new ReservationState(new AvailabilityIndex(items), (id) => listings[id]);
}

export function simple(sku: string, quantity = 1): EngineListing {
  return { rules: [{ id: `rul_${sku}`, quantity, match: { skuCodes: [sku] } }], locationIds: [] };
}

/** decide + apply, as the group committer does. */
export function exec(state: ReservationState, cmd: ReservationCommand, now = T0): DecideResult {
  const res = decide(state, cmd, now);
  if (res.ok) apply(state, res.decision.changes);
  return res;
}

export function problems(state: ReservationState): string[] {
  const held = [];
  for (const r of state.records.values()) if (r.kind === 'rsv' && r.status !== 'conflict') held.push(r);
  return overBookings(state.index.items(), held);
}
