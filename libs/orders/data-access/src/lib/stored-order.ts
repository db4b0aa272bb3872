import type {
  Money,
  Order,
  OrderChannel,
  OrderConflict,
  OrderLine,
  OrderShortage,
  TenantId,
} from '@circulate/contracts';
import type { OrderStatus } from '@circulate/orders/domain';
import type { StoredStatus } from './order.schema';

/** An order as the service keeps it (plain object; saga states included). */
export interface StoredOrder {
  id: string;
  tenantId: TenantId;
  idemKey: string;
  requestHash: string;
  number: string;
  status: StoredStatus;
  customer: { name: string; email?: string };
  channel: OrderChannel;
  locationId: string;
  lines: OrderLine[];
  total: Money;
  holdExpiresAt: number | null;
  shortages: OrderShortage[];
  conflicts: OrderConflict[];
  outUntil: number | null;
  /** The `outUntil` for which the `overdue` fact was published (null: none), so it goes out once. */
  overdueNotified: number | null;
  periodStart: number;
  periodEnd: number;
  version: number;
  createdAt: number;
  updatedAt: number;
}

/** An order the API shows: its status is one of the lifecycle's. */
export type VisibleOrder = StoredOrder & { status: OrderStatus };

export function isVisible(order: StoredOrder): order is VisibleOrder {
  return order.status !== 'pending' && order.status !== 'refused' && order.status !== 'abandoned';
}

/** Rental units handed out and not yet back. */
export function rentalUnitsOut(order: StoredOrder): number {
  let n = 0;
  for (const line of order.lines)
    if (!line.purchase) for (const a of line.allocations) n += Math.max(0, a.out - a.returned);
  return n;
}

/** The earliest end of a rental line that still has units out, or null. */
export function earliestOutEnd(lines: readonly OrderLine[]): number | null {
  let min: number | null = null;
  for (const line of lines) {
    if (line.purchase || !line.end) continue;
    if (!line.allocations.some((a) => a.out > a.returned)) continue;
    const end = Date.parse(line.end);
    if (min === null || end < min) min = end;
  }
  return min;
}

/** The public shape (API.md "Order"). `overdue` is computed against `now`. */
export function toPublicOrder(o: StoredOrder, now = Date.now()): Order {
  return {
    id: o.id,
    number: o.number,
    status: isVisible(o) ? o.status : 'reserved',
    customer: o.customer,
    channel: o.channel,
    locationId: o.locationId,
    lines: o.lines,
    total: o.total,
    ...(o.status === 'reserved' && o.holdExpiresAt !== null
      ? { holdExpiresAt: new Date(o.holdExpiresAt).toISOString() }
      : {}),
    overdue: o.status === 'active' && o.outUntil !== null && o.outUntil <= now,
    shortages: o.shortages,
    conflicts: o.conflicts,
    createdAt: new Date(o.createdAt).toISOString(),
    updatedAt: new Date(o.updatedAt).toISOString(),
    version: o.version,
  };
}
