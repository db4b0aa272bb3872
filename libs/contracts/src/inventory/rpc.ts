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
  createLocation: defineRpc<CreateLocationRequest, Location>(InventoryRpc.createLocation, CreateLocationRequest),
  listLocations: defineRpc<ListLocationsRequest, Page<Location>>(InventoryRpc.listLocations, ListLocationsRequest),
  getLocation: defineRpc<GetLocationRequest, Location>(InventoryRpc.getLocation, GetLocationRequest),

  createSku: defineRpc<CreateSkuRequest, Sku>(InventoryRpc.createSku, CreateSkuRequest),
  listSkus: defineRpc<ListSkusRequest, Page<Sku>>(InventoryRpc.listSkus, ListSkusRequest),
  getSku: defineRpc<SkuIdRequest, Sku>(InventoryRpc.getSku, SkuIdRequest),
  updateSku: defineRpc<UpdateSkuRequest, Sku>(InventoryRpc.updateSku, UpdateSkuRequest),
  deleteSku: defineRpc<SkuIdRequest, { deleted: true }>(InventoryRpc.deleteSku, SkuIdRequest),

  createStockItem: defineRpc<CreateStockItemRequest, StockItem>(InventoryRpc.createStockItem, CreateStockItemRequest),
  batchRegisterStockItems: defineRpc<BatchRegisterRequest, StockItemBatch>(
    InventoryRpc.batchRegisterStockItems,
    BatchRegisterRequest,
  ),
  listStockItems: defineRpc<ListStockItemsRequest, Page<StockItem>>(InventoryRpc.listStockItems, ListStockItemsRequest),
  getStockItem: defineRpc<StockItemIdRequest, StockItem>(InventoryRpc.getStockItem, StockItemIdRequest),
  lookupStockItem: defineRpc<LookupStockItemRequest, StockItem>(InventoryRpc.lookupStockItem, LookupStockItemRequest),
  updateStockItem: defineRpc<UpdateStockItemRequest, StockItem>(InventoryRpc.updateStockItem, UpdateStockItemRequest),
  adjustStockItem: defineRpc<AdjustmentRequest, StockItem>(InventoryRpc.adjustStockItem, AdjustmentRequest),
  addLedgerEntry: defineRpc<LedgerEntryRequest, LedgerEntry>(InventoryRpc.addLedgerEntry, LedgerEntryRequest),
  getLedger: defineRpc<StockItemIdRequest, Ledger>(InventoryRpc.getLedger, StockItemIdRequest),
  getTimeline: defineRpc<StockItemIdRequest, Timeline>(InventoryRpc.getTimeline, StockItemIdRequest),

  handOut: defineRpc<HandOutCommand, StockItem>(InventoryRpc.handOut, HandOutCommand),
  returnUnits: defineRpc<ReturnCommand, StockItem>(InventoryRpc.returnUnits, ReturnCommand),
  recordOrderIncome: defineRpc<RecordOrderIncomeCommand, StockItem>(
    InventoryRpc.recordOrderIncome,
    RecordOrderIncomeCommand,
  ),
  markSold: defineRpc<MarkSoldCommand, StockItem>(InventoryRpc.markSold, MarkSoldCommand),
} as const;
