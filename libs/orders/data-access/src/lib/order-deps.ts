import { Injectable } from '@nestjs/common';
import {
  AvailabilityCalls,
  CatalogCalls,
  DomainError,
  ErrorCode,
  InventoryCalls,
  Listing,
  ListingAvailability,
  Location,
  OrderReservationView,
  RequestContext,
  ReservationCommand,
  RpcDef,
  HandOutCommand,
  ReturnCommand,
  RecordOrderIncomeCommand,
  MarkSoldCommand,
  StockItem,
} from '@circulate/contracts';
import { RpcClient } from '@circulate/platform/messaging';

/** Inventory's four order commands and their payloads. */
export interface InventoryCommandData {
  handOut: HandOutCommand;
  returnUnits: ReturnCommand;
  recordOrderIncome: RecordOrderIncomeCommand;
  markSold: MarkSoldCommand;
}
export type InventoryOrderCommand = keyof InventoryCommandData;

/**
 * What the orders service needs of the other services: the seam its unit tests replace with a
 * fake. Every method is one NATS request; refusals come back as DomainErrors with their code.
 */
export abstract class OrderDeps {
  abstract listing(ctx: RequestContext, id: string): Promise<Listing | null>;
  abstract location(ctx: RequestContext, id: string): Promise<Location | null>;
  abstract reservation(ctx: RequestContext, command: ReservationCommand): Promise<OrderReservationView | null>;
  abstract reservationOf(ctx: RequestContext, orderId: string): Promise<OrderReservationView | null>;
  abstract availability(
    ctx: RequestContext,
    listingId: string,
    query: Record<string, string>,
  ): Promise<ListingAvailability>;
  abstract lookup(ctx: RequestContext, code: string): Promise<StockItem | null>;
  abstract inventory<K extends InventoryOrderCommand>(
    ctx: RequestContext,
    command: K,
    data: InventoryCommandData[K],
  ): Promise<StockItem>;
}

async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof DomainError && err.code === ErrorCode.NOT_FOUND) return null;
    throw err;
  }
}

@Injectable()
export class RpcOrderDeps extends OrderDeps {
  constructor(private readonly rpc: RpcClient) {
    super();
  }

  listing(ctx: RequestContext, id: string): Promise<Listing | null> {
    return orNull(this.rpc.call(CatalogCalls.getListing, ctx, { id }));
  }

  location(ctx: RequestContext, id: string): Promise<Location | null> {
    return orNull(this.rpc.call(InventoryCalls.getLocation, ctx, { id }));
  }

  reservation(ctx: RequestContext, command: ReservationCommand): Promise<OrderReservationView | null> {
    return this.rpc.call(AvailabilityCalls.reservationCommand, ctx, { command });
  }

  reservationOf(ctx: RequestContext, orderId: string): Promise<OrderReservationView | null> {
    return orNull(this.rpc.call(AvailabilityCalls.reservationOf, ctx, { orderId }));
  }

  availability(ctx: RequestContext, listingId: string, query: Record<string, string>): Promise<ListingAvailability> {
    return this.rpc.call(AvailabilityCalls.checkAvailability, ctx, { id: listingId, query });
  }

  lookup(ctx: RequestContext, code: string): Promise<StockItem | null> {
    return orNull(this.rpc.call(InventoryCalls.lookupStockItem, ctx, { code }));
  }

  inventory<K extends InventoryOrderCommand>(
    ctx: RequestContext,
    command: K,
    data: InventoryCommandData[K],
  ): Promise<StockItem> {
    return this.rpc.call(InventoryCalls[command] as unknown as RpcDef<InventoryCommandData[K], StockItem>, ctx, data);
  }
}
