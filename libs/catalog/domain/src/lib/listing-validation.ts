import type { FieldError, PriceTable, RuleAttributeValue, RuleMatch, VariantAxis } from '@circulate/contracts';
import { parseIsoDuration } from './duration';

/** Longest turnaround buffer a rule may ask for. */
export const MAX_BUFFER_MS = 366 * 24 * 3_600_000;

/** What the cross-field checks look at (shape and types were validated by the contract DTOs). */
export interface ListingDraft {
  variants: VariantAxis[];
  priceTables: Omit<PriceTable, 'id'>[];
  fulfillmentRules: { quantity: number; match: RuleMatch; bufferBefore?: string; bufferAfter?: string }[];
}

function isFromVariant(v: RuleAttributeValue): v is { fromVariant: string } {
  return typeof v === 'object' && v !== null;
}

/**
 * The rules of a listing that a field-by-field DTO cannot express. Returns every problem found
 * (empty = valid), each with the path of the offending field.
 */
export function validateListing(draft: ListingDraft): FieldError[] {
  const errors: FieldError[] = [];
  const axes = new Map<string, VariantAxis>();
  draft.variants.forEach((axis, i) => {
    if (axes.has(axis.name))
      errors.push({ field: `variants[${i}].name`, message: `axis "${axis.name}" is defined twice` });
    axes.set(axis.name, axis);
  });

  const currencies = new Set(draft.priceTables.map((t) => t.currency));
  draft.priceTables.forEach((t, i) => {
    if (currencies.size > 1) {
      errors.push({
        field: `priceTables[${i}].currency`,
        message: `all price tables of a listing use one currency (found ${[...currencies].join(', ')})`,
      });
    }
    const rates = t.rates ?? [];
    if (rates.length === 0 && t.salePrice === undefined) {
      errors.push({ field: `priceTables[${i}]`, message: 'a price table needs rental rates, a sale price, or both' });
    }
    const seen = new Set<string>();
    rates.forEach((r, j) => {
      if (seen.has(r.unit))
        errors.push({ field: `priceTables[${i}].rates[${j}].unit`, message: `unit "${r.unit}" appears twice` });
      seen.add(r.unit);
    });
  });

  draft.fulfillmentRules.forEach((rule, i) => {
    const at = `fulfillmentRules[${i}]`;
    const m = rule.match;
    const attributes = Object.entries(m.attributes ?? {});
    if (!(m.skuCodes?.length || m.skuCodeByVariant || attributes.length)) {
      errors.push({
        field: `${at}.match`,
        message: 'a rule needs at least one condition: skuCodes, skuCodeByVariant or attributes',
      });
    }
    if (m.skuCodeByVariant) {
      const { axis: name, map } = m.skuCodeByVariant;
      const axis = axes.get(name);
      if (!axis) {
        errors.push({
          field: `${at}.match.skuCodeByVariant.axis`,
          message: `the listing has no variant axis "${name}"`,
        });
      } else {
        const missing = axis.values.filter((v) => !Object.prototype.hasOwnProperty.call(map, v));
        if (missing.length) {
          errors.push({
            field: `${at}.match.skuCodeByVariant.map`,
            message: `no SKU code for ${name} ${missing.map((v) => `"${v}"`).join(', ')}`,
          });
        }
        const extra = Object.keys(map).filter((v) => !axis.values.includes(v));
        if (extra.length) {
          errors.push({
            field: `${at}.match.skuCodeByVariant.map`,
            message: `${extra.map((v) => `"${v}"`).join(', ')} is not a value of ${name}`,
          });
        }
      }
    }
    for (const [key, value] of attributes) {
      if (isFromVariant(value) && !axes.has(value.fromVariant)) {
        errors.push({
          field: `${at}.match.attributes.${key}`,
          message: `the listing has no variant axis "${value.fromVariant}"`,
        });
      }
    }
    for (const which of ['bufferBefore', 'bufferAfter'] as const) {
      const text = rule[which];
      if (text === undefined) continue;
      const ms = parseIsoDuration(text);
      if (ms === null)
        errors.push({ field: `${at}.${which}`, message: `"${text}" is not an ISO 8601 duration such as P1D or PT2H` });
      else if (ms > MAX_BUFFER_MS) errors.push({ field: `${at}.${which}`, message: 'a buffer is at most 366 days' });
    }
  });
  return errors;
}
