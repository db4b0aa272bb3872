import { CreateSkuRequest, InventoryCalls, ListSkusRequest, UpdateSkuFields } from '@circulate/contracts';
import { forward, forwardController } from '../forward';

export const SkusController = forwardController('skus', [
  forward('create', 'POST', InventoryCalls.createSku, { roles: ['admin'], body: CreateSkuRequest }),
  forward('list', 'GET', InventoryCalls.listSkus, { roles: ['admin', 'staff'], query: ListSkusRequest }),
  forward('get', 'GET :id', InventoryCalls.getSku, { roles: ['admin', 'staff'] }),
  forward('update', 'PATCH :id', InventoryCalls.updateSku, { roles: ['admin'], body: UpdateSkuFields }),
  forward('delete', 'DELETE :id', InventoryCalls.deleteSku, { roles: ['admin'] }),
]);
