import { OrdersCalls } from '@circulate/contracts';
import { OrderCreation, OrderLifecycle, OrderScanning } from '@circulate/orders/data-access';
import { rpcController, rpcHandlers } from '@circulate/platform/messaging';

export const OrdersController = rpcController(
  [OrderCreation, OrderLifecycle, OrderScanning],
  (creation, life, scanning) =>
    rpcHandlers(OrdersCalls, {
      createOrder: (ctx, d) => creation.create(ctx, d),
      getOrder: (ctx, d) => life.get(ctx, d.id),
      listOrders: (ctx, d) => life.list(ctx, d),
      confirmOrder: (ctx, d) => life.confirm(ctx, d),
      cancelOrder: (ctx, d) => life.cancel(ctx, d),
      extendOrder: (ctx, d) => life.extend(ctx, d),
      handOut: (ctx, d) => scanning.handOut(ctx, d),
      returnUnits: (ctx, d) => scanning.returnUnits(ctx, d),
      completeOrder: (ctx, d) => life.complete(ctx, d),
    }),
);
