import type { AttributeValue, EngineStockItem, FromVariant, FulfillmentRule, VariantSelection } from './types';

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function isFromVariant(v: AttributeValue | FromVariant): v is FromVariant {
  return typeof v === 'object' && v !== null && typeof (v as FromVariant).fromVariant === 'string';
}

/** A rule's conditions with the chosen variant substituted in; `null` when it can match nothing. */
export interface ResolvedMatch {
  /** Allowed SKU codes, or undefined when the rule does not constrain SKU codes. */
  readonly skuCodes: readonly string[] | undefined;
  /** `[key, value as string]` pairs that must all equal the item's attribute (as strings). */
  readonly attributes: readonly (readonly [string, string])[];
}

/**
 * Substitutes the chosen variant values into a rule's pattern. Returns `null` when the rule can
 * match nothing: a variant value it depends on is missing, the variant value is not in the
 * `skuCodeByVariant` map, or it names no condition at all (the catalog rejects such rules; the
 * engine fails safe rather than matching every item).
 */
export function resolveMatch(rule: FulfillmentRule, variant: VariantSelection = {}): ResolvedMatch | null {
  const m = rule.match;
  let skuCodes: readonly string[] | undefined = m.skuCodes ? [...new Set(m.skuCodes)] : undefined;
  let conditions = m.skuCodes ? 1 : 0;
  if (m.skuCodeByVariant) {
    conditions++;
    const { axis, map } = m.skuCodeByVariant;
    if (!hasOwn(variant, axis)) return null;
    const value = variant[axis];
    if (!hasOwn(map, value)) return null;
    const code = map[value];
    skuCodes = skuCodes ? (skuCodes.includes(code) ? [code] : []) : [code];
  }
  const attributes: (readonly [string, string])[] = [];
  if (m.attributes) {
    for (const key of Object.keys(m.attributes)) {
      conditions++;
      const expected = m.attributes[key];
      if (isFromVariant(expected)) {
        if (!hasOwn(variant, expected.fromVariant)) return null;
        attributes.push([key, String(variant[expected.fromVariant])]);
      } else {
        attributes.push([key, String(expected)]);
      }
    }
  }
  if (conditions === 0) return null;
  if (skuCodes && skuCodes.length === 0) return null;
  return { skuCodes, attributes };
}

/** Whether the item's SKU code and attributes satisfy a resolved pattern (ignores status and location). */
export function matchesResolved(match: ResolvedMatch, item: EngineStockItem): boolean {
  if (match.skuCodes) {
    if (item.skuCode === null || !match.skuCodes.includes(item.skuCode)) return false;
  }
  const attrs = item.attributes;
  for (let i = 0; i < match.attributes.length; i++) {
    const [key, value] = match.attributes[i];
    if (!hasOwn(attrs, key) || String(attrs[key]) !== value) return false;
  }
  return true;
}

/**
 * Whether `rule` matches `item` for the chosen variant: SKU codes, variant-dependent SKU code and
 * attributes all hold. Status and location are not considered here.
 */
export function ruleMatchesItem(rule: FulfillmentRule, item: EngineStockItem, variant: VariantSelection = {}): boolean {
  const resolved = resolveMatch(rule, variant);
  return resolved !== null && matchesResolved(resolved, item);
}

/** Attribute index key: compare as strings, like the matcher does. */
export function attributeKey(key: string, value: AttributeValue | string): string {
  return `${key}\u0000${String(value)}`;
}
