import {
  attempt,
  CatalogEvents,
  ChannelsInput,
  CreateListingRequest,
  DomainError,
  ErrorCode,
  FieldError,
  FulfillmentRule,
  IdPrefix,
  Listing,
  ListingChannels,
  ListingSnapshot,
  PriceTable,
  PriceTableInput,
  Result,
  RuleAttributeValue,
  RuleInput,
  UpdateListingBody,
} from '@circulate/contracts';
import { parseIsoDuration } from './duration';
import { validateListing } from './listing-validation';
import { slugify } from './slug';
import { canTransition } from './status';

/** The stored, editable part of a listing (what a write replaces). */
export type ListingState = Omit<Listing, 'id' | 'version' | 'createdAt' | 'updatedAt'>;

/** Draws a fresh id (the caller's: deciders are pure). */
export type NewId = (prefix: IdPrefix) => string;

/** Channels of a new listing when the request leaves them out: staff can sell it, the web shop cannot yet. */
export const DEFAULT_CHANNELS: ListingChannels = { onlineStore: false, admin: true, checkIn: false };

export function invalidListing(errors: FieldError[]): DomainError {
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
  newId: NewId,
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

function seoOf(seo: { title?: string; description?: string; ogImage?: string }): Listing['seo'] {
  return {
    ...(seo.title !== undefined ? { title: seo.title } : {}),
    ...(seo.description !== undefined ? { description: seo.description } : {}),
    ...(seo.ogImage !== undefined ? { ogImage: seo.ogImage } : {}),
  };
}

function mediaOf(media: { url: string; alt?: string }[]): Listing['media'] {
  return media.map((m) => ({ url: m.url, ...(m.alt !== undefined ? { alt: m.alt } : {}) }));
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

/** A new listing's state; the slug, when not given, is derived from the name (made unique by the caller). */
export function decideListingCreation(input: CreateListingRequest, newId: NewId): Result<ListingState> {
  return attempt(() => {
    const errors: FieldError[] = [];
    const priceTableIds = withIds(
      input.priceTables ?? [],
      new Set(),
      IdPrefix.priceTable,
      'priceTables',
      errors,
      newId,
    );
    const ruleIds = withIds(input.fulfillmentRules ?? [], new Set(), IdPrefix.rule, 'fulfillmentRules', errors, newId);
    const state: ListingState = {
      name: input.name,
      description: input.description ?? '',
      slug: input.slug ?? slugify(input.name),
      status: input.status ?? 'draft',
      media: mediaOf(input.media ?? []),
      seo: seoOf(input.seo ?? {}),
      channels: channelsOf(input.channels, DEFAULT_CHANNELS),
      locationIds: [...(input.locationIds ?? [])],
      variants: (input.variants ?? []).map((v) => ({ name: v.name, values: [...v.values] })),
      priceTables: priceTablesOf(input.priceTables ?? [], priceTableIds),
      fulfillmentRules: rulesOf(input.fulfillmentRules ?? [], ruleIds),
    };
    errors.push(...validateListing(state));
    if (errors.length) throw invalidListing(errors);
    return state;
  });
}

/** What an edit decides: the next state and the fact it is (`updated`, or `archived` when it archives). */
export interface ListingChange {
  state: ListingState;
  type: string;
}

function sameState(current: Listing, state: ListingState): boolean {
  const { id: _id, version: _v, createdAt: _c, updatedAt: _u, ...before } = current;
  return JSON.stringify(before) === JSON.stringify({ ...before, ...state });
}

/** An edit: objects merge field by field, arrays replace; nothing differs → null. */
export function decideListingUpdate(
  current: Listing,
  input: UpdateListingBody,
  newId: NewId,
): Result<ListingChange | null> {
  return attempt(() => {
    const errors: FieldError[] = [];
    const ids = <T extends { id?: string }>(items: T[], known: { id: string }[], prefix: IdPrefix, field: string) =>
      withIds(items, new Set(known.map((k) => k.id)), prefix, field, errors, newId);
    const priceTables = input.priceTables
      ? priceTablesOf(
          input.priceTables,
          ids(input.priceTables, current.priceTables, IdPrefix.priceTable, 'priceTables'),
        )
      : current.priceTables;
    const fulfillmentRules = input.fulfillmentRules
      ? rulesOf(
          input.fulfillmentRules,
          ids(input.fulfillmentRules, current.fulfillmentRules, IdPrefix.rule, 'fulfillmentRules'),
        )
      : current.fulfillmentRules;
    const state: ListingState = {
      name: input.name ?? current.name,
      description: input.description ?? current.description,
      slug: input.slug ?? current.slug,
      status: input.status ?? current.status,
      media: input.media ? mediaOf(input.media) : current.media,
      seo: input.seo ? seoOf({ ...current.seo, ...seoOf(input.seo) }) : current.seo,
      channels: channelsOf(input.channels, current.channels),
      locationIds: input.locationIds ? [...input.locationIds] : current.locationIds,
      variants: input.variants
        ? input.variants.map((v) => ({ name: v.name, values: [...v.values] }))
        : current.variants,
      priceTables,
      fulfillmentRules,
    };
    errors.push(...validateListing(state));
    if (errors.length) throw invalidListing(errors);
    if (!canTransition(current.status, state.status)) {
      throw new DomainError(
        ErrorCode.INVALID_STATE_TRANSITION,
        `a listing cannot go from ${current.status} to ${state.status}`,
      );
    }
    if (sameState(current, state)) return null;
    const archives = state.status === 'archived' && current.status !== 'archived';
    return { state, type: archives ? CatalogEvents.listingArchived : CatalogEvents.listingUpdated };
  });
}

/** DELETE archives: the listing stays readable by staff and keeps its slug; archiving twice is a no-op. */
export function decideArchive(current: Listing): Result<ListingChange | null> {
  return attempt(() => {
    if (current.status === 'archived') return null;
    const { id: _id, version: _v, createdAt: _c, updatedAt: _u, ...state } = current;
    return { state: { ...state, status: 'archived' }, type: CatalogEvents.listingArchived };
  });
}
