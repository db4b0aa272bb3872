import type { Type } from '@nestjs/common';

/** Gateway routes of the catalog service (thin adapters: validate, forward over NATS). */
export const CATALOG_CONTROLLERS: Type<unknown>[] = [];
