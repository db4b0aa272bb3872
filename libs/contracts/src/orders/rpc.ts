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
  createOrder: defineRpc<CreateOrderRequest, Order>(OrdersRpc.createOrder, CreateOrderRequest),
  getOrder: defineRpc<OrderIdRequest, Order>(OrdersRpc.getOrder, OrderIdRequest),
  listOrders: defineRpc<ListOrdersRequest, Page<Order>>(OrdersRpc.listOrders, ListOrdersRequest),
  confirmOrder: defineRpc<OrderIdRequest, Order>(OrdersRpc.confirmOrder, OrderIdRequest),
  cancelOrder: defineRpc<OrderIdRequest, Order>(OrdersRpc.cancelOrder, OrderIdRequest),
  extendOrder: defineRpc<ExtendOrderRequest, Order>(OrdersRpc.extendOrder, ExtendOrderRequest),
  handOut: defineRpc<HandOutRequest, Order>(OrdersRpc.handOut, HandOutRequest),
  returnUnits: defineRpc<ReturnRequest, Order>(OrdersRpc.returnUnits, ReturnRequest),
  completeOrder: defineRpc<OrderIdRequest, Order>(OrdersRpc.completeOrder, OrderIdRequest),
} as const;
