import { canonicalJson } from './idempotency';

describe('canonicalJson', () => {
  it('is the same for the same body in another key order', () => {
    expect(canonicalJson({ b: 1, a: { y: [1, { d: 2, c: 3 }], x: null } })).toBe(
      canonicalJson({ a: { x: null, y: [1, { c: 3, d: 2 }] }, b: 1 }),
    );
  });

  it('differs when a value differs', () => {
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
  });
});
