/** Service-level tests of catalog's write path (real NATS + FerretDB, no gateway, no inventory). */
import { CatalogEvents, ErrorCode } from '@circulate/contracts';
import { ListingRepository } from '@circulate/catalog/data-access';
import { ServiceHarness, startServiceHarness } from '@circulate/platform/nest';
import { CatalogApplicationModule } from './catalog-application.module';
import { ListingCommands } from './listing-commands';
import { ListingQueries } from './listing-queries';

jest.setTimeout(120_000);

describe('listing commands (real NATS + FerretDB, no gateway)', () => {
  let h: ServiceHarness;

  beforeAll(async () => {
    h = await startServiceHarness('catalog', { imports: [CatalogApplicationModule] });
  });

  afterAll(() => h?.close());

  it('create → edit → archive: versions 1–3, one fact each with the full snapshot, outbox empty', async () => {
    const commands = h.get(ListingCommands);
    const created = await commands.create(h.ctx(), { name: 'City Bike' });
    const edited = await commands.update(h.ctx(), { id: created.id, status: 'published' });
    const archived = await commands.archive(h.ctx(), created.id);
    expect([created.version, edited.version, archived.version]).toEqual([1, 2, 3]);
    expect(await commands.archive(h.ctx(), created.id)).toMatchObject({ version: 3 }); // a no-op
    const facts = (await h.events()).filter((e) => e.aggregateId === created.id);
    expect(facts.map((e) => e.type)).toEqual([
      CatalogEvents.listingCreated,
      CatalogEvents.listingUpdated,
      CatalogEvents.listingArchived,
    ]);
    expect(facts[2].data).toMatchObject({ listing: { status: 'archived', tenantId: 'acme', version: 3 } });
    const doc = await h.get(ListingRepository).mongooseModel.findById(created.id, { _outbox: 1 }).lean().exec();
    expect(doc?._outbox).toEqual([]);
  });

  it('generated slugs stay unique; a taken slug is a 409 and changes nothing', async () => {
    const commands = h.get(ListingCommands);
    const a = await commands.create(h.ctx(), { name: 'Tent' });
    const b = await commands.create(h.ctx(), { name: 'Tent' });
    expect([a.slug, b.slug]).toEqual(['tent', 'tent-2']);
    await expect(commands.update(h.ctx(), { id: b.id, slug: 'tent' })).rejects.toMatchObject({
      code: ErrorCode.CONFLICT_DUPLICATE_SLUG,
    });
    expect(await h.get(ListingQueries).get(h.ctx(), b.id)).toMatchObject({ slug: 'tent-2', version: 1 });
  });

  it('another tenant cannot edit the listing (404), and staff may not write at all (403)', async () => {
    const commands = h.get(ListingCommands);
    const listing = await commands.create(h.ctx(), { name: 'Kayak' });
    await expect(commands.update(h.ctx('other'), { id: listing.id, name: 'Mine' })).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
    });
    await expect(commands.archive(h.ctx('acme', 'staff'), listing.id)).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
    });
    expect(await h.get(ListingQueries).get(h.ctx(), listing.id)).toMatchObject({ name: 'Kayak', version: 1 });
  });
});
