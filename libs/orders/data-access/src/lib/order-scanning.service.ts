import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  HandOutRequest,
  Order,
  OrderAllocation,
  OrderEvent,
  OrdersEvents,
  RequestContext,
  ReturnRequest,
  StockItem,
} from '@circulate/contracts';
import { applyView } from './order-building';
import { OrderLifecycle } from './order-lifecycle.service';
import { earliestOutEnd, StoredOrder } from './stored-order';

/** Refusals of one candidate unit after which the next candidate is tried. */
const SKIPPABLE: ReadonlySet<string> = new Set([
  ErrorCode.UNAVAILABLE,
  ErrorCode.VALIDATION_FAILED,
  ErrorCode.CONFLICT,
]);

interface Planned {
  lineIndex: number;
  reservationId: string;
  stockItemId: string;
  quantity: number;
  condition?: string;
}

function lineOf(order: StoredOrder, reservationId: string): { lineIndex: number; alloc: OrderAllocation } | null {
  for (const [lineIndex, line] of order.lines.entries()) {
    const alloc = line.allocations.find((a) => a.reservationId === reservationId);
    if (alloc) return { lineIndex, alloc };
  }
  return null;
}

function allAllocations(order: StoredOrder): { lineIndex: number; alloc: OrderAllocation }[] {
  return order.lines.flatMap((line, lineIndex) => line.allocations.map((alloc) => ({ lineIndex, alloc })));
}

/**
 * Hand-out and return by scanning any of a unit's codes. Every scan is checked before anything
 * moves (a bad scan changes nothing); then inventory moves the units (idempotent per order, item
 * and operation key, the key derived from the order's version so a retried request reuses it),
 * availability marks the reservations out or back, and the order records the counts.
 */
@Injectable()
export class OrderScanning {
  constructor(private readonly life: OrderLifecycle) {}

  private async scanned(ctx: RequestContext, code: string, index: number): Promise<StockItem> {
    const item = await this.life.deps.lookup(ctx, code);
    if (!item) throw DomainError.invalid(`items[${index}].code`, `no stock item has the code ${code}`);
    return item;
  }

  handOut(ctx: RequestContext, req: HandOutRequest): Promise<Order> {
    return this.life.mutate(ctx, req.id, 'handOut', async (order, to) => {
      let current: StoredOrder = order;
      const plan: Planned[] = [];
      const pending = (a: OrderAllocation) =>
        a.quantity -
        a.out -
        plan.filter((p) => p.reservationId === a.reservationId).reduce((n, p) => n + p.quantity, 0);
      for (const [i, scan] of req.items.entries()) {
        const item = await this.scanned(ctx, scan.code, i);
        let hit = allAllocations(current).find((x) => x.alloc.stockItemId === item.id && pending(x.alloc) > 0);
        if (!hit && item.tracking === 'serialized') {
          const swapped = await this.swapTo(ctx, current, item, plan);
          if (swapped) {
            current = swapped.order;
            hit = swapped.hit;
          }
        }
        if (!hit) {
          const held = allAllocations(current).some((x) => x.alloc.stockItemId === item.id);
          throw new DomainError(
            ErrorCode.CONFLICT,
            held
              ? `items[${i}]: every unit of ${scan.code} this order holds is already out`
              : `items[${i}]: ${scan.code} is not part of this order and no line of it can take that unit`,
          );
        }
        const left = pending(hit.alloc);
        const quantity = scan.quantity ?? left;
        if (item.tracking === 'serialized' && quantity !== 1)
          throw DomainError.invalid(`items[${i}].quantity`, 'a serialized unit is handed out whole (quantity 1)');
        if (quantity > left)
          throw new DomainError(
            ErrorCode.CONFLICT,
            `items[${i}].quantity: the order holds ${left} more of ${scan.code}, not ${quantity}`,
            [{ field: `items[${i}].quantity`, message: `at most ${left}` }],
          );
        plan.push({ lineIndex: hit.lineIndex, reservationId: hit.alloc.reservationId, stockItemId: item.id, quantity });
      }
      for (const [i, p] of plan.entries())
        await this.life.deps.inventory(ctx, 'handOut', {
          stockItemId: p.stockItemId,
          orderId: order.id,
          operationKey: `h${current.version}_${i}`,
          quantity: p.quantity,
        });
      const view = await this.life.deps.reservation(ctx, {
        type: 'hand_out',
        orderId: order.id,
        reservationIds: [...new Set(plan.map((p) => p.reservationId))],
      });
      const counted = current.lines.map((line) => ({
        ...line,
        allocations: line.allocations.map((a) => ({
          ...a,
          out: a.out + plan.filter((p) => p.reservationId === a.reservationId).reduce((n, p) => n + p.quantity, 0),
        })),
      }));
      const synced = applyView(counted, view);
      const lines = synced.lines;
      return {
        next: { ...current, ...synced, status: to, holdExpiresAt: null, outUntil: earliestOutEnd(lines) },
        event: OrdersEvents.handedOut,
        units: plan.map((p) => ({ stockItemId: p.stockItemId, quantity: p.quantity })),
      };
    });
  }

  /**
   * A scanned serialized unit the order does not hold: move a not-yet-handed-out allocation of a
   * line to it (availability checks that it matches the line's rule and is free).
   */
  private async swapTo(
    ctx: RequestContext,
    order: StoredOrder,
    item: StockItem,
    plan: Planned[],
  ): Promise<{ order: StoredOrder; hit: { lineIndex: number; alloc: OrderAllocation } } | null> {
    const candidates = allAllocations(order).filter(
      (x) =>
        x.alloc.out === 0 && x.alloc.quantity === 1 && !plan.some((p) => p.reservationId === x.alloc.reservationId),
    );
    for (const c of candidates) {
      try {
        const view = await this.life.deps.reservation(ctx, {
          type: 'swap',
          orderId: order.id,
          reservationId: c.alloc.reservationId,
          toStockItemId: item.id,
        });
        const applied = applyView(order.lines, view);
        const next = { ...order, ...applied };
        const moved = allAllocations(next).find((x) => x.alloc.stockItemId === item.id && x.alloc.out === 0);
        if (moved) return { order: next, hit: moved };
      } catch (err) {
        if (err instanceof DomainError && SKIPPABLE.has(err.code)) continue;
        throw err;
      }
    }
    return null;
  }

  returnUnits(ctx: RequestContext, req: ReturnRequest): Promise<Order> {
    return this.life.mutate(ctx, req.id, 'return', async (order, to) => {
      const plan: Planned[] = [];
      const outLeft = (a: OrderAllocation) =>
        a.out -
        a.returned -
        plan.filter((p) => p.reservationId === a.reservationId).reduce((n, p) => n + p.quantity, 0);
      for (const [i, scan] of req.items.entries()) {
        const item = await this.scanned(ctx, scan.code, i);
        const hit = allAllocations(order).find((x) => x.alloc.stockItemId === item.id && outLeft(x.alloc) > 0);
        if (!hit)
          throw new DomainError(ErrorCode.CONFLICT, `items[${i}]: ${scan.code} is not out on this order`, [
            { field: `items[${i}].code`, message: 'not out on this order' },
          ]);
        const left = outLeft(hit.alloc);
        const quantity = scan.quantity ?? left;
        if (quantity > left)
          throw new DomainError(ErrorCode.CONFLICT, `items[${i}].quantity: only ${left} of ${scan.code} are out`, [
            { field: `items[${i}].quantity`, message: `at most ${left}` },
          ]);
        plan.push({
          lineIndex: hit.lineIndex,
          reservationId: hit.alloc.reservationId,
          stockItemId: item.id,
          quantity,
          ...(scan.condition ? { condition: scan.condition } : {}),
        });
      }
      for (const [i, p] of plan.entries())
        await this.life.deps.inventory(ctx, 'returnUnits', {
          stockItemId: p.stockItemId,
          orderId: order.id,
          operationKey: `r${order.version}_${i}`,
          quantity: p.quantity,
          ...(p.condition ? { condition: p.condition } : {}),
        });
      const lines = order.lines.map((line) => ({
        ...line,
        allocations: line.allocations.map((a) => ({
          ...a,
          returned:
            a.returned + plan.filter((p) => p.reservationId === a.reservationId).reduce((n, p) => n + p.quantity, 0),
        })),
      }));
      // A reservation is back in availability once all of its units are.
      const back = [...new Set(plan.map((p) => p.reservationId))].filter((r) => {
        const hit = lineOf({ ...order, lines }, r);
        return hit !== null && hit.alloc.returned >= hit.alloc.quantity;
      });
      if (back.length)
        await this.life.deps.reservation(ctx, { type: 'return', orderId: order.id, reservationIds: back });
      const units: OrderEvent['units'] = plan.map((p) => ({
        stockItemId: p.stockItemId,
        quantity: p.quantity,
        ...(p.condition ? { condition: p.condition } : {}),
      }));
      return {
        next: { ...order, status: to, lines, outUntil: earliestOutEnd(lines) },
        event: OrdersEvents.returned,
        units,
      };
    });
  }
}
