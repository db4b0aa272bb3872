import { Page } from '../common/pagination';
import { defineRpc } from '../rpc';
import {
  CreateOrderRequest,
  ExtendOrderRequest,
  HandOutRequest,
  ListOrdersRequest,
  Order,
  OrderIdRequest,
  ReturnRequest,
} from './orders';
import { OrdersRpc } from './subjects';

/** The orders service's subjects with their request and reply types (`RpcClient.call`, `@Handles`). */
export const OrdersCalls = {
  createOrder: defineRpc<CreateOrderRequest, Order>(OrdersRpc.createOrder),
  getOrder: defineRpc<OrderIdRequest, Order>(OrdersRpc.getOrder),
  listOrders: defineRpc<ListOrdersRequest, Page<Order>>(OrdersRpc.listOrders),
  confirmOrder: defineRpc<OrderIdRequest, Order>(OrdersRpc.confirmOrder),
  cancelOrder: defineRpc<OrderIdRequest, Order>(OrdersRpc.cancelOrder),
  extendOrder: defineRpc<ExtendOrderRequest, Order>(OrdersRpc.extendOrder),
  handOut: defineRpc<HandOutRequest, Order>(OrdersRpc.handOut),
  returnUnits: defineRpc<ReturnRequest, Order>(OrdersRpc.returnUnits),
  completeOrder: defineRpc<OrderIdRequest, Order>(OrdersRpc.completeOrder),
} as const;
