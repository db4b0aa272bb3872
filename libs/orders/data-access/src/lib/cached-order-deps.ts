import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CatalogEvents, EventEnvelope, eventSubject, Listing, Location, RequestContext } from '@circulate/contracts';
import { NatsConnectionService, ReadCache, ReadCacheBus, RpcClient } from '@circulate/platform/messaging';
import { JSONCodec, Subscription } from 'nats';
import { RpcOrderDeps } from './order-deps';

const codec = JSONCodec<EventEnvelope>();

/**
 * The order path's references, from memory: listings and locations are read once per replica
 * and kept, instead of two requests per order.
 *  - Locations never change once created: an entry stays until READ_CACHE_TTL_MS or eviction.
 *  - A listing entry is dropped when catalog's `created`/`updated`/`archived` fact about it
 *    arrives (a core-NATS subscription to those subjects, which JetStream's publishes reach
 *    too; catalog publishes before it answers, so the next order sees the change), and in any
 *    case after READ_CACHE_TTL_MS. The cache is cleared whenever the connection to NATS drops
 *    (facts may have been missed meanwhile); absent listings are never cached.
 */
@Injectable()
export class CachedOrderDeps extends RpcOrderDeps implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly listings: ReadCache<Listing>;
  private readonly locations: ReadCache<Location>;
  private readonly subscriptions: Subscription[] = [];

  constructor(
    rpc: RpcClient,
    caches: ReadCacheBus,
    private readonly nats: NatsConnectionService,
  ) {
    super(rpc);
    // The order path only reads them: hits answer the one frozen copy.
    this.listings = caches.cache<Listing>('order-listings', { shared: true });
    this.locations = caches.cache<Location>('order-locations', { shared: true });
  }

  onApplicationBootstrap(): void {
    for (const name of Object.values(CatalogEvents))
      this.subscriptions.push(
        this.nats.nc.subscribe(eventSubject(name), {
          callback: (err, msg) => {
            if (err) return this.listings.clear();
            try {
              const e = codec.decode(msg.data);
              this.listings.drop([`${e.tenantId}:${e.aggregateId}`]);
            } catch {
              this.listings.clear();
            }
          },
        }),
      );
  }

  onApplicationShutdown(): void {
    for (const s of this.subscriptions) s.unsubscribe();
  }

  override listing(ctx: RequestContext, id: string): Promise<Listing | null> {
    return this.listings.get(`${ctx.tenantId}:${id}`, () => super.listing(ctx, id));
  }

  override location(ctx: RequestContext, id: string): Promise<Location | null> {
    return this.locations.get(`${ctx.tenantId}:${id}`, () => super.location(ctx, id));
  }
}
