import type { Type } from '@nestjs/common';
import { ListingsController } from './listings.controller';

/** Gateway routes of the catalog service (thin adapters: validate, forward over NATS). */
export const CATALOG_CONTROLLERS: Type<unknown>[] = [ListingsController];
