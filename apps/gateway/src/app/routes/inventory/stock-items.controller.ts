import {
  AdjustmentFields,
  BatchRegisterRequest,
  CreateStockItemRequest,
  InventoryCalls,
  LedgerEntryFields,
  ListStockItemsRequest,
  LookupStockItemRequest,
  UpdateStockItemFields,
} from '@circulate/contracts';
import { forward, forwardController } from '../forward';

const staff = ['admin', 'staff'] as const;

export const StockItemsController = forwardController('stock-items', [
  forward('create', 'POST', InventoryCalls.createStockItem, { roles: ['admin'], body: CreateStockItemRequest }),
  // A thousand items take longer than a single write.
  forward('batch', 'POST batch', InventoryCalls.batchRegisterStockItems, {
    roles: ['admin'],
    body: BatchRegisterRequest,
    timeoutMs: 30_000,
  }),
  forward('list', 'GET', InventoryCalls.listStockItems, { roles: staff, query: ListStockItemsRequest }),
  // Before `:id` so that "lookup" is never taken for an id.
  forward('lookup', 'GET lookup', InventoryCalls.lookupStockItem, { roles: staff, query: LookupStockItemRequest }),
  forward('get', 'GET :id', InventoryCalls.getStockItem, { roles: staff }),
  forward('update', 'PATCH :id', InventoryCalls.updateStockItem, { roles: ['admin'], body: UpdateStockItemFields }),
  forward('adjust', 'POST :id/adjustments', InventoryCalls.adjustStockItem, {
    roles: ['admin'],
    body: AdjustmentFields,
  }),
  forward('addLedgerEntry', 'POST :id/ledger', InventoryCalls.addLedgerEntry, {
    roles: staff,
    body: LedgerEntryFields,
  }),
  forward('ledger', 'GET :id/ledger', InventoryCalls.getLedger, { roles: staff }),
  forward('timeline', 'GET :id/timeline', InventoryCalls.getTimeline, { roles: staff }),
]);
