import { attempt, DomainError, ErrorCode, Money, TimelineEntry } from '@circulate/contracts';
import { assertLedgerEntry, handOutUnits, isRetired, returnUnits, sellUnits } from './stock-item';
import {
  ledgerEntryOf,
  ledgerTimeline,
  StockItemDecision,
  StockItemFacts,
  StockItemFields,
} from './stock-item-decisions';

/** The orders service's commands are idempotent per order, item and operation. */
export interface OrderCommand {
  orderId: string;
  operationKey?: string;
  quantity?: number;
}

export function commandKey(kind: 'hand_out' | 'return' | 'income' | 'sold', cmd: OrderCommand): string {
  return `${kind}:${cmd.orderId}:${cmd.operationKey ?? ''}`;
}

/** The hand-out bookkeeping: how many units `orderId` has out after `delta` more (or fewer). */
function outAfter(item: StockItemFacts, orderId: string, delta: number): Record<string, number> {
  const outByOrder = { ...item.outByOrder };
  const next = (item.outByOrder[orderId] ?? 0) + delta;
  if (next > 0) outByOrder[orderId] = next;
  else delete outByOrder[orderId];
  return outByOrder;
}

/** Units of the item go out for an order. */
export function decideHandOut(item: StockItemFacts, cmd: OrderCommand, at: string): StockItemDecision {
  const key = commandKey('hand_out', cmd);
  return attempt(() => {
    if (item.appliedKeys.includes(key)) return null;
    if (isRetired(item.status)) {
      throw new DomainError(ErrorCode.INVALID_STATE_TRANSITION, `the item is ${item.status} and cannot be handed out`);
    }
    const out = handOutUnits(item.tracking, item.state, cmd.quantity);
    return {
      set: { state: out.state, outByOrder: outAfter(item, cmd.orderId, out.quantity) },
      timeline: [{ type: 'handed_out', at, quantity: out.quantity, orderId: cmd.orderId }],
      appliedKey: key,
    };
  });
}

/** Units an order had out come back, perhaps in another condition. */
export function decideReturn(
  item: StockItemFacts,
  cmd: OrderCommand & { condition?: string },
  at: string,
): StockItemDecision {
  const key = commandKey('return', cmd);
  return attempt(() => {
    if (item.appliedKeys.includes(key)) return null;
    const back = returnUnits(item.tracking, item.state, item.outByOrder[cmd.orderId] ?? 0, cmd.quantity);
    const timeline: TimelineEntry[] = [
      {
        type: 'returned',
        at,
        quantity: back.quantity,
        orderId: cmd.orderId,
        ...(cmd.condition ? { data: { condition: cmd.condition } } : {}),
      },
    ];
    const set: StockItemFields = { state: back.state, outByOrder: outAfter(item, cmd.orderId, -back.quantity) };
    if (cmd.condition !== undefined && cmd.condition !== item.condition) {
      set.condition = cmd.condition;
      timeline.push({
        type: 'condition_changed',
        at,
        orderId: cmd.orderId,
        data: { from: item.condition, to: cmd.condition },
      });
    }
    return { set, timeline, appliedKey: key };
  });
}

/** An order's income lands in the item's ledger. */
export function decideOrderIncome(
  item: StockItemFacts,
  cmd: OrderCommand & { entryId: string; amount: Money; note?: string },
  at: string,
): StockItemDecision {
  const key = commandKey('income', cmd);
  return attempt(() => {
    if (item.appliedKeys.includes(key)) return null;
    assertLedgerEntry(item.ledger, 'income', cmd.amount);
    const entry = ledgerEntryOf({ ...cmd, type: 'income', reason: 'order' }, at);
    return { set: {}, timeline: [ledgerTimeline(entry)], ledgerEntry: entry, appliedKey: key };
  });
}

/** Units are sold to an order's customer: first those the order has out. */
export function decideSale(item: StockItemFacts, cmd: OrderCommand, at: string): StockItemDecision {
  const key = commandKey('sold', cmd);
  return attempt(() => {
    if (item.appliedKeys.includes(key)) return null;
    const sale = sellUnits(item, item.outByOrder[cmd.orderId] ?? 0, cmd.quantity);
    const timeline: TimelineEntry[] = [];
    if (item.tracking === 'pooled') {
      timeline.push({
        type: 'adjusted',
        at,
        quantity: -sale.sold,
        orderId: cmd.orderId,
        data: { delta: -sale.sold, reason: 'sold', quantity: sale.quantity },
      });
    }
    if (sale.status !== item.status) {
      timeline.push({ type: 'status_changed', at, orderId: cmd.orderId, data: { from: item.status, to: sale.status } });
    }
    return {
      set: {
        quantity: sale.quantity,
        state: sale.state,
        status: sale.status,
        outByOrder: outAfter(item, cmd.orderId, -sale.fromOut),
      },
      timeline,
      appliedKey: key,
    };
  });
}
