import type { Type } from '@nestjs/common';
import { OrdersController } from './orders.controller';

/** Gateway routes of the orders service (thin adapters: validate, forward over NATS). */
export const ORDERS_CONTROLLERS: Type<unknown>[] = [OrdersController];
