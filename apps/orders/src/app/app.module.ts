import { Type } from '@nestjs/common';
import { OrdersDataAccessModule } from '@circulate/orders/data-access';
import { serviceModule, ServiceEnv } from '@circulate/platform/nest';
import { OrdersController } from './orders.controller';

export function ordersModule(env: ServiceEnv): Type<unknown> {
  return serviceModule('orders', env, { imports: [OrdersDataAccessModule], controllers: [OrdersController] });
}
