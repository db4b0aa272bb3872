import { CreateLocationRequest, InventoryCalls, ListLocationsRequest } from '@circulate/contracts';
import { forward, forwardController } from '../forward';

export const LocationsController = forwardController('locations', [
  forward('create', 'POST', InventoryCalls.createLocation, { roles: ['admin'], body: CreateLocationRequest }),
  forward('list', 'GET', InventoryCalls.listLocations, {
    roles: ['admin', 'staff', 'storefront'],
    query: ListLocationsRequest,
  }),
  forward('get', 'GET :id', InventoryCalls.getLocation, { roles: ['admin', 'staff', 'storefront'] }),
]);
