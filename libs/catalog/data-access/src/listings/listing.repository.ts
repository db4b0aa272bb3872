import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  DomainError,
  ErrorCode,
  EventEnvelope,
  Listing,
  ListingChannel,
  ListingStatus,
  Page,
  TenantId,
} from '@circulate/contracts';
import { isDuplicateKeyError, Owned, tenantFilter, TenantRepository } from '@circulate/platform/persistence';
import type { Model, QueryFilter } from 'mongoose';
import { ListingDoc } from './listing.schema';
import type { ListingState } from '@circulate/catalog/domain';

export interface ListingFilter {
  status?: ListingStatus;
  /** Every named channel must be on. */
  channels?: ListingChannel[];
}

/** A listing read for its tenant: what a change decides on. */
export interface OwnedListing {
  tenantId: TenantId;
  listing: Listing;
}

@Injectable()
export class ListingRepository extends TenantRepository<ListingDoc, Listing> {
  constructor(@InjectModel(ListingDoc.name) model: Model<ListingDoc>) {
    super(model);
  }

  protected toPlain(doc: ListingDoc): Listing {
    return {
      id: doc._id,
      name: doc.name,
      description: doc.description ?? '',
      slug: doc.slug,
      status: doc.status,
      media: doc.media ?? [],
      seo: doc.seo ?? {},
      channels: doc.channels,
      locationIds: doc.locationIds ?? [],
      variants: doc.variants ?? [],
      priceTables: doc.priceTables ?? [],
      fulfillmentRules: doc.fulfillmentRules ?? [],
      version: doc.version,
      createdAt: new Date(doc.createdAt).toISOString(),
      updatedAt: new Date(doc.updatedAt).toISOString(),
    };
  }

  /** The listing as its tenant owns it (AggregateStore). */
  async loadOwned(tenantId: TenantId, id: string): Promise<Owned<OwnedListing> | null> {
    const doc = await this.findOwned<ListingDoc>(tenantId, id);
    return doc ? this.owned({ tenantId, listing: this.toPlain(doc) }) : null;
  }

  private duplicateSlug(slug: string): DomainError {
    return new DomainError(ErrorCode.CONFLICT_DUPLICATE_SLUG, `a listing with slug "${slug}" already exists`, [
      { field: 'slug', message: 'is already used by another listing' },
    ]);
  }

  /** Inserts the listing together with its `created` event (one atomic document write). */
  async insert(tenantId: TenantId, id: string, state: ListingState, at: Date, event: EventEnvelope): Promise<Listing> {
    try {
      await this.model.create({
        _id: id,
        tenantId,
        ...state,
        version: 1,
        createdAt: at,
        updatedAt: at,
        _outbox: [event],
      });
    } catch (err) {
      if (isDuplicateKeyError(err)) throw this.duplicateSlug(state.slug);
      throw err;
    }
    return (await this.findById(tenantId, id)) as Listing;
  }

  /**
   * Replaces the editable fields and appends the change's event in one document write. The
   * version condition refuses a write based on a stale read (callers also hold the aggregate lock,
   * because FerretDB applies the condition as read-modify-write).
   */
  async replace(
    tenantId: TenantId,
    id: string,
    expectedVersion: number,
    state: ListingState,
    at: Date,
    event: EventEnvelope,
  ): Promise<Listing> {
    let matched: number;
    try {
      const res = await this.model
        .updateOne(tenantFilter<ListingDoc>(tenantId, { _id: id, version: expectedVersion }), {
          $set: { ...state, version: expectedVersion + 1, updatedAt: at },
          $push: { _outbox: event },
        })
        .exec();
      matched = res.matchedCount;
    } catch (err) {
      if (isDuplicateKeyError(err)) throw this.duplicateSlug(state.slug);
      throw err;
    }
    if (matched === 0)
      throw new DomainError(ErrorCode.CONFLICT, `listing ${id} changed meanwhile; read it again and retry`);
    return (await this.findById(tenantId, id)) as Listing;
  }

  async findBySlug(tenantId: TenantId, slug: string): Promise<Listing | null> {
    const doc = await this.model.findOne(tenantFilter<ListingDoc>(tenantId, { slug })).lean<ListingDoc>().exec();
    return doc ? this.toPlain(doc) : null;
  }

  /** Slugs in use that are `base` or `base-<n>` (to pick the next free generated slug). */
  async slugsLike(tenantId: TenantId, base: string): Promise<Set<string>> {
    // base is [a-z0-9-] only (slugify's output), so it needs no escaping.
    const docs = await this.model
      .find(tenantFilter<ListingDoc>(tenantId, { slug: { $regex: `^${base}(-[0-9]+)?$` } }), { slug: 1 })
      .lean<{ slug: string }[]>()
      .exec();
    return new Set(docs.map((d) => d.slug));
  }

  list(tenantId: TenantId, filter: ListingFilter, limit?: number, cursor?: string): Promise<Page<Listing>> {
    const q: QueryFilter<ListingDoc> = {};
    if (filter.status) q.status = filter.status;
    for (const c of filter.channels ?? []) (q as Record<string, unknown>)[`channels.${c}`] = true;
    return this.page(tenantId, q, limit, cursor);
  }
}
