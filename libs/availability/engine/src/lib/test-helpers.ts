import type { EngineReservation, EngineStockItem } from './types';

/* Builders shared by the specs (not exported from the barrel). */

export function unit(id: string, skuCode: string | null, extra: Partial<EngineStockItem> = {}): EngineStockItem {
  return {
    id,
    tracking: 'serialized',
    quantity: 1,
    status: 'in_use',
    locationId: 'loc_main',
    skuCode,
    attributes: {},
    ...extra,
  };
}

export function pool(
  id: string,
  skuCode: string | null,
  quantity: number,
  extra: Partial<EngineStockItem> = {},
): EngineStockItem {
  return { ...unit(id, skuCode, extra), tracking: 'pooled', quantity, ...extra };
}

let seq = 0;

export function booking(
  stockItemId: string,
  start: string | number,
  end: string | number,
  quantity = 1,
  id?: string,
): EngineReservation {
  return {
    id: id ?? `res_${++seq}`,
    stockItemId,
    quantity,
    start: typeof start === 'number' ? start : Date.parse(start),
    end: typeof end === 'number' ? end : Date.parse(end),
  };
}

export const at = (iso: string): number => Date.parse(iso);
