import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  CreateOrderBody,
  ExtendOrderBody,
  HandOutBody,
  ListOrdersRequest,
  Order,
  OrdersCalls,
  Page,
  RequestContext,
  ReturnBody,
} from '@circulate/contracts';
import { RpcClient } from '@circulate/platform/messaging';
import { Allow, Ctx } from '../../auth/auth.guard';

/**
 * Orders (API.md "Orders"). The Idempotency-Key of `POST /orders` also goes to the orders service,
 * which keys the whole saga by it: a retry after a crash resumes the same order.
 */
@ApiTags('orders')
@ApiBearerAuth()
@Controller('orders')
export class OrdersController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  @Allow('admin', 'staff', 'storefront')
  create(
    @Ctx() ctx: RequestContext,
    @Body() body: CreateOrderBody,
    @Headers('idempotency-key') key?: string,
  ): Promise<Order> {
    return this.rpc.call(OrdersCalls.createOrder, ctx, { ...body, ...(key ? { idempotencyKey: key } : {}) });
  }

  @Get()
  @Allow('admin', 'staff', 'storefront')
  list(@Ctx() ctx: RequestContext, @Query() query: ListOrdersRequest): Promise<Page<Order>> {
    return this.rpc.call(OrdersCalls.listOrders, ctx, query);
  }

  @Get(':id')
  @Allow('admin', 'staff', 'storefront')
  get(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<Order> {
    return this.rpc.call(OrdersCalls.getOrder, ctx, { id });
  }

  @Post(':id/confirm')
  @HttpCode(200)
  @Allow('admin', 'staff')
  confirm(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<Order> {
    return this.rpc.call(OrdersCalls.confirmOrder, ctx, { id });
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Allow('admin', 'staff', 'storefront')
  cancel(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<Order> {
    return this.rpc.call(OrdersCalls.cancelOrder, ctx, { id });
  }

  @Post(':id/extend')
  @HttpCode(200)
  @Allow('admin', 'staff')
  extend(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: ExtendOrderBody): Promise<Order> {
    return this.rpc.call(OrdersCalls.extendOrder, ctx, { ...body, id });
  }

  @Post(':id/hand-out')
  @HttpCode(200)
  @Allow('admin', 'staff')
  handOut(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: HandOutBody): Promise<Order> {
    return this.rpc.call(OrdersCalls.handOut, ctx, { ...body, id });
  }

  @Post(':id/return')
  @HttpCode(200)
  @Allow('admin', 'staff')
  returnUnits(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: ReturnBody): Promise<Order> {
    return this.rpc.call(OrdersCalls.returnUnits, ctx, { ...body, id });
  }

  @Post(':id/complete')
  @HttpCode(200)
  @Allow('admin', 'staff')
  complete(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<Order> {
    return this.rpc.call(OrdersCalls.completeOrder, ctx, { id });
  }
}
