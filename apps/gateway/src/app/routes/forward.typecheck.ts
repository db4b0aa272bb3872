/*
 * Compile-time checks of `forward` (run by `npm run typecheck`; nothing here runs): each
 * `@ts-expect-error` is a route whose input cannot make the definition's request.
 */
import { CreateLocationRequest, CreateSkuRequest, InventoryCalls, UpdateSkuFields } from '@circulate/contracts';
import { forward } from './forward';

export const fits = forward('update', 'PATCH :id', InventoryCalls.updateSku, {
  roles: ['admin'],
  body: UpdateSkuFields,
});

export const mismatches = [
  // @ts-expect-error a location body does not make a SKU
  forward('create', 'POST', InventoryCalls.createSku, { roles: ['admin'], body: CreateLocationRequest }),
  // @ts-expect-error no such verb
  forward('create', 'PUT', InventoryCalls.createSku, { roles: ['admin'], body: CreateSkuRequest }),
  // @ts-expect-error no such role
  forward('get', 'GET :id', InventoryCalls.getSku, { roles: ['owner'] }),
];
