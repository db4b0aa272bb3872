import { Page } from '../common/pagination';
import { defineRpc } from '../rpc';
import { CreateLocationRequest, GetLocationRequest, ListLocationsRequest, Location } from './locations';
import { CreateSkuRequest, ListSkusRequest, Sku, SkuIdRequest, UpdateSkuRequest } from './skus';
import {
  AdjustmentRequest,
  BatchRegisterRequest,
  CreateStockItemRequest,
  HandOutCommand,
  Ledger,
  LedgerEntry,
  LedgerEntryRequest,
  ListStockItemsRequest,
  LookupStockItemRequest,
  MarkSoldCommand,
  RecordOrderIncomeCommand,
  ReturnCommand,
  StockItem,
  StockItemBatch,
  StockItemIdRequest,
  Timeline,
  UpdateStockItemRequest,
} from './stock-items';
import { InventoryRpc } from './subjects';

/** The inventory service's subjects with their request and reply types (`RpcClient.call`, `@Handles`). */
export const InventoryCalls = {
  createLocation: defineRpc<CreateLocationRequest, Location>(InventoryRpc.createLocation),
  listLocations: defineRpc<ListLocationsRequest, Page<Location>>(InventoryRpc.listLocations),
  getLocation: defineRpc<GetLocationRequest, Location>(InventoryRpc.getLocation),

  createSku: defineRpc<CreateSkuRequest, Sku>(InventoryRpc.createSku),
  listSkus: defineRpc<ListSkusRequest, Page<Sku>>(InventoryRpc.listSkus),
  getSku: defineRpc<SkuIdRequest, Sku>(InventoryRpc.getSku),
  updateSku: defineRpc<UpdateSkuRequest, Sku>(InventoryRpc.updateSku),
  deleteSku: defineRpc<SkuIdRequest, { deleted: true }>(InventoryRpc.deleteSku),

  createStockItem: defineRpc<CreateStockItemRequest, StockItem>(InventoryRpc.createStockItem),
  batchRegisterStockItems: defineRpc<BatchRegisterRequest, StockItemBatch>(InventoryRpc.batchRegisterStockItems),
  listStockItems: defineRpc<ListStockItemsRequest, Page<StockItem>>(InventoryRpc.listStockItems),
  getStockItem: defineRpc<StockItemIdRequest, StockItem>(InventoryRpc.getStockItem),
  lookupStockItem: defineRpc<LookupStockItemRequest, StockItem>(InventoryRpc.lookupStockItem),
  updateStockItem: defineRpc<UpdateStockItemRequest, StockItem>(InventoryRpc.updateStockItem),
  adjustStockItem: defineRpc<AdjustmentRequest, StockItem>(InventoryRpc.adjustStockItem),
  addLedgerEntry: defineRpc<LedgerEntryRequest, LedgerEntry>(InventoryRpc.addLedgerEntry),
  getLedger: defineRpc<StockItemIdRequest, Ledger>(InventoryRpc.getLedger),
  getTimeline: defineRpc<StockItemIdRequest, Timeline>(InventoryRpc.getTimeline),

  handOut: defineRpc<HandOutCommand, StockItem>(InventoryRpc.handOut),
  returnUnits: defineRpc<ReturnCommand, StockItem>(InventoryRpc.returnUnits),
  recordOrderIncome: defineRpc<RecordOrderIncomeCommand, StockItem>(InventoryRpc.recordOrderIncome),
  markSold: defineRpc<MarkSoldCommand, StockItem>(InventoryRpc.markSold),
} as const;
