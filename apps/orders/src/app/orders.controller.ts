import { Controller } from '@nestjs/common';
import {
  CreateOrderRequest,
  ExtendOrderRequest,
  HandOutRequest,
  ListOrdersRequest,
  Order,
  OrderIdRequest,
  OrdersCalls,
  Page,
  RequestContext,
  ReturnRequest,
} from '@circulate/contracts';
import { OrderCreation, OrderLifecycle, OrderScanning } from '@circulate/orders/data-access';
import { Handles, RpcCtx, RpcData } from '@circulate/platform/messaging';

@Controller()
export class OrdersController {
  constructor(
    private readonly creation: OrderCreation,
    private readonly life: OrderLifecycle,
    private readonly scanning: OrderScanning,
  ) {}

  @Handles(OrdersCalls.createOrder)
  create(@RpcCtx() ctx: RequestContext, @RpcData() data: CreateOrderRequest): Promise<Order> {
    return this.creation.create(ctx, data);
  }

  @Handles(OrdersCalls.getOrder)
  get(@RpcCtx() ctx: RequestContext, @RpcData() data: OrderIdRequest): Promise<Order> {
    return this.life.get(ctx, data.id);
  }

  @Handles(OrdersCalls.listOrders)
  list(@RpcCtx() ctx: RequestContext, @RpcData() data: ListOrdersRequest): Promise<Page<Order>> {
    return this.life.list(ctx, data);
  }

  @Handles(OrdersCalls.confirmOrder)
  confirm(@RpcCtx() ctx: RequestContext, @RpcData() data: OrderIdRequest): Promise<Order> {
    return this.life.confirm(ctx, data);
  }

  @Handles(OrdersCalls.cancelOrder)
  cancel(@RpcCtx() ctx: RequestContext, @RpcData() data: OrderIdRequest): Promise<Order> {
    return this.life.cancel(ctx, data);
  }

  @Handles(OrdersCalls.extendOrder)
  extend(@RpcCtx() ctx: RequestContext, @RpcData() data: ExtendOrderRequest): Promise<Order> {
    return this.life.extend(ctx, data);
  }

  @Handles(OrdersCalls.handOut)
  handOut(@RpcCtx() ctx: RequestContext, @RpcData() data: HandOutRequest): Promise<Order> {
    return this.scanning.handOut(ctx, data);
  }

  @Handles(OrdersCalls.returnUnits)
  returnUnits(@RpcCtx() ctx: RequestContext, @RpcData() data: ReturnRequest): Promise<Order> {
    return this.scanning.returnUnits(ctx, data);
  }

  @Handles(OrdersCalls.completeOrder)
  complete(@RpcCtx() ctx: RequestContext, @RpcData() data: OrderIdRequest): Promise<Order> {
    return this.life.complete(ctx, data);
  }
}
