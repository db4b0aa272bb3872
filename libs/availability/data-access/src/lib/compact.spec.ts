import { AvailabilityIndex, type EngineStockItem } from '@circulate/availability/engine';
import { apply, decide, ReservationState } from '@circulate/availability/reservations';
import type { ReservationCommand } from '@circulate/contracts';
import { compactDecision, expandDecision, recordRow, rowRecord } from './compact';
import type { LoggedDecision } from './reservation-log';

const DAY = 86_400_000;
const T0 = Date.parse('2027-01-01T00:00:00Z');
const unit = (id: string): EngineStockItem => ({
  id,
  tracking: 'serialized',
  quantity: 1,
  status: 'in_use',
  locationId: 'loc',
  skuCode: 'BIKE',
  attributes: {},
});
const listing = { rules: [{ id: 'rul_bike', quantity: 1, match: { skuCodes: ['BIKE'] } }], locationIds: [] };
const fresh = () => new ReservationState(new AvailabilityIndex([unit('u0'), unit('u1'), unit('u2')]), () => listing);
const line = (from: number, to: number, quantity = 1) => ({
  listingId: 'lst',
  start: T0 + from * DAY,
  end: T0 + to * DAY,
  quantity,
});

/** Commands that put, replace and delete records and publish every kind of allocation. */
const COMMANDS: [ReservationCommand, number][] = [
  [{ type: 'reserve', orderId: 'a', lines: [line(0, 2, 2)], holdUntil: T0 - DAY }, T0 - 2 * DAY],
  [{ type: 'reserve', orderId: 'b', lines: [line(3, 5)] }, T0 - 2 * DAY],
  [{ type: 'reserve', orderId: 'c', lines: [line(1, 4, 3)], acceptShortage: true }, T0 - 2 * DAY],
  [{ type: 'extend', orderId: 'b', end: T0 + 7 * DAY }, T0 - 2 * DAY],
  [{ type: 'hand_out', orderId: 'b' }, T0 + 3 * DAY],
  [{ type: 'expire' }, T0],
  [{ type: 'overdue' }, T0 + 8 * DAY],
  [{ type: 'release', orderId: 'c' }, T0 + 8 * DAY],
];

describe('the compact stored form of log entries', () => {
  it('folds to the same state and yields the same events as the decisions it stores', () => {
    const direct = fresh();
    const replayed = fresh();
    let stored = 0;
    let spelled = 0;
    for (const [cmd, now] of COMMANDS) {
      const r = decide(direct, cmd, now);
      if (!r.ok) throw new Error(`${cmd.type}: ${r.error.message}`);
      apply(direct, r.decision.changes);
      const logged: LoggedDecision = { changes: r.decision.changes, events: r.decision.events };
      const body = JSON.stringify([compactDecision(logged)]);
      stored += body.length;
      spelled += JSON.stringify([logged]).length;
      const [back] = (JSON.parse(body) as Parameters<typeof expandDecision>[0][]).map(expandDecision);
      expect(back.events).toEqual(logged.events);
      apply(replayed, back.changes);
    }
    const dump = (s: ReservationState) => [...s.records.entries()].sort(([a], [b]) => a.localeCompare(b));
    expect(dump(replayed)).toEqual(dump(direct));
    expect(replayed.index.reservationCount).toBe(direct.index.reservationCount);
    expect(stored).toBeLessThan(spelled * 0.7);
  });

  it('stores records as rows and reads them back unchanged; reads the spelled-out form too', () => {
    const s = fresh();
    const r = decide(s, { type: 'reserve', orderId: 'a', lines: [line(0, 2)], acceptShortage: true }, T0);
    if (!r.ok) throw new Error('refused');
    apply(s, r.decision.changes);
    for (const rec of s.records.values()) expect(rowRecord(recordRow(rec))).toEqual(rec);
    const logged: LoggedDecision = { changes: r.decision.changes, events: r.decision.events };
    expect(expandDecision(logged)).toBe(logged);
  });
});
