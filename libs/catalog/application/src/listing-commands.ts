import { Injectable } from '@nestjs/common';
import {
  CatalogEvents,
  CreateListingRequest,
  DomainError,
  ErrorCode,
  IdPrefix,
  Listing,
  ListingChangedEvent,
  newId,
  RequestContext,
  unwrap,
  UpdateListingRequest,
} from '@circulate/contracts';
import { ListingRepository, OwnedListing } from '@circulate/catalog/data-access';
import {
  decideArchive,
  decideListingCreation,
  decideListingUpdate,
  ListingChange,
  ListingState,
  slugCandidate,
  snapshotOf,
} from '@circulate/catalog/domain';
import { AggregateWriter, outboxEvent } from '@circulate/platform/messaging';
import type { Owned } from '@circulate/platform/persistence';
import { ListingLocations } from './listing-locations';

const GENERATED_SLUG_ATTEMPTS = 20;

function listingEvent(ctx: RequestContext, type: string, listing: Listing) {
  return outboxEvent<ListingChangedEvent>(
    type,
    ctx.tenantId,
    listing.id,
    listing.version,
    { listing: snapshotOf(ctx.tenantId, listing) },
    ctx.requestId,
  );
}

/** Staff's changes of listings: create, edit, archive (admin only). */
@Injectable()
export class ListingCommands {
  constructor(
    private readonly listings: ListingRepository,
    private readonly writer: AggregateWriter,
    private readonly locations: ListingLocations,
  ) {}

  async create(ctx: RequestContext, input: CreateListingRequest): Promise<Listing> {
    this.assertAdmin(ctx);
    const state = unwrap(decideListingCreation(input, newId));
    await this.locations.assertExist(ctx, state.locationIds);

    if (input.slug !== undefined) return this.insert(ctx, state);
    // A generated slug takes the first free `base`, `base-2`, …; a concurrent taker makes us look again.
    const base = state.slug;
    for (let round = 0; ; round++) {
      const taken = await this.listings.slugsLike(ctx.tenantId, base);
      let n = 1;
      while (taken.has(slugCandidate(base, n))) n++;
      try {
        return await this.insert(ctx, { ...state, slug: slugCandidate(base, n) });
      } catch (err) {
        const raced = err instanceof DomainError && err.code === ErrorCode.CONFLICT_DUPLICATE_SLUG;
        if (!raced || round + 1 >= GENERATED_SLUG_ATTEMPTS) throw err;
      }
    }
  }

  async update(ctx: RequestContext, input: UpdateListingRequest): Promise<Listing> {
    this.assertAdmin(ctx);
    // Locations are checked before taking the lock: a lookup over NATS should not hold writers up.
    if (input.locationIds) await this.locations.assertExist(ctx, input.locationIds);
    return this.change(ctx, input.id, (current) => decideListingUpdate(current.listing, input, newId));
  }

  /** DELETE archives: the listing stays readable by staff and keeps its slug; archiving twice is a no-op. */
  async archive(ctx: RequestContext, id: string): Promise<Listing> {
    this.assertAdmin(ctx);
    return this.change(ctx, id, (current) => decideArchive(current.listing));
  }

  private insert(ctx: RequestContext, state: ListingState): Promise<Listing> {
    const id = newId(IdPrefix.listing);
    const at = new Date();
    const listing: Listing = { id, ...state, version: 1, createdAt: at.toISOString(), updatedAt: at.toISOString() };
    const event = listingEvent(ctx, CatalogEvents.listingCreated, listing);
    return this.writer.create(this.listings, id, () => this.listings.insert(ctx.tenantId, id, state, at, event));
  }

  private change(
    ctx: RequestContext,
    id: string,
    decide: (current: Owned<OwnedListing>) => ReturnType<typeof decideArchive>,
  ): Promise<Listing> {
    return this.writer.change(this.listings, ctx.tenantId, id, {
      what: 'listing',
      decide,
      unchanged: (current) => current.listing,
      write: (current, change) => this.write(ctx, current.listing, change),
    });
  }

  /** Stores the new state with its event in one write (the slug checked first: a clear 409). */
  private async write(ctx: RequestContext, current: Listing, change: ListingChange): Promise<Listing> {
    const { state, type } = change;
    if (state.slug !== current.slug && (await this.listings.findBySlug(ctx.tenantId, state.slug))) {
      throw new DomainError(ErrorCode.CONFLICT_DUPLICATE_SLUG, `a listing with slug "${state.slug}" already exists`, [
        { field: 'slug', message: 'is already used by another listing' },
      ]);
    }
    const version = current.version + 1;
    const at = new Date();
    const next: Listing = { ...current, ...state, version, updatedAt: at.toISOString() };
    return this.listings.replace(ctx.tenantId, current.id, current.version, state, at, listingEvent(ctx, type, next));
  }

  /** Writes are admin-only; the gateway checks it too, but a service trusts no sender. */
  private assertAdmin(ctx: RequestContext): void {
    if (ctx.role !== 'admin')
      throw new DomainError(ErrorCode.FORBIDDEN, `the ${ctx.role} role may not change listings`);
  }
}
