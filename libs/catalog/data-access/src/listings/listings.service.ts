import { Injectable } from '@nestjs/common';
import {
  CatalogEvents,
  ChannelAliases,
  ChannelsInput,
  CreateListingRequest,
  DomainError,
  ErrorCode,
  FieldError,
  FulfillmentRule,
  IdPrefix,
  InventoryCalls,
  Listing,
  ListingChangedEvent,
  ListingChannel,
  ListingChannels,
  ListingSnapshot,
  ListListingsRequest,
  newId,
  Page,
  PriceListingRequest,
  PriceQuote,
  PriceTable,
  PriceTableInput,
  RequestContext,
  RuleAttributeValue,
  RuleInput,
  UpdateListingRequest,
  parseInstant,
} from '@circulate/contracts';
import { canTransition, parseIsoDuration, slugCandidate, slugify, validateListing } from '@circulate/catalog/domain';
import { quote } from '@circulate/shared/pricing';
import { KeyedMutex, OutboxRelay, outboxEvent, RpcClient } from '@circulate/platform/messaging';
import { ListingRepository, ListingState } from './listing.repository';

/** Channels of a new listing when the request leaves them out: staff can sell it, the web shop cannot yet. */
export const DEFAULT_CHANNELS: ListingChannels = { onlineStore: false, admin: true, checkIn: false };

const LOCATION_CHECK_CONCURRENCY = 16;
const GENERATED_SLUG_ATTEMPTS = 20;

function invalid(errors: FieldError[]): DomainError {
  return new DomainError(ErrorCode.VALIDATION_FAILED, errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
}

function channelsOf(input: ChannelsInput | undefined, base: ListingChannels): ListingChannels {
  return {
    onlineStore: input?.onlineStore ?? base.onlineStore,
    admin: input?.admin ?? base.admin,
    checkIn: input?.checkIn ?? base.checkIn,
  };
}

function copyAttribute(v: RuleAttributeValue): RuleAttributeValue {
  return typeof v === 'object' && v !== null ? { fromVariant: v.fromVariant } : v;
}

/**
 * Gives every price table and rule its id: an element that names an id the listing already has
 * keeps it; a new element gets a fresh one; an id the listing never had is refused.
 */
function withIds<T extends { id?: string }>(
  items: T[],
  known: Set<string>,
  prefix: IdPrefix,
  field: string,
  errors: FieldError[],
): string[] {
  const used = new Set<string>();
  return items.map((item, i) => {
    if (item.id === undefined) return newId(prefix);
    if (!known.has(item.id))
      errors.push({
        field: `${field}[${i}].id`,
        message: `${item.id} is not one of this listing's ${field}; leave id out for a new one`,
      });
    else if (used.has(item.id)) errors.push({ field: `${field}[${i}].id`, message: `${item.id} appears twice` });
    used.add(item.id);
    return item.id;
  });
}

function priceTablesOf(input: PriceTableInput[], ids: string[]): PriceTable[] {
  return input.map((t, i) => ({
    id: ids[i],
    name: t.name,
    currency: t.currency,
    ...(t.rates !== undefined ? { rates: t.rates.map((r) => ({ unit: r.unit, amount: r.amount })) } : {}),
    ...(t.salePrice !== undefined ? { salePrice: t.salePrice } : {}),
  }));
}

function rulesOf(input: RuleInput[], ids: string[]): FulfillmentRule[] {
  return input.map((r, i) => {
    const m = r.match;
    return {
      id: ids[i],
      quantity: r.quantity,
      match: {
        ...(m.skuCodes !== undefined ? { skuCodes: [...m.skuCodes] } : {}),
        ...(m.skuCodeByVariant !== undefined
          ? { skuCodeByVariant: { axis: m.skuCodeByVariant.axis, map: { ...m.skuCodeByVariant.map } } }
          : {}),
        ...(m.attributes !== undefined
          ? { attributes: Object.fromEntries(Object.entries(m.attributes).map(([k, v]) => [k, copyAttribute(v)])) }
          : {}),
      },
      ...(r.bufferBefore !== undefined ? { bufferBefore: r.bufferBefore } : {}),
      ...(r.bufferAfter !== undefined ? { bufferAfter: r.bufferAfter } : {}),
    };
  });
}

/** The listing as events carry it: complete, with buffers in milliseconds too. */
export function snapshotOf(tenantId: string, listing: Listing): ListingSnapshot {
  return {
    ...listing,
    tenantId,
    fulfillmentRules: listing.fulfillmentRules.map((r) => ({
      ...r,
      bufferBeforeMs: r.bufferBefore ? (parseIsoDuration(r.bufferBefore) ?? 0) : 0,
      bufferAfterMs: r.bufferAfter ? (parseIsoDuration(r.bufferAfter) ?? 0) : 0,
    })),
  };
}

/** Use cases of listings; the NATS controller is a one-line adapter over these. */
@Injectable()
export class ListingsService {
  constructor(
    private readonly listings: ListingRepository,
    private readonly outbox: OutboxRelay,
    private readonly locks: KeyedMutex,
    private readonly rpc: RpcClient,
  ) {}

  async create(ctx: RequestContext, input: CreateListingRequest): Promise<Listing> {
    this.assertAdmin(ctx);
    const errors: FieldError[] = [];
    const priceTableIds = withIds(input.priceTables ?? [], new Set(), IdPrefix.priceTable, 'priceTables', errors);
    const ruleIds = withIds(input.fulfillmentRules ?? [], new Set(), IdPrefix.rule, 'fulfillmentRules', errors);
    const state: ListingState = {
      name: input.name,
      description: input.description ?? '',
      slug: input.slug ?? slugify(input.name),
      status: input.status ?? 'draft',
      media: (input.media ?? []).map((m) => ({ url: m.url, ...(m.alt !== undefined ? { alt: m.alt } : {}) })),
      seo: this.seoOf(input.seo ?? {}),
      channels: channelsOf(input.channels, DEFAULT_CHANNELS),
      locationIds: [...(input.locationIds ?? [])],
      variants: (input.variants ?? []).map((v) => ({ name: v.name, values: [...v.values] })),
      priceTables: priceTablesOf(input.priceTables ?? [], priceTableIds),
      fulfillmentRules: rulesOf(input.fulfillmentRules ?? [], ruleIds),
    };
    errors.push(...validateListing(state));
    if (errors.length) throw invalid(errors);
    await this.assertLocationsExist(ctx, state.locationIds);

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
    if (input.locationIds) await this.assertLocationsExist(ctx, input.locationIds);
    const model = this.listings.mongooseModel;
    return this.locks.run(OutboxRelay.lockKey(model, input.id), async () => {
      const current = await this.listings.getById(ctx.tenantId, input.id, 'listing');
      const errors: FieldError[] = [];
      const priceTables = input.priceTables
        ? priceTablesOf(
            input.priceTables,
            withIds(
              input.priceTables,
              new Set(current.priceTables.map((t) => t.id)),
              IdPrefix.priceTable,
              'priceTables',
              errors,
            ),
          )
        : current.priceTables;
      const fulfillmentRules = input.fulfillmentRules
        ? rulesOf(
            input.fulfillmentRules,
            withIds(
              input.fulfillmentRules,
              new Set(current.fulfillmentRules.map((r) => r.id)),
              IdPrefix.rule,
              'fulfillmentRules',
              errors,
            ),
          )
        : current.fulfillmentRules;
      // Objects merge field by field, arrays replace.
      const state: ListingState = {
        name: input.name ?? current.name,
        description: input.description ?? current.description,
        slug: input.slug ?? current.slug,
        status: input.status ?? current.status,
        media: input.media
          ? input.media.map((m) => ({ url: m.url, ...(m.alt !== undefined ? { alt: m.alt } : {}) }))
          : current.media,
        seo: input.seo ? this.seoOf({ ...current.seo, ...this.seoOf(input.seo) }) : current.seo,
        channels: channelsOf(input.channels, current.channels),
        locationIds: input.locationIds ? [...input.locationIds] : current.locationIds,
        variants: input.variants
          ? input.variants.map((v) => ({ name: v.name, values: [...v.values] }))
          : current.variants,
        priceTables,
        fulfillmentRules,
      };
      errors.push(...validateListing(state));
      if (errors.length) throw invalid(errors);
      if (!canTransition(current.status, state.status)) {
        throw new DomainError(
          ErrorCode.INVALID_STATE_TRANSITION,
          `a listing cannot go from ${current.status} to ${state.status}`,
        );
      }
      if (this.sameState(current, state)) return current;
      if (state.slug !== current.slug && (await this.listings.findBySlug(ctx.tenantId, state.slug))) {
        throw new DomainError(ErrorCode.CONFLICT_DUPLICATE_SLUG, `a listing with slug "${state.slug}" already exists`, [
          { field: 'slug', message: 'is already used by another listing' },
        ]);
      }
      const type =
        state.status === 'archived' && current.status !== 'archived'
          ? CatalogEvents.listingArchived
          : CatalogEvents.listingUpdated;
      return this.write(ctx, current, state, type);
    });
  }

  /** DELETE archives: the listing stays readable by staff and keeps its slug; archiving twice is a no-op. */
  async archive(ctx: RequestContext, id: string): Promise<Listing> {
    this.assertAdmin(ctx);
    const model = this.listings.mongooseModel;
    return this.locks.run(OutboxRelay.lockKey(model, id), async () => {
      const current = await this.listings.getById(ctx.tenantId, id, 'listing');
      if (current.status === 'archived') return current;
      const { id: _id, version: _v, createdAt: _c, updatedAt: _u, ...state } = current;
      return this.write(ctx, current, { ...state, status: 'archived' }, CatalogEvents.listingArchived);
    });
  }

  async get(ctx: RequestContext, id: string): Promise<Listing> {
    return this.visible(ctx, await this.listings.findById(ctx.tenantId, id), id);
  }

  async getBySlug(ctx: RequestContext, slug: string): Promise<Listing> {
    return this.visible(ctx, await this.listings.findBySlug(ctx.tenantId, slug), slug);
  }

  list(ctx: RequestContext, query: ListListingsRequest): Promise<Page<Listing>> {
    const channels: ListingChannel[] = [];
    if (query.channel) channels.push(ChannelAliases[query.channel]);
    if (ctx.role === 'storefront') {
      // The storefront sees published web-shop listings only, whatever it asks for.
      if (query.status && query.status !== 'published') return Promise.resolve({ items: [], nextCursor: null });
      channels.push('onlineStore');
      return this.listings.list(ctx.tenantId, { status: 'published', channels }, query.limit, query.cursor);
    }
    return this.listings.list(ctx.tenantId, { status: query.status, channels }, query.limit, query.cursor);
  }

  async price(ctx: RequestContext, input: PriceListingRequest): Promise<PriceQuote> {
    const listing = await this.get(ctx, input.id);
    const instant = (field: 'start' | 'end'): number | undefined => {
      const text = input[field];
      if (text === undefined) return undefined;
      const ms = parseInstant(text);
      if (ms === null) throw DomainError.invalid(field, `"${text}" is not a valid date-time`);
      return ms;
    };
    const result = quote(listing.priceTables, {
      priceTableId: input.priceTableId,
      startMs: instant('start'),
      endMs: instant('end'),
      quantity: input.quantity,
      purchase: input.purchase,
    });
    if (!result.ok) throw DomainError.fromPayload(result.error);
    return result.value;
  }

  private async insert(ctx: RequestContext, state: ListingState): Promise<Listing> {
    const id = newId(IdPrefix.listing);
    const at = new Date();
    const listing: Listing = { id, ...state, version: 1, createdAt: at.toISOString(), updatedAt: at.toISOString() };
    const event = outboxEvent<ListingChangedEvent>(
      CatalogEvents.listingCreated,
      ctx.tenantId,
      id,
      1,
      { listing: snapshotOf(ctx.tenantId, listing) },
      ctx.requestId,
    );
    const model = this.listings.mongooseModel;
    return this.locks.run(OutboxRelay.lockKey(model, id), async () => {
      const stored = await this.listings.insert(ctx.tenantId, id, state, at, event);
      await this.outbox.flush(model as never, id);
      return stored;
    });
  }

  /** Stores the new state with its event in one write, then publishes. Call inside the aggregate lock. */
  private async write(ctx: RequestContext, current: Listing, state: ListingState, type: string): Promise<Listing> {
    const version = current.version + 1;
    const at = new Date();
    const next: Listing = { ...current, ...state, version, updatedAt: at.toISOString() };
    const event = outboxEvent<ListingChangedEvent>(
      type,
      ctx.tenantId,
      current.id,
      version,
      { listing: snapshotOf(ctx.tenantId, next) },
      ctx.requestId,
    );
    const stored = await this.listings.replace(ctx.tenantId, current.id, current.version, state, at, event);
    await this.outbox.flush(this.listings.mongooseModel as never, current.id);
    return stored;
  }

  private visible(ctx: RequestContext, listing: Listing | null, key: string): Listing {
    if (!listing || (ctx.role === 'storefront' && !(listing.status === 'published' && listing.channels.onlineStore))) {
      throw DomainError.notFound('listing', key);
    }
    return listing;
  }

  private seoOf(seo: { title?: string; description?: string; ogImage?: string }): Listing['seo'] {
    return {
      ...(seo.title !== undefined ? { title: seo.title } : {}),
      ...(seo.description !== undefined ? { description: seo.description } : {}),
      ...(seo.ogImage !== undefined ? { ogImage: seo.ogImage } : {}),
    };
  }

  private sameState(current: Listing, state: ListingState): boolean {
    const { id: _id, version: _v, createdAt: _c, updatedAt: _u, ...before } = current;
    return JSON.stringify(before) === JSON.stringify({ ...before, ...state });
  }

  /** Writes are admin-only; the gateway checks it too, but a service trusts no sender. */
  private assertAdmin(ctx: RequestContext): void {
    if (ctx.role !== 'admin')
      throw new DomainError(ErrorCode.FORBIDDEN, `the ${ctx.role} role may not change listings`);
  }

  /** Every location must exist in inventory (asked over NATS; NOT_FOUND there is bad input here). */
  private async assertLocationsExist(ctx: RequestContext, ids: string[]): Promise<void> {
    const errors: FieldError[] = [];
    for (let i = 0; i < ids.length; i += LOCATION_CHECK_CONCURRENCY) {
      const chunk = ids.slice(i, i + LOCATION_CHECK_CONCURRENCY);
      await Promise.all(
        chunk.map(async (id, j) => {
          try {
            await this.rpc.call(InventoryCalls.getLocation, ctx, { id });
          } catch (err) {
            if (err instanceof DomainError && err.code === ErrorCode.NOT_FOUND) {
              errors.push({ field: `locationIds[${i + j}]`, message: `location ${id} does not exist` });
            } else if (err instanceof DomainError && err.code === ErrorCode.VALIDATION_FAILED) {
              errors.push({ field: `locationIds[${i + j}]`, message: `"${id}" is not a location id` });
            } else {
              throw err;
            }
          }
        }),
      );
    }
    if (errors.length) throw invalid(errors.sort((a, b) => a.field.localeCompare(b.field, 'en', { numeric: true })));
  }
}
