import { InventoryCalls } from '@circulate/contracts';
import {
  OrderCommands,
  StockItemChanges,
  StockItemQueries,
  StockItemRegistration,
} from '@circulate/inventory/application';
import { rpcController, rpcHandlers } from '@circulate/platform/messaging';

export const StockItemsController = rpcController(
  [StockItemRegistration, StockItemQueries, StockItemChanges, OrderCommands],
  (registration, queries, changes, orders) =>
    rpcHandlers(InventoryCalls, {
      createStockItem: (ctx, d) => registration.create(ctx, d),
      batchRegisterStockItems: (ctx, d) => registration.batch(ctx, d),
      listStockItems: (ctx, d) => queries.list(ctx, d),
      getStockItem: (ctx, d) => queries.get(ctx, d.id),
      lookupStockItem: (ctx, d) => queries.lookup(ctx, d.code),
      updateStockItem: (ctx, d) => changes.update(ctx, d),
      adjustStockItem: (ctx, d) => changes.adjust(ctx, d),
      addLedgerEntry: (ctx, d) => changes.addLedgerEntry(ctx, d),
      getLedger: (ctx, d) => queries.ledger(ctx, d.id),
      getTimeline: (ctx, d) => queries.timeline(ctx, d.id),
      handOut: (ctx, d) => orders.handOut(ctx, d),
      returnUnits: (ctx, d) => orders.returnUnits(ctx, d),
      recordOrderIncome: (ctx, d) => orders.recordOrderIncome(ctx, d),
      markSold: (ctx, d) => orders.markSold(ctx, d),
    }),
);
