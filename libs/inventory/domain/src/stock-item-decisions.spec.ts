import { ErrorCode } from '@circulate/contracts';
import { accepted, givenBike, refusal } from './testing';
import { decideAdjustment, decideLedgerEntry, decideUpdate, movesTo, StockItemFacts } from './stock-item-decisions';

const AT = '2027-05-01T10:00:00.000Z';

/** Given: a serialized bike in use, or a pool of 10 chairs with 3 out for order ord_1. */
const bike = givenBike;
const chairs = (over: Partial<StockItemFacts> = {}): StockItemFacts =>
  bike({
    _id: 'stk_chairs',
    tracking: 'pooled',
    quantity: 10,
    state: { in: 7, out: 3 },
    outByOrder: { ord_1: 3 },
    ...over,
  });

describe('decideUpdate (PATCH)', () => {
  const found = { locationExists: true };

  it('given a bike, when it moves and its condition changes, then both fields and two timeline entries', () => {
    const change = accepted(decideUpdate(bike(), { locationId: 'loc_b', condition: 'worn' }, found, AT));
    expect(change?.set).toEqual({ locationId: 'loc_b', condition: 'worn' });
    expect(change?.timeline).toEqual([
      { type: 'moved', at: AT, data: { from: 'loc_a', to: 'loc_b' } },
      { type: 'condition_changed', at: AT, data: { from: 'good', to: 'worn' } },
    ]);
  });

  it('given a bike, when the PATCH repeats what it is, then nothing to do (null)', () => {
    expect(
      accepted(decideUpdate(bike(), { locationId: 'loc_a', condition: 'good', codes: ['BIKE-1'] }, found, AT)),
    ).toBeNull();
  });

  it('given a bike, when it moves to a location that does not exist, then 400 on locationId', () => {
    const r = decideUpdate(bike(), { locationId: 'loc_x' }, { locationExists: false }, AT);
    expect(refusal(r)).toBe(ErrorCode.VALIDATION_FAILED);
    expect(!r.ok && r.error.errors?.[0]?.field).toBe('locationId');
    expect(movesTo(bike(), { locationId: 'loc_x' })).toBe('loc_x');
    expect(movesTo(bike(), { locationId: 'loc_a' })).toBeNull();
  });

  it('given a sold bike, when it is set in use again, then the transition is refused', () => {
    expect(refusal(decideUpdate(bike({ status: 'sold' }), { status: 'in_use' }, found, AT))).toBe(
      ErrorCode.INVALID_STATE_TRANSITION,
    );
  });

  it('given a bike, when its tracking or quantity is patched, then the one-way door answers', () => {
    expect(refusal(decideUpdate(bike(), { tracking: 'pooled' }, found, AT))).toBe(ErrorCode.TRACKING_IMMUTABLE);
    expect(refusal(decideUpdate(chairs(), { quantity: 12 }, found, AT))).toBe(ErrorCode.UNPROCESSABLE);
  });

  it('given a bike, when its codes are replaced, then the new ones are claimed and the old released', () => {
    const change = accepted(decideUpdate(bike(), { codes: ['BIKE-2', 'RFID-9'] }, found, AT));
    expect(change?.claimCodes).toEqual(['BIKE-2', 'RFID-9']);
    expect(change?.releaseCodes).toEqual(['BIKE-1']);
    expect(refusal(decideUpdate(bike(), { codes: ['A', 'A'] }, found, AT))).toBe(ErrorCode.VALIDATION_FAILED);
  });
});

describe('decideAdjustment', () => {
  it('given 10 chairs with 3 out, when 5 are written off, then 5 remain with 2 in', () => {
    const change = accepted(decideAdjustment(chairs(), { delta: -5, reason: 'broken' }, AT));
    expect(change?.set).toEqual({ quantity: 5, state: { in: 2, out: 3 } });
    expect(change?.timeline[0]).toMatchObject({ type: 'adjusted', at: AT, quantity: -5 });
  });

  it('given 10 chairs with 3 out, when 8 are written off, then refused (below the units out)', () => {
    expect(refusal(decideAdjustment(chairs(), { delta: -8, reason: 'x' }, AT))).toBe(ErrorCode.CONFLICT);
  });

  it('given a bike, when it is adjusted, then refused (adjustments are for pools)', () => {
    expect(refusal(decideAdjustment(bike(), { delta: 1, reason: 'x' }, AT))).toBe(ErrorCode.UNPROCESSABLE);
  });
});

describe('decideLedgerEntry', () => {
  const cost = { entryId: 'led_1', type: 'cost' as const, amount: { amount: 1200, currency: 'EUR' }, reason: 'repair' };

  it('given a bike without entries, when a cost is added, then the entry and its timeline entry, at the time given', () => {
    const change = accepted(decideLedgerEntry(bike(), cost, AT));
    expect(change?.ledgerEntry).toEqual({
      id: 'led_1',
      type: 'cost',
      amount: cost.amount,
      reason: 'repair',
      note: null,
      orderId: null,
      at: AT,
    });
    expect(change?.timeline).toEqual([
      { type: 'cost_recorded', at: AT, data: { ledgerEntryId: 'led_1', amount: cost.amount, reason: 'repair' } },
    ]);
  });

  it('given a ledger kept in EUR, when an entry in USD comes, then 400 on amount.currency', () => {
    const first = accepted(decideLedgerEntry(bike(), cost, AT))?.ledgerEntry;
    const item = bike({ ledger: first ? [first] : [] });
    const r = decideLedgerEntry(item, { ...cost, amount: { amount: 5, currency: 'USD' } }, AT);
    expect(!r.ok && r.error.errors?.[0]?.field).toBe('amount.currency');
  });
});
