import type { Type } from '@nestjs/common';
import {
  AvailabilityAdminController,
  ListingAvailabilityController,
  StockItemScheduleController,
} from './availability.controller';

/** Gateway routes of the availability service (thin adapters: forward over NATS). */
export const AVAILABILITY_CONTROLLERS: Type<unknown>[] = [
  ListingAvailabilityController,
  StockItemScheduleController,
  AvailabilityAdminController,
];
