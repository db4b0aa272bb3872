import { RateWindow } from './throttle.guard';

describe('RateWindow (per-second rate limit)', () => {
  it('lets a tracker make `limit` calls in a second and refuses the next', () => {
    const w = new RateWindow(3);
    const t = 10_000;
    expect([1, 2, 3, 4].map(() => w.take('a', t + 100))).toEqual([true, true, true, false]);
  });

  it('counts each tracker on its own', () => {
    const w = new RateWindow(1);
    expect(w.take('a', 5_000)).toBe(true);
    expect(w.take('b', 5_000)).toBe(true);
    expect(w.take('a', 5_001)).toBe(false);
  });

  it('starts afresh when the second turns', () => {
    const w = new RateWindow(1);
    expect(w.take('a', 5_999)).toBe(true);
    expect(w.take('a', 5_999)).toBe(false);
    expect(w.take('a', 6_000)).toBe(true);
  });
});
