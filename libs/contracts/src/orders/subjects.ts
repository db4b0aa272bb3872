/** Request-reply names the orders service answers. */
export const OrdersRpc = {
  createOrder: 'orders.order.create.v1',
  getOrder: 'orders.order.get.v1',
  listOrders: 'orders.order.list.v1',
  confirmOrder: 'orders.order.confirm.v1',
  cancelOrder: 'orders.order.cancel.v1',
  extendOrder: 'orders.order.extend.v1',
  handOut: 'orders.order.hand-out.v1',
  returnUnits: 'orders.order.return.v1',
  completeOrder: 'orders.order.complete.v1',
} as const;

/** Facts the orders service publishes on its JetStream stream (payload `OrderEvent`, refused: `OrderRefusedEvent`). */
export const OrdersEvents = {
  created: 'orders.order.created.v1',
  confirmed: 'orders.order.confirmed.v1',
  cancelled: 'orders.order.cancelled.v1',
  expired: 'orders.order.expired.v1',
  extended: 'orders.order.extended.v1',
  handedOut: 'orders.order.handed-out.v1',
  returned: 'orders.order.returned.v1',
  completed: 'orders.order.completed.v1',
  /** A unit of the order is still out past its line's end (once per end; `order.overdue` is true). */
  overdue: 'orders.order.overdue.v1',
  /** Reservations changed under the order (shortage filled, unit moved, overdue, conflict). */
  reservationsChanged: 'orders.order.reservations-changed.v1',
  refused: 'orders.order.refused.v1',
} as const;
