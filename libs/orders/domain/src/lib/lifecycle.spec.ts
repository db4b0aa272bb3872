import { ErrorCode } from '@circulate/contracts';
import {
  canComplete,
  ORDER_TRANSITIONS,
  OrderActions,
  OrderStatuses,
  TERMINAL_STATUSES,
  transition,
} from './lifecycle';

/** The lifecycle of API.md, written out edge by edge (the table under test must agree with it). */
const EXPECTED: Record<string, string> = {
  'reserved confirm': 'confirmed',
  'reserved cancel': 'cancelled',
  'reserved expire': 'expired',
  'reserved handOut': 'active',
  'reserved extend': 'reserved',
  'confirmed cancel': 'cancelled',
  'confirmed handOut': 'active',
  'confirmed extend': 'confirmed',
  'active handOut': 'active',
  'active return': 'active',
  'active extend': 'active',
  'active complete': 'completed',
};

describe('order lifecycle', () => {
  describe('walks every edge of status × action', () => {
    for (const status of OrderStatuses) {
      for (const action of OrderActions) {
        const expected = EXPECTED[`${status} ${action}`];
        it(`${status} --${action}--> ${expected ?? 'refused (409)'}`, () => {
          const result = transition(status, action);
          if (expected) expect(result).toEqual({ ok: true, value: expected });
          else {
            expect(result.ok).toBe(false);
            if (!result.ok) {
              expect(result.error.code).toBe(ErrorCode.INVALID_STATE_TRANSITION);
              expect(result.error.message).toContain(status);
            }
          }
        });
      }
    }
  });

  it('has no edge that API.md does not name', () => {
    const edges = Object.entries(ORDER_TRANSITIONS).flatMap(([action, from]) =>
      Object.entries(from).map(([status, to]) => `${status} ${action} ${to}`),
    );
    expect(edges.sort()).toEqual(
      Object.entries(EXPECTED)
        .map(([k, v]) => `${k} ${v}`)
        .sort(),
    );
  });

  it('completed, cancelled and expired orders are final', () => {
    expect([...TERMINAL_STATUSES].sort()).toEqual(['cancelled', 'completed', 'expired']);
  });

  it('given an active order with a unit still out, when it completes, then it is refused and says how many are out', () => {
    const result = canComplete('active', 2);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toBe('cannot complete: 2 rented units are still out');
    expect(canComplete('active', 0)).toEqual({ ok: true, value: 'completed' });
    expect(canComplete('confirmed', 0).ok).toBe(false);
  });
});
