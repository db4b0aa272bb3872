import type { EngineStockItem } from '@circulate/availability/engine';
import { overBookings, type ReservationRecord, type StateRecord } from '@circulate/availability/reservations';
import type { ReservationLog } from './reservation-log';

/**
 * The invariant checker: reads the whole log of a tenant back from the database (every entry,
 * by `_id`), replays the record changes without the engine, and checks that no unit is held
 * twice at once and no pool over its quantity. Returns the problems and the held reservations.
 */
export async function checkLog(
  log: ReservationLog,
  tenantId: string,
  items: readonly EngineStockItem[],
): Promise<{ problems: string[]; held: ReservationRecord[]; entries: number }> {
  const entries = await log.readAfter(tenantId, 0);
  const records = new Map<string, StateRecord>();
  for (const e of entries) {
    for (const d of e.decisions) {
      for (const c of d.changes) {
        if ('put' in c) records.set(`${c.put.kind}:${c.put.id}`, c.put);
        else records.delete(c.del);
      }
    }
  }
  const held = [...records.values()].filter((r): r is ReservationRecord => r.kind === 'rsv' && r.status !== 'conflict');
  return { problems: overBookings(items, held), held, entries: entries.length };
}
