import {
  CreateOrderBody,
  ExtendOrderBody,
  HandOutBody,
  ListOrdersRequest,
  OrdersCalls,
  ReturnBody,
} from '@circulate/contracts';
import { forward, forwardController } from '../forward';

const everyone = ['admin', 'staff', 'storefront'] as const;
const staff = ['admin', 'staff'] as const;

/**
 * Orders (API.md "Orders"). The Idempotency-Key of `POST /orders` also goes to the orders service,
 * which keys the whole saga by it: a retry after a crash resumes the same order. The commands on
 * an order answer 200 with the order.
 */
export const OrdersController = forwardController('orders', [
  forward('create', 'POST', OrdersCalls.createOrder, {
    roles: everyone,
    body: CreateOrderBody,
    header: { name: 'idempotency-key', field: 'idempotencyKey' },
  }),
  forward('list', 'GET', OrdersCalls.listOrders, { roles: everyone, query: ListOrdersRequest }),
  forward('get', 'GET :id', OrdersCalls.getOrder, { roles: everyone }),
  forward('confirm', 'POST :id/confirm', OrdersCalls.confirmOrder, { roles: staff, status: 200 }),
  forward('cancel', 'POST :id/cancel', OrdersCalls.cancelOrder, { roles: everyone, status: 200 }),
  forward('extend', 'POST :id/extend', OrdersCalls.extendOrder, { roles: staff, status: 200, body: ExtendOrderBody }),
  forward('handOut', 'POST :id/hand-out', OrdersCalls.handOut, { roles: staff, status: 200, body: HandOutBody }),
  forward('returnUnits', 'POST :id/return', OrdersCalls.returnUnits, { roles: staff, status: 200, body: ReturnBody }),
  forward('complete', 'POST :id/complete', OrdersCalls.completeOrder, { roles: staff, status: 200 }),
]);
