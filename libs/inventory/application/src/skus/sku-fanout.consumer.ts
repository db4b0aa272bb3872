import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import {
  EventEnvelope,
  eventStream,
  eventSubject,
  InventoryEvents,
  RequestContext,
  SkuEvent,
} from '@circulate/contracts';
import { DurableConsumers } from '@circulate/platform/messaging';
import { ServiceEnv } from '@circulate/platform/nest';
import { SkuRepository } from '@circulate/inventory/data-access';
import { SkuFanOut } from './sku-fanout';

/**
 * The safety net of a SKU edit or deletion. The request writes the SKU (with its event, in one
 * document write) and then re-publishes every linked item's snapshot; a crash in between would
 * leave those snapshots stale. This durable consumer of inventory's own SKU events repeats the
 * second step for whatever is still behind: items below the SKU's version get their snapshot,
 * items still linked to a deleted SKU are unlinked, and the deleted SKU's tombstone is removed.
 * Items already done are skipped, so in the normal case it publishes nothing. It acts
 * `SKU_FANOUT_GRACE_MS` after the event (the request that wrote it normally has done the work).
 */
@Injectable()
export class SkuFanOutConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: DurableConsumers,
    private readonly skus: SkuRepository,
    private readonly items: SkuFanOut,
    private readonly env: ServiceEnv,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      durable: 'inventory-sku-fanout',
      stream: eventStream('inventory').name,
      filterSubject: eventSubject('inventory.sku.>'),
      handle: (event) => this.handle(event as EventEnvelope<SkuEvent>),
    });
  }

  async handle(event: EventEnvelope<SkuEvent>): Promise<void> {
    if (event.type !== InventoryEvents.skuUpdated && event.type !== InventoryEvents.skuDeleted) return;
    const wait = Date.parse(event.occurredAt) + this.env.SKU_FANOUT_GRACE_MS - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const ctx: RequestContext = { tenantId: event.tenantId, role: 'admin', requestId: event.requestId };
    if (event.type === InventoryEvents.skuUpdated) {
      // The SKU as it is now (a later edit has its own event; a deleted SKU has nothing to do).
      const current = await this.skus.findById(event.tenantId, event.aggregateId);
      if (current) await this.items.skuChanged(ctx, current, false);
      return;
    }
    await this.items.skuChanged(ctx, event.data.sku, true);
    await this.skus.purgeIfPublished(event.tenantId, event.aggregateId);
  }
}
