import type { AvailabilityIndex, ItemEntry } from './availability-index';
import { resolveMatch, matchesResolved } from './matching';
import { bestFitPolicy, type AllocationCandidate, type AllocationPolicy } from './policy';
import { assign, maxCopies, type AssignmentProblem, type CapacitySource } from './solver';
import { assertTimeZone, dayBoundaries, formatDay, parseDate, parseDuration, shiftByDuration } from './time';
import type {
  AllocationLine,
  AllocationResult,
  AvailabilityRequest,
  AvailabilityResult,
  CalendarRequest,
  CalendarResult,
  EngineListing,
  FulfillmentRule,
  Period,
  RuleAvailability,
  VariantSelection,
} from './types';

/*
 * Semantics (see README.md):
 * - A request under rule r occupies the blocked window W_r = [start - bufferBefore_r,
 *   end + bufferAfter_r); it fits an item when W_r fits next to the item's existing blocked
 *   intervals (which were widened by their own rule's buffers when they were made).
 * - An item's free units over W = quantity - peak reserved quantity inside W.
 * - A serialized unit (or any item of quantity 1) serves at most one rule. A pool serves
 *   several rules up to its free count. When rules with different buffers share a pool, the
 *   sum they take is capped by the pool's free count over the intersection of their windows
 *   and each window group by its own window: exact for up to two distinct buffer pairs per
 *   pool; with three or more the engine caps the sum by the union of the windows (safe, but
 *   it may report less than is possible).
 */

export const MAX_CALENDAR_DAYS = 366;

const NO_LOCATIONS: readonly string[] = [];

function assertRules(rules: readonly FulfillmentRule[]): void {
  for (const rule of rules) {
    if (!Number.isInteger(rule.quantity) || rule.quantity < 1) {
      throw new RangeError(`rule ${rule.id}: quantity must be an integer >= 1`);
    }
    if (rule.bufferBefore) parseDuration(rule.bufferBefore);
    if (rule.bufferAfter) parseDuration(rule.bufferAfter);
  }
}

function requestedQuantity(request: AvailabilityRequest): number {
  const n = request.quantity ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new RangeError('quantity must be an integer >= 1');
  return n;
}

function assertPeriod(request: AvailabilityRequest): void {
  if (!Number.isFinite(request.start) || !Number.isFinite(request.end) || request.start >= request.end) {
    throw new RangeError('period must satisfy start < end');
  }
}

/** Eligible locations: null = any; empty = none (the requested one is not the listing's). */
function allowedLocations(listing: EngineListing, locationId: string | undefined): readonly string[] | null {
  const listed = listing.locationIds;
  if (locationId !== undefined) {
    if (listed.length > 0 && !listed.includes(locationId)) return NO_LOCATIONS;
    return [locationId];
  }
  return listed.length > 0 ? [...new Set(listed)] : null;
}

/** A canonical key for a rule's buffers: rules with the same key always share blocked windows. */
function bufferKey(rule: FulfillmentRule): string {
  const k = (text: string | undefined): string => {
    if (!text) return '0';
    const d = parseDuration(text);
    return `${d.years}y${d.months}m${d.weeks * 7 + d.days}d${d.timeMs}`;
  };
  return `${k(rule.bufferBefore)}/${k(rule.bufferAfter)}`;
}

interface RuleGroups {
  /** Window group per rule. */
  readonly groupOf: number[];
  /** A representative rule per group (its buffers define the group's windows). */
  readonly groupRules: FulfillmentRule[];
}

function groupRules(rules: readonly FulfillmentRule[]): RuleGroups {
  const keys = new Map<string, number>();
  const groupRulesList: FulfillmentRule[] = [];
  const groupOf = rules.map((rule) => {
    const key = bufferKey(rule);
    let g = keys.get(key);
    if (g === undefined) {
      g = groupRulesList.length;
      keys.set(key, g);
      groupRulesList.push(rule);
    }
    return g;
  });
  return { groupOf, groupRules: groupRulesList };
}

function widen(period: Period, rule: FulfillmentRule, timeZone: string): Period {
  return {
    start: rule.bufferBefore ? shiftByDuration(period.start, rule.bufferBefore, -1, timeZone) : period.start,
    end: rule.bufferAfter ? shiftByDuration(period.end, rule.bufferAfter, 1, timeZone) : period.end,
  };
}

function candidatesPerRule(
  index: AvailabilityIndex,
  rules: readonly FulfillmentRule[],
  variant: VariantSelection | undefined,
  locations: readonly string[] | null,
): ItemEntry[][] {
  return rules.map((rule) => {
    const match = resolveMatch(rule, variant);
    return match ? index.candidates(match, locations) : [];
  });
}

// ---------------------------------------------------------------------------------------------
// Building the assignment problem

/** What an item can give each rule (0 = nothing). */
interface EntryCaps {
  readonly entry: ItemEntry;
  readonly caps: number[];
}

export type SourceRef =
  { readonly kind: 'units'; readonly members: ItemEntry[] } | { readonly kind: 'pool'; readonly entry: ItemEntry };

/**
 * Turns per-item capacities into sources: items of quantity 1 with the same set of usable rules
 * are interchangeable and become one source (so the flow graph has at most 2^rules + pools
 * nodes); each pool is its own source.
 */
function buildProblem(
  ruleQuantities: readonly number[],
  groupOf: readonly number[],
  groupWindows: readonly Period[],
  rows: readonly EntryCaps[],
): AssignmentProblem<SourceRef> {
  const R = ruleQuantities.length;
  const unitClasses = new Map<string, { members: ItemEntry[]; mask: boolean[] }>();
  const pools: CapacitySource<SourceRef>[] = [];
  for (const row of rows) {
    const { entry, caps } = row;
    if (entry.item.quantity === 1) {
      let key = '';
      for (let r = 0; r < R; r++) key += caps[r] > 0 ? '1' : '0';
      if (!key.includes('1')) continue;
      let cls = unitClasses.get(key);
      if (!cls) {
        cls = { members: [], mask: caps.map((c) => c > 0) };
        unitClasses.set(key, cls);
      }
      cls.members.push(entry);
      continue;
    }
    const groups = new Set<number>();
    let maxCap = 0;
    for (let r = 0; r < R; r++) {
      if (caps[r] > 0) {
        groups.add(groupOf[r]);
        maxCap = Math.max(maxCap, caps[r]);
      }
    }
    if (groups.size === 0) continue;
    if (groups.size === 1) {
      pools.push({ ref: { kind: 'pool', entry }, caps, nodeCap: maxCap });
      continue;
    }
    const groupCaps = groupWindows.map(() => 0);
    for (let r = 0; r < R; r++) if (caps[r] > 0) groupCaps[groupOf[r]] = caps[r];
    const windows = [...groups].map((g) => groupWindows[g]);
    // Every window contains the period, so the intersection is never empty.
    const shared =
      groups.size === 2
        ? { start: Math.max(...windows.map((w) => w.start)), end: Math.min(...windows.map((w) => w.end)) }
        : { start: Math.min(...windows.map((w) => w.start)), end: Math.max(...windows.map((w) => w.end)) };
    const nodeCap = Math.max(0, entry.item.quantity - entry.timeline.peak(shared.start, shared.end));
    pools.push({ ref: { kind: 'pool', entry }, caps, groupCaps, nodeCap });
  }
  // Units that serve fewer rules first: the flow then keeps flexible units for the other rules.
  const classes = [...unitClasses.values()].sort(
    (a, b) => a.mask.filter(Boolean).length - b.mask.filter(Boolean).length,
  );
  const sources: CapacitySource<SourceRef>[] = classes.map((cls) => ({
    ref: { kind: 'units', members: cls.members },
    caps: cls.mask.map((m) => (m ? cls.members.length : 0)),
    nodeCap: cls.members.length,
  }));
  // Best fit among pools: fewest free units first.
  pools.sort((a, b) => a.nodeCap - b.nodeCap);
  return { ruleQuantities, groupOf, sources: sources.concat(pools) };
}

// ---------------------------------------------------------------------------------------------
// One period

interface Evaluation {
  readonly rules: readonly FulfillmentRule[];
  readonly windows: readonly Period[];
  readonly groupOf: readonly number[];
  readonly groupWindows: readonly Period[];
  readonly rows: readonly EntryCaps[];
  readonly free: readonly number[];
  /** Every item can serve at most one rule: rules are separate problems. */
  readonly independent: boolean;
}

function evaluate(index: AvailabilityIndex, listing: EngineListing, request: AvailabilityRequest): Evaluation {
  const rules = listing.rules;
  assertRules(rules);
  const timeZone = request.timeZone ?? 'UTC';
  assertTimeZone(timeZone);
  const period: Period = { start: request.start, end: request.end };
  const { groupOf, groupRules: reps } = groupRules(rules);
  const groupWindows = reps.map((rule) => widen(period, rule, timeZone));
  const windows = rules.map((_, r) => groupWindows[groupOf[r]]);
  const R = rules.length;
  const locations = allowedLocations(listing, request.locationId);
  const perRule = candidatesPerRule(index, rules, request.variant, locations);
  const free = rules.map(() => 0);

  if (R === 1) {
    const w = windows[0];
    const rows: EntryCaps[] = [];
    for (const entry of perRule[0]) {
      const cap = entry.item.quantity - entry.timeline.peak(w.start, w.end);
      if (cap > 0) {
        free[0] += cap;
        rows.push({ entry, caps: [cap] });
      }
    }
    return { rules, windows, groupOf, groupWindows, rows, free, independent: true };
  }

  const byEntry = new Map<ItemEntry, { caps: number[]; peaks: number[] }>();
  for (let r = 0; r < R; r++) {
    const g = groupOf[r];
    const w = groupWindows[g];
    for (const entry of perRule[r]) {
      let rec = byEntry.get(entry);
      if (!rec) {
        rec = { caps: rules.map(() => 0), peaks: groupWindows.map(() => NaN) };
        byEntry.set(entry, rec);
      }
      let p = rec.peaks[g];
      if (Number.isNaN(p)) {
        p = entry.timeline.peak(w.start, w.end);
        rec.peaks[g] = p;
      }
      const cap = Math.max(0, entry.item.quantity - p);
      rec.caps[r] = cap;
      free[r] += cap;
    }
  }
  const rows: EntryCaps[] = [];
  let independent = true;
  for (const [entry, rec] of byEntry) {
    let used = 0;
    for (const c of rec.caps) if (c > 0) used++;
    if (used === 0) continue;
    if (used > 1) independent = false;
    rows.push({ entry, caps: rec.caps });
  }
  return { rules, windows, groupOf, groupWindows, rows, free, independent };
}

function listingQuantity(ev: Evaluation): number {
  const q = ev.rules.map((r) => r.quantity);
  if (q.length === 0) return 0;
  if (ev.independent) {
    let k = Infinity;
    q.forEach((qr, r) => {
      k = Math.min(k, Math.floor(ev.free[r] / qr));
    });
    return k;
  }
  return maxCopies(buildProblem(q, ev.groupOf, ev.groupWindows, ev.rows));
}

function ruleReport(ev: Evaluation, n: number): RuleAvailability[] {
  return ev.rules.map((rule, r) => ({ ruleId: rule.id, required: rule.quantity * n, free: ev.free[r] }));
}

/**
 * How many copies of the listing fit at once for the whole period, and each rule's free units.
 * A listing without rules is never available.
 */
export function checkAvailability(
  index: AvailabilityIndex,
  listing: EngineListing,
  request: AvailabilityRequest,
): AvailabilityResult {
  const n = requestedQuantity(request);
  assertPeriod(request);
  const ev = evaluate(index, listing, request);
  const quantity = listingQuantity(ev);
  return { available: quantity >= n, quantity, rules: ruleReport(ev, n) };
}

// ---------------------------------------------------------------------------------------------
// Allocation

function ordered(
  policy: AllocationPolicy,
  cands: AllocationCandidate[],
  ruleId: string,
  window: Period,
): readonly AllocationCandidate[] {
  const out = policy.order(cands, { ruleId, window });
  if (out.length !== cands.length) throw new Error('AllocationPolicy.order must return every candidate');
  return out;
}

function candidateFor(entry: ItemEntry, window: Period, free: number): AllocationCandidate {
  const peak = entry.item.quantity - free;
  const gap = entry.timeline.freeGap(window.start, window.end, peak);
  return { item: entry.item, free, gapBefore: gap.before, gapAfter: gap.after };
}

/**
 * Chooses concrete units for every rule of `request.quantity` copies, all or nothing. Returns
 * `{ ok: false, error: { code: 'UNAVAILABLE', details } }` (nothing allocated) when they do not fit. The policy
 * (default best fit) orders interchangeable units; whether the bundle fits is decided by
 * max-flow, so the preference never makes a feasible request fail.
 */
export function allocate(
  index: AvailabilityIndex,
  listing: EngineListing,
  request: AvailabilityRequest,
  policy: AllocationPolicy = bestFitPolicy,
): AllocationResult {
  const n = requestedQuantity(request);
  assertPeriod(request);
  const ev = evaluate(index, listing, request);
  const R = ev.rules.length;
  const unavailable = (): AllocationResult => {
    const quantity = listingQuantity(ev);
    return {
      ok: false,
      error: {
        code: 'UNAVAILABLE',
        message: `${quantity} of ${n} fit`,
        details: { quantity, rules: ruleReport(ev, n) },
      },
    };
  };
  if (R === 0) return unavailable();
  for (let r = 0; r < R; r++) if (ev.free[r] < ev.rules[r].quantity * n) return unavailable();

  const lines: AllocationLine[] = [];
  if (ev.independent) {
    for (let r = 0; r < R; r++) {
      const rule = ev.rules[r];
      const window = ev.windows[r];
      const cands: AllocationCandidate[] = [];
      for (const row of ev.rows) if (row.caps[r] > 0) cands.push(candidateFor(row.entry, window, row.caps[r]));
      let need = rule.quantity * n;
      for (const c of ordered(policy, cands, rule.id, window)) {
        if (need === 0) break;
        const take = Math.min(need, c.free);
        lines.push({ ruleId: rule.id, stockItemId: c.item.id, quantity: take, blocked: window });
        need -= take;
      }
      if (need > 0) return unavailable();
    }
  } else {
    const problem = buildProblem(
      ev.rules.map((r) => r.quantity),
      ev.groupOf,
      ev.groupWindows,
      ev.rows,
    );
    const flows = assign(problem, n);
    if (!flows) return unavailable();
    const capsOf = new Map<ItemEntry, number[]>();
    for (const row of ev.rows) capsOf.set(row.entry, row.caps);
    // Units (quantity-1 items): first any units of the chosen classes, then, rule by rule, swap
    // in better-ranked unused units the rule can also use. A swap only frees a unit and takes an
    // unused one, so the allocation stays valid.
    const owner = new Map<ItemEntry, number>();
    const unitCount = ev.rules.map(() => 0);
    problem.sources.forEach((source, s) => {
      const ref = source.ref;
      if (ref.kind !== 'units') return;
      let next = 0;
      for (let r = 0; r < R; r++) {
        for (let f = flows[s][r]; f > 0; f--) owner.set(ref.members[next++], r);
        unitCount[r] += flows[s][r];
      }
    });
    for (let r = 0; r < R; r++) {
      if (unitCount[r] === 0) continue;
      const rule = ev.rules[r];
      const window = ev.windows[r];
      const cands: AllocationCandidate[] = [];
      const entryOf = new Map<string, ItemEntry>();
      for (const [entry, caps] of capsOf) {
        if (entry.item.quantity !== 1 || caps[r] <= 0) continue;
        const o = owner.get(entry);
        if (o !== undefined && o !== r) continue;
        cands.push(candidateFor(entry, window, 1));
        entryOf.set(entry.item.id, entry);
      }
      const ranked = ordered(policy, cands, rule.id, window);
      for (const c of cands) {
        const e = entryOf.get(c.item.id);
        if (e && owner.get(e) === r) owner.delete(e);
      }
      for (let i = 0; i < unitCount[r]; i++) {
        const e = entryOf.get(ranked[i].item.id);
        if (e) owner.set(e, r);
      }
    }
    for (let r = 0; r < R; r++) {
      for (const [entry, o] of owner) {
        if (o === r) {
          lines.push({ ruleId: ev.rules[r].id, stockItemId: entry.item.id, quantity: 1, blocked: ev.windows[r] });
        }
      }
      problem.sources.forEach((source, s) => {
        if (source.ref.kind === 'pool' && flows[s][r] > 0) {
          lines.push({
            ruleId: ev.rules[r].id,
            stockItemId: source.ref.entry.item.id,
            quantity: flows[s][r],
            blocked: ev.windows[r],
          });
        }
      });
    }
  }
  const problems = validateAllocation(index, listing, request, lines);
  if (problems.length > 0)
    throw new Error(`availability engine produced an invalid allocation: ${problems.join('; ')}`);
  return { ok: true, allocations: lines };
}

/**
 * Checks an allocation against the index as it is now: every rule gets exactly its units, each
 * unit matches its rule, is in use at an eligible location, carries the rule's blocked window,
 * and no item ends up over its quantity at any instant. Returns the problems found (empty when
 * valid). `allocate` runs it on its own answer.
 */
export function validateAllocation(
  index: AvailabilityIndex,
  listing: EngineListing,
  request: AvailabilityRequest,
  lines: readonly AllocationLine[],
): string[] {
  const problems: string[] = [];
  const n = requestedQuantity(request);
  const timeZone = request.timeZone ?? 'UTC';
  const locations = allowedLocations(listing, request.locationId);
  const period: Period = { start: request.start, end: request.end };
  const byRule = new Map<string, number>();
  const byItem = new Map<string, AllocationLine[]>();
  const rules = new Map(listing.rules.map((rule) => [rule.id, rule]));
  for (const line of lines) {
    const rule = rules.get(line.ruleId);
    if (!rule) {
      problems.push(`unknown rule ${line.ruleId}`);
      continue;
    }
    if (!Number.isInteger(line.quantity) || line.quantity < 1) problems.push(`bad quantity on ${line.stockItemId}`);
    byRule.set(rule.id, (byRule.get(rule.id) ?? 0) + line.quantity);
    const item = index.getItem(line.stockItemId);
    const match = resolveMatch(rule, request.variant);
    if (!item) {
      problems.push(`unknown item ${line.stockItemId}`);
      continue;
    }
    if (item.status !== 'in_use') problems.push(`item ${item.id} is ${item.status}`);
    if (locations && !locations.includes(item.locationId))
      problems.push(`item ${item.id} is at an ineligible location`);
    if (!match || !matchesResolved(match, item)) problems.push(`item ${item.id} does not match rule ${rule.id}`);
    const w = widen(period, rule, timeZone);
    if (line.blocked.start !== w.start || line.blocked.end !== w.end)
      problems.push(`wrong blocked window on ${item.id}`);
    const list = byItem.get(item.id) ?? [];
    list.push(line);
    byItem.set(item.id, list);
  }
  for (const rule of listing.rules) {
    const got = byRule.get(rule.id) ?? 0;
    if (got !== rule.quantity * n) problems.push(`rule ${rule.id} got ${got}, needs ${rule.quantity * n}`);
  }
  for (const [itemId, list] of byItem) {
    const item = index.getItem(itemId);
    if (!item) continue;
    // Between consecutive boundaries of the new windows the added level is constant, so each
    // piece needs: existing peak over the piece + added level <= quantity.
    const cuts = [...new Set(list.flatMap((l) => [l.blocked.start, l.blocked.end]))].sort((x, y) => x - y);
    for (let c = 0; c + 1 < cuts.length; c++) {
      const a = cuts[c];
      const b = cuts[c + 1];
      let added = 0;
      for (const l of list) if (l.blocked.start <= a && b <= l.blocked.end) added += l.quantity;
      if (added > 0 && index.peakReserved(itemId, a, b) + added > item.quantity) {
        problems.push(`item ${itemId} over capacity at ${new Date(a).toISOString()}`);
        break;
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Calendar

/**
 * Free units of an item over each day window `[ws[d], we[d])` in one sweep over its steps.
 * Windows must be sorted (both ends non-decreasing).
 */
function sweepFree(entry: ItemEntry, ws: Float64Array, we: Float64Array, out: Float64Array): void {
  const qty = entry.item.quantity;
  const { times, levels, count: m } = entry.timeline.steps();
  const n = out.length;
  if (m === 0 || times[m - 1] <= ws[0] || times[0] >= we[n - 1]) {
    // No step inside the range: the level is 0 throughout (0 before the first and after the last step).
    out.fill(qty);
    return;
  }
  let lo = 0;
  let hi = m;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] <= ws[0]) lo = mid + 1;
    else hi = mid;
  }
  let i = lo - 1;
  for (let d = 0; d < n; d++) {
    const s = ws[d];
    const e = we[d];
    while (i + 1 < m && times[i + 1] <= s) i++;
    let p = i >= 0 ? levels[i] : 0;
    for (let j = i + 1; j < m && times[j] < e; j++) if (levels[j] > p) p = levels[j];
    out[d] = p >= qty ? 0 : qty - p;
  }
}

/**
 * Free copies of the listing for each whole day of `[from, to)` in the request's time zone
 * (default UTC; 23- and 25-hour DST days included), with each rule's buffers applied to the day
 * as for a check. One sweep per candidate item over its reservations; the assignment problem is
 * solved per day only when rules share items, and only on days where something changed.
 */
export function calendar(index: AvailabilityIndex, listing: EngineListing, request: CalendarRequest): CalendarResult {
  const rules = listing.rules;
  assertRules(rules);
  const timeZone = request.timeZone ?? 'UTC';
  assertTimeZone(timeZone);
  const from = parseDate(request.from);
  const to = parseDate(request.to);
  const n = to - from;
  if (n < 0) throw new RangeError('"to" must not be before "from"');
  if (n > MAX_CALENDAR_DAYS) throw new RangeError(`a calendar spans at most ${MAX_CALENDAR_DAYS} days`);
  const quantity = new Float64Array(n);
  const result = (): CalendarResult => ({
    days: Array.from({ length: n }, (_, d) => ({ date: formatDay(from + d), quantity: quantity[d] })),
  });
  if (n === 0 || rules.length === 0) return result();

  const bounds = dayBoundaries(from, n, timeZone);
  const { groupOf, groupRules: reps } = groupRules(rules);
  const groupWs = reps.map((rule) => {
    const ws = new Float64Array(n);
    for (let d = 0; d < n; d++)
      ws[d] = rule.bufferBefore ? shiftByDuration(bounds[d], rule.bufferBefore, -1, timeZone) : bounds[d];
    return ws;
  });
  const groupWe = reps.map((rule) => {
    const we = new Float64Array(n);
    for (let d = 0; d < n; d++)
      we[d] = rule.bufferAfter ? shiftByDuration(bounds[d + 1], rule.bufferAfter, 1, timeZone) : bounds[d + 1];
    return we;
  });

  const R = rules.length;
  const locations = allowedLocations(listing, request.locationId);
  const perRule = candidatesPerRule(index, rules, request.variant, locations);

  // Items and the rules that can use them.
  const ruleSets = new Map<ItemEntry, number[]>();
  let shared = false;
  for (let r = 0; r < R; r++) {
    for (const entry of perRule[r]) {
      const list = ruleSets.get(entry);
      if (list) {
        list.push(r);
        shared = true;
      } else ruleSets.set(entry, [r]);
    }
  }

  const tmp = new Float64Array(n);
  if (!shared) {
    const free = rules.map(() => new Float64Array(n));
    for (let r = 0; r < R; r++) {
      const g = groupOf[r];
      const acc = free[r];
      for (const entry of perRule[r]) {
        sweepFree(entry, groupWs[g], groupWe[g], tmp);
        for (let d = 0; d < n; d++) acc[d] += tmp[d];
      }
    }
    for (let d = 0; d < n; d++) {
      let k = Infinity;
      for (let r = 0; r < R; r++) k = Math.min(k, Math.floor(free[r][d] / rules[r].quantity));
      quantity[d] = k;
    }
    return result();
  }

  // Rules share items: per item and window group, free units per day; then one assignment
  // problem per day, reusing the previous day's answer when no item changed.
  const entries = [...ruleSets.keys()];
  const freeByGroup = entries.map((entry) => {
    const arrays = reps.map((): Float64Array | null => null);
    for (const r of ruleSets.get(entry) ?? []) {
      const g = groupOf[r];
      if (!arrays[g]) {
        const out = new Float64Array(n);
        sweepFree(entry, groupWs[g], groupWe[g], out);
        arrays[g] = out;
      }
    }
    return arrays;
  });
  const changed = new Uint8Array(n);
  changed[0] = 1;
  let multiGroupPool = false;
  entries.forEach((entry, i) => {
    const arrays = freeByGroup[i];
    const groups = arrays.filter((a) => a !== null).length;
    if (groups > 1 && entry.item.quantity > 1) multiGroupPool = true;
    for (const a of arrays) {
      if (!a) continue;
      for (let d = 1; d < n; d++) if (a[d] !== a[d - 1]) changed[d] = 1;
    }
  });
  const ruleQuantities = rules.map((r) => r.quantity);
  for (let d = 0; d < n; d++) {
    if (!changed[d] && !multiGroupPool) {
      quantity[d] = quantity[d - 1];
      continue;
    }
    const rows: EntryCaps[] = [];
    entries.forEach((entry, i) => {
      const caps = rules.map(() => 0);
      let any = false;
      for (const r of ruleSets.get(entry) ?? []) {
        const a = freeByGroup[i][groupOf[r]];
        const c = a ? a[d] : 0;
        caps[r] = c;
        if (c > 0) any = true;
      }
      if (any) rows.push({ entry, caps });
    });
    const groupWindows = reps.map((_, g) => ({ start: groupWs[g][d], end: groupWe[g][d] }));
    quantity[d] = maxCopies(buildProblem(ruleQuantities, groupOf, groupWindows, rows));
  }
  return result();
}
