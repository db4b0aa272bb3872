import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import {
  CreateOrderRequest,
  ExtendOrderRequest,
  HandOutRequest,
  ListOrdersRequest,
  Order,
  OrderIdRequest,
  OrdersRpc,
  Page,
  RequestContext,
  ReturnRequest,
  rpcSubject,
} from '@circulate/contracts';
import { OrderCreation, OrderLifecycle, OrderScanning } from '@circulate/orders/data-access';
import { RpcCtx, RpcData } from '@circulate/platform/messaging';

@Controller()
export class OrdersController {
  constructor(
    private readonly creation: OrderCreation,
    private readonly life: OrderLifecycle,
    private readonly scanning: OrderScanning,
  ) {}

  @MessagePattern(rpcSubject(OrdersRpc.createOrder))
  create(@RpcCtx() ctx: RequestContext, @RpcData() data: CreateOrderRequest): Promise<Order> {
    return this.creation.create(ctx, data);
  }

  @MessagePattern(rpcSubject(OrdersRpc.getOrder))
  get(@RpcCtx() ctx: RequestContext, @RpcData() data: OrderIdRequest): Promise<Order> {
    return this.life.get(ctx, data.id);
  }

  @MessagePattern(rpcSubject(OrdersRpc.listOrders))
  list(@RpcCtx() ctx: RequestContext, @RpcData() data: ListOrdersRequest): Promise<Page<Order>> {
    return this.life.list(ctx, data);
  }

  @MessagePattern(rpcSubject(OrdersRpc.confirmOrder))
  confirm(@RpcCtx() ctx: RequestContext, @RpcData() data: OrderIdRequest): Promise<Order> {
    return this.life.confirm(ctx, data);
  }

  @MessagePattern(rpcSubject(OrdersRpc.cancelOrder))
  cancel(@RpcCtx() ctx: RequestContext, @RpcData() data: OrderIdRequest): Promise<Order> {
    return this.life.cancel(ctx, data);
  }

  @MessagePattern(rpcSubject(OrdersRpc.extendOrder))
  extend(@RpcCtx() ctx: RequestContext, @RpcData() data: ExtendOrderRequest): Promise<Order> {
    return this.life.extend(ctx, data);
  }

  @MessagePattern(rpcSubject(OrdersRpc.handOut))
  handOut(@RpcCtx() ctx: RequestContext, @RpcData() data: HandOutRequest): Promise<Order> {
    return this.scanning.handOut(ctx, data);
  }

  @MessagePattern(rpcSubject(OrdersRpc.returnUnits))
  returnUnits(@RpcCtx() ctx: RequestContext, @RpcData() data: ReturnRequest): Promise<Order> {
    return this.scanning.returnUnits(ctx, data);
  }

  @MessagePattern(rpcSubject(OrdersRpc.completeOrder))
  complete(@RpcCtx() ctx: RequestContext, @RpcData() data: OrderIdRequest): Promise<Order> {
    return this.life.complete(ctx, data);
  }
}
