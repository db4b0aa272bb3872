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
  createLocation: defineRpc<CreateLocationRequest, Location>(InventoryRpc.createLocation, {
    request: CreateLocationRequest,
  }),
  listLocations: defineRpc<ListLocationsRequest, Page<Location>>(InventoryRpc.listLocations, {
    request: ListLocationsRequest,
  }),
  getLocation: defineRpc<GetLocationRequest, Location>(InventoryRpc.getLocation, { request: GetLocationRequest }),

  createSku: defineRpc<CreateSkuRequest, Sku>(InventoryRpc.createSku, { request: CreateSkuRequest }),
  listSkus: defineRpc<ListSkusRequest, Page<Sku>>(InventoryRpc.listSkus, { request: ListSkusRequest }),
  getSku: defineRpc<SkuIdRequest, Sku>(InventoryRpc.getSku, { request: SkuIdRequest }),
  updateSku: defineRpc<UpdateSkuRequest, Sku>(InventoryRpc.updateSku, { request: UpdateSkuRequest }),
  deleteSku: defineRpc<SkuIdRequest, { deleted: true }>(InventoryRpc.deleteSku, { request: SkuIdRequest }),

  createStockItem: defineRpc<CreateStockItemRequest, StockItem>(InventoryRpc.createStockItem, {
    request: CreateStockItemRequest,
  }),
  batchRegisterStockItems: defineRpc<BatchRegisterRequest, StockItemBatch>(InventoryRpc.batchRegisterStockItems, {
    request: BatchRegisterRequest,
  }),
  listStockItems: defineRpc<ListStockItemsRequest, Page<StockItem>>(InventoryRpc.listStockItems, {
    request: ListStockItemsRequest,
  }),
  getStockItem: defineRpc<StockItemIdRequest, StockItem>(InventoryRpc.getStockItem, { request: StockItemIdRequest }),
  lookupStockItem: defineRpc<LookupStockItemRequest, StockItem>(InventoryRpc.lookupStockItem, {
    request: LookupStockItemRequest,
  }),
  updateStockItem: defineRpc<UpdateStockItemRequest, StockItem>(InventoryRpc.updateStockItem, {
    request: UpdateStockItemRequest,
  }),
  adjustStockItem: defineRpc<AdjustmentRequest, StockItem>(InventoryRpc.adjustStockItem, {
    request: AdjustmentRequest,
  }),
  addLedgerEntry: defineRpc<LedgerEntryRequest, LedgerEntry>(InventoryRpc.addLedgerEntry, {
    request: LedgerEntryRequest,
  }),
  getLedger: defineRpc<StockItemIdRequest, Ledger>(InventoryRpc.getLedger, { request: StockItemIdRequest }),
  getTimeline: defineRpc<StockItemIdRequest, Timeline>(InventoryRpc.getTimeline, { request: StockItemIdRequest }),

  handOut: defineRpc<HandOutCommand, StockItem>(InventoryRpc.handOut, { request: HandOutCommand }),
  returnUnits: defineRpc<ReturnCommand, StockItem>(InventoryRpc.returnUnits, { request: ReturnCommand }),
  recordOrderIncome: defineRpc<RecordOrderIncomeCommand, StockItem>(InventoryRpc.recordOrderIncome, {
    request: RecordOrderIncomeCommand,
  }),
  markSold: defineRpc<MarkSoldCommand, StockItem>(InventoryRpc.markSold, { request: MarkSoldCommand }),
} as const;
