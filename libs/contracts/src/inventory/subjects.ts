/** Request-reply names the inventory service answers. */
export const InventoryRpc = {
  createLocation: 'inventory.location.create.v1',
  listLocations: 'inventory.location.list.v1',
  getLocation: 'inventory.location.get.v1',

  createSku: 'inventory.sku.create.v1',
  listSkus: 'inventory.sku.list.v1',
  getSku: 'inventory.sku.get.v1',
  updateSku: 'inventory.sku.update.v1',
  deleteSku: 'inventory.sku.delete.v1',

  createStockItem: 'inventory.stock-item.create.v1',
  batchRegisterStockItems: 'inventory.stock-item.batch-register.v1',
  listStockItems: 'inventory.stock-item.list.v1',
  getStockItem: 'inventory.stock-item.get.v1',
  lookupStockItem: 'inventory.stock-item.lookup.v1',
  updateStockItem: 'inventory.stock-item.update.v1',
  adjustStockItem: 'inventory.stock-item.adjust.v1',
  addLedgerEntry: 'inventory.stock-item.ledger.add.v1',
  getLedger: 'inventory.stock-item.ledger.get.v1',
  getTimeline: 'inventory.stock-item.timeline.get.v1',

  /** Commands for the orders service (idempotent per order, item and operation key). */
  handOut: 'inventory.stock-item.hand-out.v1',
  returnUnits: 'inventory.stock-item.return.v1',
  recordOrderIncome: 'inventory.stock-item.record-order-income.v1',
  markSold: 'inventory.stock-item.mark-sold.v1',
} as const;

/** Facts the inventory service publishes on its JetStream stream. */
export const InventoryEvents = {
  locationCreated: 'inventory.location.created.v1',

  skuCreated: 'inventory.sku.created.v1',
  skuUpdated: 'inventory.sku.updated.v1',
  skuDeleted: 'inventory.sku.deleted.v1',

  /** Payload `StockItemEvent`: the item's full snapshot after the change. */
  stockItemRegistered: 'inventory.stock-item.registered.v1',
  stockItemChanged: 'inventory.stock-item.changed.v1',
} as const;
