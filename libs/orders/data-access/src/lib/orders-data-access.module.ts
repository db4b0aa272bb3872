import { Module, OnModuleInit } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OutboxRelay } from '@circulate/platform/messaging';
import { OrderCreation } from './order-creation.service';
import { OrderDeps, RpcOrderDeps } from './order-deps';
import { OrderLifecycle } from './order-lifecycle.service';
import { OrderRecovery } from './order-recovery';
import { OrderRepository } from './order.repository';
import { OrderDoc, OrderSchema } from './order.schema';
import { OrderScanning } from './order-scanning.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: OrderDoc.name, schema: OrderSchema }])],
  providers: [
    OrderRepository,
    { provide: OrderDeps, useClass: RpcOrderDeps },
    OrderCreation,
    OrderLifecycle,
    OrderScanning,
    OrderRecovery,
  ],
  exports: [OrderCreation, OrderLifecycle, OrderScanning, OrderRecovery],
})
export class OrdersDataAccessModule implements OnModuleInit {
  constructor(
    private readonly outbox: OutboxRelay,
    private readonly orders: OrderRepository,
  ) {}

  onModuleInit(): void {
    this.outbox.register(this.orders.mongooseModel as never);
  }
}
