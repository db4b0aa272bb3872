import {
  attempt,
  CreateLocationRequest,
  CreateSkuRequest,
  DomainError,
  Location,
  Result,
  SkuSnapshot,
  UpdateSkuFields,
} from '@circulate/contracts';
import { isValidTimeZone } from './time-zone';

/** The SKU fields whose change alters linked items' effective data (and so their snapshots). */
export const INHERITED_SKU_FIELDS: readonly (keyof SkuSnapshot)[] = [
  'code',
  'name',
  'category',
  'attributes',
  'purchasePrice',
];

/** A new SKU, version 1. */
export function decideSkuCreation(cmd: CreateSkuRequest, id: string, at: string): Result<SkuSnapshot> {
  return attempt(() => ({
    id,
    code: cmd.code,
    name: cmd.name,
    category: cmd.category ?? [],
    attributes: cmd.attributes ?? {},
    purchasePrice: cmd.purchasePrice
      ? { amount: cmd.purchasePrice.amount, currency: cmd.purchasePrice.currency }
      : null,
    description: cmd.description ?? null,
    createdAt: at,
    version: 1,
  }));
}

/** An edit: the next version, and whether linked items must re-publish; nothing differs → null. */
export function decideSkuUpdate(
  current: SkuSnapshot,
  cmd: UpdateSkuFields,
): Result<{ sku: SkuSnapshot; inheritedChanged: boolean } | null> {
  return attempt(() => {
    const next: SkuSnapshot = {
      ...current,
      ...(cmd.code !== undefined ? { code: cmd.code } : {}),
      ...(cmd.name !== undefined ? { name: cmd.name } : {}),
      ...(cmd.category !== undefined ? { category: cmd.category } : {}),
      ...(cmd.attributes !== undefined ? { attributes: cmd.attributes } : {}),
      ...(cmd.purchasePrice !== undefined
        ? {
            purchasePrice: cmd.purchasePrice
              ? { amount: cmd.purchasePrice.amount, currency: cmd.purchasePrice.currency }
              : null,
          }
        : {}),
      ...(cmd.description !== undefined ? { description: cmd.description } : {}),
    };
    const changed = (Object.keys(next) as (keyof SkuSnapshot)[]).filter(
      (k) => JSON.stringify(next[k]) !== JSON.stringify(current[k]),
    );
    if (changed.length === 0) return null;
    return {
      sku: { ...next, version: current.version + 1 },
      inheritedChanged: changed.some((k) => INHERITED_SKU_FIELDS.includes(k)),
    };
  });
}

/** A deletion is the SKU's last version (its tombstone frees the code). */
export function decideSkuDeletion(current: SkuSnapshot): Result<SkuSnapshot> {
  return attempt(() => ({ ...current, version: current.version + 1 }));
}

/** A new location; its time zone (default UTC) must be an IANA zone. */
export function decideLocationCreation(cmd: CreateLocationRequest, id: string, at: string): Result<Location> {
  return attempt(() => {
    const timeZone = cmd.timeZone ?? 'UTC';
    if (!isValidTimeZone(timeZone)) throw DomainError.invalid('timeZone', `"${timeZone}" is not an IANA time zone`);
    return { id, name: cmd.name, code: cmd.code ?? null, timeZone, createdAt: at };
  });
}

/**
 * What a SKU edit (or deletion: `unlink`) changes on a linked item: its snapshot must reflect
 * the SKU's version (on deletion the link goes). An item already there needs nothing (null), so a
 * second run of the fan-out (recovery, redelivery) publishes nothing twice.
 */
export function decideSkuRelink(
  item: { skuVersion?: number },
  sku: { version: number },
  unlink: boolean,
): { skuId?: null; skuVersion: number } | null {
  if (unlink) return { skuId: null, skuVersion: 0 };
  return (item.skuVersion ?? 0) < sku.version ? { skuVersion: sku.version } : null;
}
