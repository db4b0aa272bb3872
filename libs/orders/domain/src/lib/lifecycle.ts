import { ErrorCode, Result } from '@circulate/contracts';

export const OrderStatuses = ['reserved', 'confirmed', 'active', 'completed', 'cancelled', 'expired'] as const;
export type OrderStatus = (typeof OrderStatuses)[number];

/** What a caller (or the hold timer) can do to an order. */
export const OrderActions = ['confirm', 'cancel', 'expire', 'handOut', 'return', 'extend', 'complete'] as const;
export type OrderAction = (typeof OrderActions)[number];

/**
 * The order lifecycle as data: for each action, the statuses it is allowed from and where it
 * leads. Anything not in the table is refused with INVALID_STATE_TRANSITION (409) and changes
 * nothing. Hand-out and return may repeat on an active order (partial hand-outs and returns);
 * extend keeps the status.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderAction, Readonly<Partial<Record<OrderStatus, OrderStatus>>>>> = {
  confirm: { reserved: 'confirmed' },
  cancel: { reserved: 'cancelled', confirmed: 'cancelled' },
  // Only an unconfirmed hold expires: confirming ends its expiry.
  expire: { reserved: 'expired' },
  handOut: { reserved: 'active', confirmed: 'active', active: 'active' },
  return: { active: 'active' },
  extend: { reserved: 'reserved', confirmed: 'confirmed', active: 'active' },
  complete: { active: 'completed' },
};

/** Statuses no action leads out of. */
export const TERMINAL_STATUSES: readonly OrderStatus[] = OrderStatuses.filter((status) =>
  OrderActions.every((action) => {
    const to = ORDER_TRANSITIONS[action][status];
    return to === undefined || to === status;
  }),
);

/** Where `action` takes an order in `status`, or the typed refusal. */
export function transition(status: OrderStatus, action: OrderAction): Result<OrderStatus> {
  const to = ORDER_TRANSITIONS[action][status];
  // `details` is spread into the problem+json body: keys must not shadow its own (status, type…).
  if (to === undefined) {
    const allowed = OrderStatuses.filter((s) => ORDER_TRANSITIONS[action][s] !== undefined);
    return {
      ok: false,
      error: {
        code: ErrorCode.INVALID_STATE_TRANSITION,
        message: `cannot ${describe(action)} an order that is ${status} (only when ${allowed.join(' or ')})`,
        details: { orderStatus: status, action, allowedFrom: allowed },
      },
    };
  }
  return { ok: true, value: to };
}

function describe(action: OrderAction): string {
  return action === 'handOut' ? 'hand out' : action;
}

/**
 * An active order completes only when every rental unit is back (purchase lines leave with the
 * customer for good). `unitsOut` counts the rental units still out.
 */
export function canComplete(status: OrderStatus, unitsOut: number): Result<OrderStatus> {
  const step = transition(status, 'complete');
  if (!step.ok) return step;
  if (unitsOut > 0) {
    return {
      ok: false,
      error: {
        code: ErrorCode.INVALID_STATE_TRANSITION,
        message: `cannot complete: ${unitsOut} rented unit${unitsOut === 1 ? ' is' : 's are'} still out`,
        details: { orderStatus: status, action: 'complete', unitsOut },
      },
    };
  }
  return step;
}
