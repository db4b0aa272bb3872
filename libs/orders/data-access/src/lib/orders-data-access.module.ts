import { Module, OnModuleInit } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OutboxRelay } from '@circulate/platform/messaging';
import { OrderCreation } from './order-creation.service';
import { CachedOrderDeps } from './cached-order-deps';
import { OrderCommitter } from './order-commit';
import { OrderDeps } from './order-deps';
import { OrderLifecycle } from './order-lifecycle.service';
import { OrderRecovery } from './order-recovery';
import { OrderRepository } from './order.repository';
import { OrderSagaJournal } from './order-saga-journal';
import { OrderDoc, OrderSchema } from './order.schema';
import { OrderScanning } from './order-scanning.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: OrderDoc.name, schema: OrderSchema }])],
  providers: [
    OrderRepository,
    { provide: OrderDeps, useClass: CachedOrderDeps },
    OrderSagaJournal,
    OrderCommitter,
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
    this.outbox.register(this.orders.mongooseModel);
  }
}
