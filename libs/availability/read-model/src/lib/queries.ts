import {
  calendar,
  checkAvailability,
  resolveMatch,
  matchesResolved,
  widenPeriod,
  type EngineStockItem,
  type FulfillmentRule,
} from '@circulate/availability/engine';
import {
  DomainError,
  ErrorCode,
  type ExplainRule,
  type ListingAvailability,
  type ListingCalendar,
  type RequestContext,
  type StockItemSchedule,
} from '@circulate/contracts';
import {
  fieldError,
  parseAvailabilityQuery,
  parseCalendarQuery,
  parseScheduleQuery,
  type RawQuery,
} from './query-parsing';
import type { ListingView, ReadModel, TenantState } from './read-model';
import type { ScheduledReservation } from './reservation-source';

/** At most this many excluded units per rule in an explanation (the answer stays small). */
const MAX_EXCLUDED = 200;

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The read side of availability: answers checks, calendars, explanations and unit schedules
 * from the in-memory read model. Never asks another service.
 */
export class AvailabilityQueries {
  /** `model` returns the read model in service (a rebuild swaps in a new one when it has caught up). */
  constructor(private readonly model: () => ReadModel) {}

  availability(ctx: RequestContext, listingId: string, raw: RawQuery): ListingAvailability {
    const q = parseAvailabilityQuery(raw);
    const { tenant, listing, variant, timeZone } = this.resolve(ctx, listingId, q);
    const request = {
      start: q.start,
      end: q.end,
      quantity: q.quantity,
      variant,
      timeZone,
      ...(q.locationId !== undefined ? { locationId: q.locationId } : {}),
    };
    const result = checkAvailability(tenant.index, listing.engine, request);
    const answer: ListingAvailability = {
      available: result.available,
      quantity: result.quantity,
      rules: result.rules.map((r) => ({ ruleId: r.ruleId, required: r.required, free: r.free })),
    };
    if (q.explain && ctx.role !== 'storefront') {
      answer.explain = this.explain(tenant, listing, q.start, q.end, variant, q.locationId, timeZone);
    }
    return answer;
  }

  calendar(ctx: RequestContext, listingId: string, raw: RawQuery): ListingCalendar {
    const q = parseCalendarQuery(raw);
    const { tenant, listing, variant, timeZone } = this.resolve(ctx, listingId, q);
    const result = calendar(tenant.index, listing.engine, {
      from: q.from,
      to: q.to,
      variant,
      timeZone,
      ...(q.locationId !== undefined ? { locationId: q.locationId } : {}),
    });
    return { days: result.days.map((d) => ({ date: d.date, quantity: d.quantity })), timeZone };
  }

  /** The unit's reservations overlapping `[from, to)` (both optional), by start. */
  schedule(ctx: RequestContext, stockItemId: string, raw: RawQuery): StockItemSchedule {
    const q = parseScheduleQuery(raw);
    const tenant = this.model().find(ctx.tenantId);
    if (!tenant || !tenant.stockItems.has(stockItemId)) throw notFound('stock item', stockItemId);
    const from = q.from ?? -Infinity;
    const to = q.to ?? Infinity;
    const items = tenant.index
      .reservationsOf(stockItemId)
      .filter((r) => r.start < to && r.end > from)
      .map((r) => tenant.reservations.get(r.id))
      .filter((r): r is ScheduledReservation => r !== undefined)
      .sort((a, b) => a.start - b.start)
      .map((r) => ({
        orderId: r.orderId,
        lineIndex: r.lineIndex,
        quantity: r.quantity,
        start: iso(r.periodStart),
        end: iso(r.periodEnd),
        blockedStart: iso(r.start),
        blockedEnd: iso(r.end),
        status: r.status,
      }));
    return { items };
  }

  /** The caller's listing, its variant checked, the location checked and the time zone to count days in. */
  private resolve(
    ctx: RequestContext,
    listingId: string,
    q: { variant: Record<string, string>; locationId?: string },
  ): { tenant: TenantState; listing: ListingView; variant: Record<string, string>; timeZone: string } {
    const { tenant, listing } = this.visibleListing(ctx, listingId);
    const variant = this.checkVariant(listing, q.variant);
    this.checkLocation(tenant, q.locationId);
    return { tenant, listing, variant, timeZone: this.timeZoneOf(tenant, listing, q.locationId) };
  }

  private visibleListing(ctx: RequestContext, listingId: string): { tenant: TenantState; listing: ListingView } {
    const tenant = this.model().find(ctx.tenantId);
    const listing = tenant?.listings.get(listingId);
    if (!tenant || !listing) throw notFound('listing', listingId);
    if (ctx.role === 'storefront' && !(listing.status === 'published' && listing.onlineStore)) {
      throw notFound('listing', listingId);
    }
    return { tenant, listing };
  }

  /** Every axis must be the listing's and every value one of the axis's; axes the rules use are required. */
  private checkVariant(listing: ListingView, variant: Record<string, string>): Record<string, string> {
    for (const [axis, value] of Object.entries(variant)) {
      const def = listing.variants.find((v) => v.name === axis);
      if (!def) throw fieldError(`variant.${axis}`, `the listing has no variant axis "${axis}"`);
      if (!def.values.includes(value)) {
        throw fieldError(`variant.${axis}`, `must be one of ${def.values.join(', ')}`);
      }
    }
    for (const axis of axesUsed(listing.engine.rules)) {
      if (variant[axis] === undefined)
        throw fieldError(`variant.${axis}`, "is required: the listing's rules depend on it");
    }
    return variant;
  }

  private checkLocation(tenant: TenantState, locationId: string | undefined): void {
    if (locationId !== undefined && !tenant.timeZones.has(locationId)) {
      throw fieldError('locationId', `unknown location ${locationId}`);
    }
  }

  /** The requested location's zone, else the listing's only location's, else UTC. */
  private timeZoneOf(tenant: TenantState, listing: ListingView, locationId: string | undefined): string {
    const loc = locationId ?? (listing.engine.locationIds.length === 1 ? listing.engine.locationIds[0] : undefined);
    return (loc !== undefined ? tenant.timeZones.get(loc) : undefined) ?? 'UTC';
  }

  private explain(
    tenant: TenantState,
    listing: ListingView,
    start: number,
    end: number,
    variant: Record<string, string>,
    locationId: string | undefined,
    timeZone: string,
  ): ExplainRule[] {
    const listed = listing.engine.locationIds;
    const locations: string[] | null =
      locationId !== undefined
        ? listed.length && !listed.includes(locationId)
          ? []
          : [locationId]
        : listed.length
          ? [...listed]
          : null;
    return listing.engine.rules.map((rule) => {
      const out: ExplainRule = { ruleId: rule.id, candidates: [], excluded: [] };
      const resolved = resolveMatch(rule, variant);
      if (!resolved) return out;
      const window = widenPeriod({ start, end }, rule.bufferBefore, rule.bufferAfter, timeZone);
      for (const item of tenant.index.items()) {
        const reason = exclusion(item, resolved, locations);
        if (reason === 'unrelated') continue;
        if (reason) {
          if (out.excluded.length < MAX_EXCLUDED) out.excluded.push({ stockItemId: item.id, reason });
          continue;
        }
        const blockedBy = tenant.index
          .reservationsOf(item.id)
          .filter((r) => r.start < window.end && r.end > window.start)
          .map((r) => ({
            orderId: tenant.reservations.get(r.id)?.orderId ?? r.id,
            start: iso(r.start),
            end: iso(r.end),
            quantity: r.quantity,
          }));
        out.candidates.push({
          stockItemId: item.id,
          codes: tenant.stockItems.get(item.id)?.codes ?? [],
          free: item.quantity - tenant.index.peakReserved(item.id, window.start, window.end),
          blockedBy,
        });
      }
      return out;
    });
  }
}

type Resolved = NonNullable<ReturnType<typeof resolveMatch>>;

/**
 * Why a unit the rule is about cannot serve it. "About" = of one of the rule's SKU codes, or —
 * for an attribute-only rule — sharing at least one of its attribute conditions.
 */
function exclusion(
  item: EngineStockItem,
  match: Resolved,
  locations: readonly string[] | null,
): 'status' | 'location' | 'attributes' | 'unrelated' | null {
  if (match.skuCodes) {
    if (item.skuCode === null || !match.skuCodes.includes(item.skuCode)) return 'unrelated';
  } else if (!match.attributes.some(([k, v]) => k in item.attributes && String(item.attributes[k]) === v)) {
    return 'unrelated';
  }
  if (!matchesResolved(match, item)) return 'attributes';
  if (locations && !locations.includes(item.locationId)) return 'location';
  if (item.status !== 'in_use') return 'status';
  return null;
}

function axesUsed(rules: readonly FulfillmentRule[]): Set<string> {
  const axes = new Set<string>();
  for (const rule of rules) {
    if (rule.match.skuCodeByVariant) axes.add(rule.match.skuCodeByVariant.axis);
    for (const v of Object.values(rule.match.attributes ?? {})) {
      if (typeof v === 'object' && v !== null && 'fromVariant' in v) axes.add(v.fromVariant);
    }
  }
  return axes;
}

function notFound(what: string, id: string): DomainError {
  return new DomainError(ErrorCode.NOT_FOUND, `${what} ${id} not found`);
}
