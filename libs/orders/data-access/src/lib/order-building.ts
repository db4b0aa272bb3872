import {
  ChannelAliases,
  FieldError,
  Listing,
  OrderAllocation,
  OrderChannel,
  OrderConflict,
  OrderLine,
  OrderLineRequest,
  OrderReservationView,
  OrderShortage,
  parseInstant,
  RequestContext,
  ReserveLineInput,
} from '@circulate/contracts';
import { LineRequest } from '@circulate/orders/domain';

/** What a shortage needs of a listing: its rules' ids. */
export interface RulesOf {
  fulfillmentRules: readonly { id: string }[];
}

/** A purchase holds its unit for good: the reservation's end lies beyond any rental. */
export const PURCHASE_END = 8.64e15;

export interface ParsedLine extends LineRequest {
  variant: Record<string, string>;
  purchase: boolean;
}

/** Dates and line kinds, checked before anything is asked of another service. */
export function parseLines(lines: readonly OrderLineRequest[]): { lines: ParsedLine[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const out = lines.map((l, i) => {
    const startMs = l.start === undefined ? undefined : (parseInstant(l.start) ?? undefined);
    const endMs = l.end === undefined ? undefined : (parseInstant(l.end) ?? undefined);
    const dated = startMs !== undefined || endMs !== undefined;
    const purchase = l.purchase ?? !dated;
    if (purchase && dated)
      errors.push({ field: `lines[${i}].start`, message: 'a purchase line has no period: leave out start and end' });
    if (!purchase && (startMs === undefined || endMs === undefined))
      errors.push({
        field: `lines[${i}].${startMs === undefined ? 'start' : 'end'}`,
        message: 'a rental line needs start and end',
      });
    if (startMs !== undefined && endMs !== undefined && endMs <= startMs)
      errors.push({ field: `lines[${i}].end`, message: 'end must be after start' });
    return {
      listingId: l.listingId,
      quantity: l.quantity,
      priceTableId: l.priceTableId,
      startMs,
      endMs,
      purchase,
      variant: l.variant ?? {},
    };
  });
  return { lines: out, errors };
}

/**
 * Whether each line's listing may be ordered here: not archived, sold on the order's channel
 * (storefront keys: published listings only), fulfilled from the order's location, and a value
 * the listing has for every variant axis.
 */
export function checkListings(
  ctx: RequestContext,
  channel: OrderChannel,
  locationId: string,
  lines: readonly ParsedLine[],
  listings: ReadonlyMap<string, Listing>,
): FieldError[] {
  const errors: FieldError[] = [];
  const ch = ChannelAliases[channel];
  lines.forEach((line, i) => {
    const listing = listings.get(line.listingId);
    const field = `lines[${i}]`;
    if (!listing) return errors.push({ field: `${field}.listingId`, message: `no listing ${line.listingId}` });
    if (listing.status === 'archived' || (ctx.role === 'storefront' && listing.status !== 'published'))
      return errors.push({ field: `${field}.listingId`, message: `listing ${listing.id} is ${listing.status}` });
    if (!listing.channels[ch])
      return errors.push({ field: `${field}.listingId`, message: `listing ${listing.id} is not sold on ${channel}` });
    if (listing.locationIds.length > 0 && !listing.locationIds.includes(locationId))
      errors.push({ field: 'locationId', message: `listing ${listing.id} is not fulfilled from ${locationId}` });
    const axes = new Map(listing.variants.map((v) => [v.name, v.values]));
    for (const [axis, value] of Object.entries(line.variant)) {
      const values = axes.get(axis);
      if (!values)
        errors.push({ field: `${field}.variant.${axis}`, message: `the listing has no variant axis ${axis}` });
      else if (!values.includes(value))
        errors.push({ field: `${field}.variant.${axis}`, message: `${value} is not one of ${values.join(', ')}` });
    }
    for (const axis of axes.keys())
      if (line.variant[axis] === undefined)
        errors.push({ field: `${field}.variant.${axis}`, message: `choose a value for ${axis}` });
  });
  return dedupe(errors);
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.field}\n${e.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function reserveLines(
  lines: readonly ParsedLine[],
  locationId: string,
  timeZone: string,
  now: number,
): ReserveLineInput[] {
  return lines.map((l) => ({
    listingId: l.listingId,
    start: l.purchase ? now : (l.startMs as number),
    end: l.purchase ? PURCHASE_END : (l.endMs as number),
    quantity: l.quantity,
    ...(Object.keys(l.variant).length ? { variant: l.variant } : {}),
    locationId,
    timeZone,
  }));
}

/**
 * The order's lines, shortages and conflicts as availability now has them. Hand-out and return
 * counts stay with their reservation id; a reservation that moved to another unit before it was
 * handed out keeps its id and takes the new unit.
 */
export function applyView(
  lines: readonly OrderLine[],
  view: OrderReservationView | null,
  listings: ReadonlyMap<string, RulesOf> = new Map(),
): { lines: OrderLine[]; shortages: OrderShortage[]; conflicts: OrderConflict[] } {
  const previous = new Map<string, OrderAllocation>();
  for (const l of lines) for (const a of l.allocations) previous.set(a.reservationId, a);
  const next = lines.map((l) => ({ ...l, allocations: [] as OrderAllocation[] }));
  const conflicts: OrderConflict[] = [];
  for (const a of view?.allocations ?? []) {
    const line = next[a.lineIndex];
    if (!line) continue;
    const before = previous.get(a.reservationId);
    line.allocations.push({
      ruleId: a.ruleId,
      stockItemId: a.stockItemId,
      quantity: a.quantity,
      reservationId: a.reservationId,
      out: before?.out ?? 0,
      returned: before?.returned ?? 0,
    });
    if (a.status === 'conflict')
      conflicts.push({ lineIndex: a.lineIndex, stockItemId: a.stockItemId, blockingOrderId: a.blockedBy ?? null });
  }
  // Units already handed out stay on the order even when availability no longer lists them.
  for (const [id, a] of previous) {
    if (a.out === 0) continue;
    const idx = lines.findIndex((l) => l.allocations.some((x) => x.reservationId === id));
    if (idx >= 0 && !next[idx].allocations.some((x) => x.reservationId === id)) next[idx].allocations.push(a);
  }
  const shortages = (view?.shortages ?? []).map((s) => ({
    lineIndex: s.lineIndex,
    ruleId: shortageRule(s.lineIndex, lines, next, listings),
    missing: s.missing,
  }));
  return { lines: next, shortages, conflicts };
}

/**
 * The rule a line's shortage is of: the listing's only rule when the listing is at hand (order
 * creation); otherwise (a later sync of availability's view, without the listing) the one rule
 * the line's allocations, before or after, are of. A copy of a listing is allocated whole, so
 * allocations of a single rule mean a single-rule listing; a shortage of a bundle stays null.
 */
function shortageRule(
  lineIndex: number,
  before: readonly OrderLine[],
  after: readonly OrderLine[],
  listings: ReadonlyMap<string, RulesOf>,
): string | null {
  const rules = listings.get(before[lineIndex]?.listingId ?? '')?.fulfillmentRules;
  if (rules) return rules.length === 1 ? rules[0].id : null;
  const seen = new Set(
    [...(before[lineIndex]?.allocations ?? []), ...(after[lineIndex]?.allocations ?? [])].map((a) => a.ruleId),
  );
  return seen.size === 1 ? [...seen][0] : null;
}

/** The order id a reservation belongs to (`res_<orderId>_<n>`, availability's id scheme). */
export function orderIdOfReservation(reservationId: string): string | null {
  const m = /^res_(.+)_\d+$/.exec(reservationId);
  return m ? m[1] : null;
}

/** `20261202-4F7K2Q`: the day of creation and the id's last six characters (readable, unique enough per day). */
export function orderNumber(id: string, now: number): string {
  return `${new Date(now).toISOString().slice(0, 10).replace(/-/g, '')}-${id.slice(-6)}`;
}
