import { tenantId, TenantId } from '@circulate/contracts';
import type { Model } from 'mongoose';
import { Owned, tenantFilter, TenantRepository } from './tenant-repository';

interface ThingDoc {
  _id: string;
  tenantId: TenantId;
  name: string;
}

/** A repository whose one write of an existing document needs the proof of an owned read. */
class Things extends TenantRepository<ThingDoc, ThingDoc> {
  writes: string[] = [];
  constructor(model: Model<ThingDoc>) {
    super(model);
  }
  protected toPlain(doc: ThingDoc): ThingDoc {
    return doc;
  }
  load(tenant: TenantId, id: string): Promise<Owned<ThingDoc> | null> {
    return this.findOwned<ThingDoc>(tenant, id);
  }
  rename(thing: Owned<ThingDoc>, name: string): void {
    this.writes.push(`${thing.tenantId}/${thing._id}=${name}`);
  }
}

/** A model stub: findById(id).lean().exec() answers the stored document, whatever its tenant. */
function modelOf(docs: ThingDoc[]): Model<ThingDoc> {
  const chain = (doc: ThingDoc | undefined) => ({ lean: () => ({ exec: async () => doc ?? null }) });
  return { findById: (id: string) => chain(docs.find((d) => d._id === id)) } as unknown as Model<ThingDoc>;
}

const ACME = tenantId('acme');
const OTHER = tenantId('other');

describe('tenancy by type', () => {
  const things = new Things(modelOf([{ _id: 'thg_1', tenantId: ACME, name: 'bike' }]));

  it('an owned read finds the tenant’s own document and not another tenant’s', async () => {
    expect(await things.load(ACME, 'thg_1')).toMatchObject({ _id: 'thg_1', tenantId: 'acme' });
    expect(await things.load(OTHER, 'thg_1')).toBeNull();
  });

  it('a write takes the proof of that read; plain strings and forged objects do not compile', async () => {
    const thing = await things.load(ACME, 'thg_1');
    if (thing) things.rename(thing, 'e-bike');
    expect(things.writes).toEqual(['acme/thg_1=e-bike']);
    const compileOnly = () => {
      // @ts-expect-error a plain object is not the proof of an owned read
      things.rename({ _id: 'thg_1', tenantId: ACME, name: 'bike' }, 'x');
      // @ts-expect-error a tenant must be a TenantId (validated), not any string
      void things.load('acme', 'thg_1');
      // @ts-expect-error nor can a filter be built from one
      tenantFilter<ThingDoc>('acme');
    };
    expect(typeof compileOnly).toBe('function');
  });

  it('a tenant id is checked when made from a string', () => {
    expect(tenantId('acme-1_b')).toBe('acme-1_b');
    expect(() => tenantId('acme/../other')).toThrow(/not a tenant id/);
    expect(() => tenantId('')).toThrow();
  });
});
