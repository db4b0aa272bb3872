import { ListingDraft, validateListing } from './listing-validation';

const sizes = { name: 'Size', values: ['S', 'M', 'L'] };
const draft = (over: Partial<ListingDraft>): ListingDraft => ({
  variants: [],
  priceTables: [],
  fulfillmentRules: [],
  ...over,
});
const fields = (d: ListingDraft) => validateListing(d).map((e) => e.field);

describe('validateListing', () => {
  it('accepts the "bike, any size" listing with a variant-dependent rule', () => {
    expect(
      validateListing(
        draft({
          variants: [sizes],
          priceTables: [{ name: 'Daily', currency: 'EUR', rates: [{ unit: 'day', amount: 4000 }] }],
          fulfillmentRules: [
            {
              quantity: 1,
              match: {
                skuCodeByVariant: { axis: 'Size', map: { S: 'BIK-S', M: 'BIK-M', L: 'BIK-L' } },
                attributes: { frameSize: { fromVariant: 'Size' } },
              },
              bufferAfter: 'PT2H',
            },
          ],
        }),
      ),
    ).toEqual([]);
  });

  it('rejects a rule without any condition', () => {
    expect(fields(draft({ fulfillmentRules: [{ quantity: 1, match: {} }] }))).toEqual(['fulfillmentRules[0].match']);
    expect(fields(draft({ fulfillmentRules: [{ quantity: 1, match: { skuCodes: [], attributes: {} } }] }))).toEqual([
      'fulfillmentRules[0].match',
    ]);
  });

  it('rejects a rule using an axis the listing does not have', () => {
    expect(
      fields(
        draft({
          fulfillmentRules: [{ quantity: 1, match: { skuCodeByVariant: { axis: 'Colour', map: { red: 'X' } } } }],
        }),
      ),
    ).toEqual(['fulfillmentRules[0].match.skuCodeByVariant.axis']);
    expect(
      fields(
        draft({
          variants: [sizes],
          fulfillmentRules: [{ quantity: 1, match: { attributes: { colour: { fromVariant: 'Colour' } } } }],
        }),
      ),
    ).toEqual(['fulfillmentRules[0].match.attributes.colour']);
  });

  it('rejects a skuCodeByVariant map that misses a value of its axis or names a value the axis lacks', () => {
    const errors = validateListing(
      draft({
        variants: [sizes],
        fulfillmentRules: [
          { quantity: 1, match: { skuCodeByVariant: { axis: 'Size', map: { S: 'BIK-S', XL: 'BIK-XL' } } } },
        ],
      }),
    );
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/"M", "L"/),
      expect.stringMatching(/"XL" is not a value of Size/),
    ]);
  });

  it('rejects buffers that do not parse or are longer than 366 days', () => {
    expect(
      fields(
        draft({
          fulfillmentRules: [{ quantity: 1, match: { skuCodes: ['A'] }, bufferBefore: 'P1X', bufferAfter: 'P400D' }],
        }),
      ),
    ).toEqual(['fulfillmentRules[0].bufferBefore', 'fulfillmentRules[0].bufferAfter']);
  });

  it('rejects mixed currencies, repeated units, empty tables and repeated axes', () => {
    expect(
      fields(
        draft({
          variants: [sizes, sizes],
          priceTables: [
            {
              name: 'A',
              currency: 'EUR',
              rates: [
                { unit: 'day', amount: 1 },
                { unit: 'day', amount: 2 },
              ],
            },
            { name: 'B', currency: 'USD' },
          ],
        }),
      ),
    ).toEqual([
      'variants[1].name',
      'priceTables[0].currency',
      'priceTables[0].rates[1].unit',
      'priceTables[1].currency',
      'priceTables[1]',
    ]);
  });

  it('allows SKU codes that have no stock items yet (nothing is looked up)', () => {
    expect(
      validateListing(draft({ fulfillmentRules: [{ quantity: 6, match: { skuCodes: ['EVENT-CHAIR-001'] } }] })),
    ).toEqual([]);
  });
});
