import { Injectable, Logger } from '@nestjs/common';
import {
  CreateSkuRequest,
  DomainError,
  IdPrefix,
  InventoryEvents,
  ListSkusRequest,
  newId,
  Page,
  RequestContext,
  Sku,
  SkuEvent,
  SkuSnapshot,
  unwrap,
  UpdateSkuRequest,
} from '@circulate/contracts';
import { SkuRepository, StockItemRepository } from '@circulate/inventory/data-access';
import { decideSkuCreation, decideSkuDeletion, decideSkuUpdate } from '@circulate/inventory/domain';
import { AggregateWriter, outboxEvent } from '@circulate/platform/messaging';
import { ServiceEnv } from '@circulate/platform/nest';
import { SkuFanOut } from './sku-fanout';

function skuEvent(ctx: RequestContext, type: string, sku: SkuSnapshot, linkedStockItemIds?: string[]) {
  return outboxEvent<SkuEvent>(
    type,
    ctx.tenantId,
    sku.id,
    sku.version,
    { sku, ...(linkedStockItemIds ? { linkedStockItemIds } : {}) },
    ctx.requestId,
  );
}

/**
 * Use cases of SKUs. `SKU_FANOUT_WAIT_MS`: how long a SKU edit waits for its linked items'
 * snapshots before answering (well inside the gateway's RPC deadline). A SKU with few items
 * finishes within it, so the answer follows every snapshot; a SKU with hundreds answers once its
 * own write is durable and the fan-out carries on (the `inventory-sku-fanout` consumer repeats it
 * if this process dies first). Item reads compose the live SKU, so they show the change at once.
 */
@Injectable()
export class SkusService {
  private readonly logger = new Logger(SkusService.name);

  constructor(
    private readonly skus: SkuRepository,
    private readonly items: StockItemRepository,
    private readonly fanOuts: SkuFanOut,
    private readonly writer: AggregateWriter,
    private readonly env: ServiceEnv,
  ) {}

  async create(ctx: RequestContext, input: CreateSkuRequest): Promise<Sku> {
    const sku = unwrap(decideSkuCreation(input, newId(IdPrefix.sku), new Date().toISOString()));
    await this.writer.create(this.skus, sku.id, () =>
      this.skus.insert(ctx.tenantId, sku, skuEvent(ctx, InventoryEvents.skuCreated, sku)),
    );
    return { ...sku, stockItemCount: 0 };
  }

  async get(ctx: RequestContext, id: string): Promise<Sku> {
    const sku = await this.skus.findById(ctx.tenantId, id);
    if (!sku) throw DomainError.notFound('SKU', id);
    const counts = await this.items.countBySku(ctx.tenantId, [id]);
    return { ...sku, stockItemCount: counts.get(id) ?? 0 };
  }

  async list(ctx: RequestContext, query: ListSkusRequest): Promise<Page<Sku>> {
    const page = await this.skus.list(ctx.tenantId, query);
    const counts = await this.items.countBySku(
      ctx.tenantId,
      page.items.map((s) => s.id),
    );
    return {
      items: page.items.map((s) => ({ ...s, stockItemCount: counts.get(s.id) ?? 0 })),
      nextCursor: page.nextCursor,
    };
  }

  /** Edits a SKU; when an inherited field changed, every linked item publishes its new snapshot. */
  async update(ctx: RequestContext, input: UpdateSkuRequest): Promise<Sku> {
    const updated = await this.writer.change(this.skus, ctx.tenantId, input.id, {
      what: 'SKU',
      decide: (current) => decideSkuUpdate(current.sku, input),
      unchanged: (current) => ({ sku: current.sku, inheritedChanged: false }),
      write: async (_current, next) => {
        await this.skus.replace(ctx.tenantId, next.sku, skuEvent(ctx, InventoryEvents.skuUpdated, next.sku));
        return next;
      },
    });
    if (updated.inheritedChanged) await this.fanOut(ctx, updated.sku);
    const counts = await this.items.countBySku(ctx.tenantId, [input.id]);
    return { ...updated.sku, stockItemCount: counts.get(input.id) ?? 0 };
  }

  /**
   * Deletes a SKU: a tombstone (which frees the code) is written with the `deleted` event, the
   * linked items are unlinked (`skuId: null`, each publishing its snapshot) and keep their own
   * codes, ledger and timeline; then the tombstone is removed.
   */
  async delete(ctx: RequestContext, id: string): Promise<void> {
    await this.writer.change(this.skus, ctx.tenantId, id, {
      what: 'SKU',
      decide: (current) => decideSkuDeletion(current.sku),
      unchanged: () => undefined,
      write: async (current, gone) => {
        const linked = (await this.items.linkedTo(ctx.tenantId, id)).map((r) => r._id);
        await this.skus.tombstone(
          ctx.tenantId,
          id,
          gone.version,
          skuEvent(ctx, InventoryEvents.skuDeleted, gone, linked),
        );
        await this.fanOuts.skuChanged(ctx, current.sku, true);
      },
      afterPublish: () => this.skus.purgeIfPublished(ctx.tenantId, id),
    });
  }

  /** Re-publishes the linked items' snapshots, waiting for it at most `SKU_FANOUT_WAIT_MS`. */
  private async fanOut(ctx: RequestContext, sku: SkuSnapshot): Promise<void> {
    const work = this.fanOuts.skuChanged(ctx, sku, false).then(
      () => true,
      (err: unknown) => {
        // The SKU write is durable; its durable consumer repeats the fan-out.
        this.logger.warn(`fan-out of ${sku.id} v${sku.version} failed, left to the recovery consumer: ${String(err)}`);
        return true;
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<false>(
      (resolve) => (timer = setTimeout(() => resolve(false), this.env.SKU_FANOUT_WAIT_MS)),
    );
    const done = await Promise.race([work, budget]);
    clearTimeout(timer);
    if (!done) this.logger.log(`fan-out of ${sku.id} v${sku.version} continues after the answer`);
  }
}
