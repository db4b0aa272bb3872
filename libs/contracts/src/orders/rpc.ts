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
  createOrder: defineRpc<CreateOrderRequest, Order>(OrdersRpc.createOrder, { request: CreateOrderRequest }),
  getOrder: defineRpc<OrderIdRequest, Order>(OrdersRpc.getOrder, { request: OrderIdRequest }),
  listOrders: defineRpc<ListOrdersRequest, Page<Order>>(OrdersRpc.listOrders, { request: ListOrdersRequest }),
  confirmOrder: defineRpc<OrderIdRequest, Order>(OrdersRpc.confirmOrder, { request: OrderIdRequest }),
  cancelOrder: defineRpc<OrderIdRequest, Order>(OrdersRpc.cancelOrder, { request: OrderIdRequest }),
  extendOrder: defineRpc<ExtendOrderRequest, Order>(OrdersRpc.extendOrder, { request: ExtendOrderRequest }),
  handOut: defineRpc<HandOutRequest, Order>(OrdersRpc.handOut, { request: HandOutRequest }),
  returnUnits: defineRpc<ReturnRequest, Order>(OrdersRpc.returnUnits, { request: ReturnRequest }),
  completeOrder: defineRpc<OrderIdRequest, Order>(OrdersRpc.completeOrder, { request: OrderIdRequest }),
} as const;
