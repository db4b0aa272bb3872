import { Result } from '@circulate/contracts';
import type { StockItemFacts } from './stock-item-decisions';

/** For specs: the value of an accepted decision (a refusal fails the test with its message). */
export function accepted<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`refused: ${r.error.message}`);
  return r.value;
}

/** For specs: the error code of a refused decision, or `accepted`. */
export function refusal<T>(r: Result<T>): string {
  return r.ok ? 'accepted' : r.error.code;
}

/** For specs, given: a serialized bike in use at loc_a (any fact overridden). */
export const givenBike = (over: Partial<StockItemFacts> = {}): StockItemFacts => ({
  _id: 'stk_bike',
  tracking: 'serialized',
  quantity: 1,
  codes: ['BIKE-1'],
  locationId: 'loc_a',
  condition: 'good',
  status: 'in_use',
  state: { in: 1, out: 0 },
  overrides: {},
  ledger: [],
  appliedKeys: [],
  outByOrder: {},
  ...over,
});
