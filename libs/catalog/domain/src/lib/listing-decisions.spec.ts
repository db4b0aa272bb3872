import { CatalogEvents, CreateListingRequest, ErrorCode, IdPrefix, Listing, Result } from '@circulate/contracts';
import { decideArchive, decideListingCreation, decideListingUpdate, DEFAULT_CHANNELS } from './listing-decisions';

/** Ids drawn in order, so decisions are reproducible. */
const ids = () => {
  let n = 0;
  return (prefix: IdPrefix) => `${prefix}_${++n}`;
};
const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(`refused: ${r.error.message}`);
  return r.value;
};
const failure = <T>(r: Result<T>) => (r.ok ? null : r.error);

const create = (over: Partial<CreateListingRequest> = {}): CreateListingRequest => ({
  name: 'City Bike — daily!',
  priceTables: [{ name: 'Daily', currency: 'EUR', rates: [{ unit: 'day', amount: 2500 }] }],
  ...over,
});

/** Given: a published listing with one price table, version 3. */
const listing = (over: Partial<Listing> = {}): Listing => ({
  id: 'lst_1',
  ...value(decideListingCreation(create({ status: 'published' }), ids())),
  version: 3,
  createdAt: '2027-01-01T00:00:00.000Z',
  updatedAt: '2027-01-01T00:00:00.000Z',
  ...over,
});

describe('decideListingCreation', () => {
  it('when a listing is created with a name only, then a draft with a slug from the name and default channels', () => {
    const state = value(decideListingCreation(create(), ids()));
    expect(state).toMatchObject({ slug: 'city-bike-daily', status: 'draft', channels: DEFAULT_CHANNELS });
    expect(state.priceTables).toEqual([
      { id: 'prt_1', name: 'Daily', currency: 'EUR', rates: [{ unit: 'day', amount: 2500 }] },
    ]);
  });

  it('when a new price table names an id, then 400 on that id (ids are the listing’s own)', () => {
    const r = decideListingCreation(create({ priceTables: [{ id: 'prt_x', name: 'D', currency: 'EUR' }] }), ids());
    expect(failure(r)?.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(failure(r)?.errors?.map((e) => e.field)).toContain('priceTables[0].id');
  });
});

describe('decideListingUpdate', () => {
  it('given a published listing, when it is renamed, then an `updated` fact; its price table keeps its id', () => {
    const current = listing();
    const change = value(
      decideListingUpdate(current, { name: 'Bike', priceTables: [{ ...current.priceTables[0] }] }, ids()),
    );
    expect(change?.type).toBe(CatalogEvents.listingUpdated);
    expect(change?.state.name).toBe('Bike');
    expect(change?.state.priceTables[0].id).toBe(current.priceTables[0].id);
  });

  it('given a published listing, when the edit repeats what it is, then nothing to do (null)', () => {
    expect(
      value(decideListingUpdate(listing(), { name: 'City Bike — daily!', status: 'published' }, ids())),
    ).toBeNull();
  });

  it('given a published listing, when it is set archived, then an `archived` fact; from archived to published is refused', () => {
    expect(value(decideListingUpdate(listing(), { status: 'archived' }, ids()))?.type).toBe(
      CatalogEvents.listingArchived,
    );
    expect(failure(decideListingUpdate(listing({ status: 'archived' }), { status: 'published' }, ids()))?.code).toBe(
      ErrorCode.INVALID_STATE_TRANSITION,
    );
  });

  it('given a listing, when the seo patch names one field, then the others are kept (objects merge)', () => {
    const current = listing({ seo: { title: 'T', description: 'D' } });
    expect(value(decideListingUpdate(current, { seo: { title: 'New' } }, ids()))?.state.seo).toEqual({
      title: 'New',
      description: 'D',
    });
  });
});

describe('decideArchive', () => {
  it('given a listing, when it is archived, then `archived`; archiving again is a no-op', () => {
    expect(value(decideArchive(listing()))).toMatchObject({
      type: CatalogEvents.listingArchived,
      state: { status: 'archived' },
    });
    expect(value(decideArchive(listing({ status: 'archived' })))).toBeNull();
  });
});
