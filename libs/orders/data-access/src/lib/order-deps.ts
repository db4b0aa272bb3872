import { Injectable } from '@nestjs/common';
import {
  AvailabilityRpc,
  CatalogRpc,
  DomainError,
  ErrorCode,
  InventoryRpc,
  Listing,
  ListingAvailability,
  Location,
  OrderReservationView,
  RequestContext,
  ReservationCommand,
  StockItem,
} from '@circulate/contracts';
import { RpcClient } from '@circulate/platform/messaging';

export type InventoryOrderCommand = 'handOut' | 'returnUnits' | 'recordOrderIncome' | 'markSold';

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
  abstract inventory(
    ctx: RequestContext,
    command: InventoryOrderCommand,
    data: Record<string, unknown>,
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
    return orNull(this.rpc.request<Listing>(CatalogRpc.getListing, ctx, { id }));
  }

  location(ctx: RequestContext, id: string): Promise<Location | null> {
    return orNull(this.rpc.request<Location>(InventoryRpc.getLocation, ctx, { id }));
  }

  reservation(ctx: RequestContext, command: ReservationCommand): Promise<OrderReservationView | null> {
    return this.rpc.request(AvailabilityRpc.reservationCommand, ctx, { command });
  }

  reservationOf(ctx: RequestContext, orderId: string): Promise<OrderReservationView | null> {
    return orNull(this.rpc.request<OrderReservationView | null>(AvailabilityRpc.reservationOf, ctx, { orderId }));
  }

  availability(ctx: RequestContext, listingId: string, query: Record<string, string>): Promise<ListingAvailability> {
    return this.rpc.request(AvailabilityRpc.checkAvailability, ctx, { id: listingId, query });
  }

  lookup(ctx: RequestContext, code: string): Promise<StockItem | null> {
    return orNull(this.rpc.request<StockItem>(InventoryRpc.lookupStockItem, ctx, { code }));
  }

  inventory(ctx: RequestContext, command: InventoryOrderCommand, data: Record<string, unknown>): Promise<StockItem> {
    return this.rpc.request(InventoryRpc[command], ctx, data);
  }
}
