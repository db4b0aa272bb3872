import {
  attempt,
  DomainError,
  Result,
  StockItemOverridesShape,
  StockItemState,
  TimelineEntry,
  Tracking,
} from '@circulate/contracts';
import { assertDistinctCodes, initialQuantity, initialState, patchOverrides } from './stock-item';
import { Lookups, requireLocation } from './stock-item-decisions';

export interface RegistrationCommand {
  tracking: Tracking;
  quantity?: number;
  codes?: string[];
  skuId?: string;
  locationId: string;
  condition?: string;
  overrides?: { [K in keyof StockItemOverridesShape]?: StockItemOverridesShape[K] | null };
}

/** What registration looked up: the SKU the command names (null: none named, or none found). */
export interface RegistrationLookups extends Lookups {
  sku: { id: string } | null;
}

/** A new item as registration decides it (the caller adds tenant, SKU version and bookkeeping). */
export interface NewStockItem {
  _id: string;
  skuId: string | null;
  tracking: Tracking;
  quantity: number;
  codes: string[];
  locationId: string;
  condition: string | null;
  overrides: StockItemOverridesShape;
  status: 'in_use';
  state: StockItemState;
  timeline: TimelineEntry[];
}

function requireSku(cmd: { skuId?: string }, found: RegistrationLookups): void {
  if (cmd.skuId !== undefined && !found.sku) throw DomainError.invalid('skuId', `no SKU ${cmd.skuId}`);
}

function registered(id: string, cmd: RegistrationCommand, quantity: number, codes: string[], at: string): NewStockItem {
  const skuId = cmd.skuId ?? null;
  return {
    _id: id,
    skuId,
    tracking: cmd.tracking,
    quantity,
    codes,
    locationId: cmd.locationId,
    condition: cmd.condition ?? null,
    overrides: patchOverrides({}, cmd.overrides ?? {}),
    status: 'in_use',
    state: initialState(quantity),
    timeline: [
      {
        type: 'registered',
        at,
        quantity,
        data: { tracking: cmd.tracking, codes, locationId: cmd.locationId, skuId },
      },
    ],
  };
}

/** One item: serialized is one unit; without codes its id is its code. */
export function decideRegistration(
  cmd: RegistrationCommand,
  id: string,
  found: RegistrationLookups,
  at: string,
): Result<NewStockItem> {
  return attempt(() => {
    const quantity = initialQuantity(cmd.tracking, cmd.quantity);
    const codes = cmd.codes ?? [id];
    assertDistinctCodes(codes);
    requireSku(cmd, found);
    requireLocation(found, cmd.locationId);
    return registered(id, cmd, quantity, codes, at);
  });
}

/** `ids.length` serialized units under one SKU, all registered at `at`, one distinct code each. */
export function decideBatch(
  cmd: { skuId: string; locationId: string; condition?: string; codes?: string[] },
  ids: string[],
  found: RegistrationLookups,
  at: string,
): Result<NewStockItem[]> {
  return attempt(() => {
    if (cmd.codes && cmd.codes.length !== ids.length) {
      throw DomainError.invalid('codes', `give one code per item: ${ids.length} codes, not ${cmd.codes.length}`);
    }
    if (cmd.codes) assertDistinctCodes(cmd.codes);
    requireSku(cmd, found);
    requireLocation(found, cmd.locationId);
    const one: RegistrationCommand = { ...cmd, tracking: 'serialized', codes: undefined, overrides: {} };
    return ids.map((id, i) => registered(id, one, 1, [cmd.codes?.[i] ?? id], at));
  });
}
