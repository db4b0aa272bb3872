import { LocationsController } from './locations.controller';

/** Gateway routes of the inventory service (thin adapters: validate, forward over NATS). */
export const INVENTORY_CONTROLLERS = [LocationsController];
