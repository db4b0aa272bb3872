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
  UpdateSkuRequest,
} from '@circulate/contracts';
import { ServiceEnv } from '@circulate/platform/nest';
import { KeyedMutex, OutboxRelay, outboxEvent } from '@circulate/platform/messaging';
import { StockItemRepository } from '../stock-items/stock-item.repository';
import { StockItemsService } from '../stock-items/stock-items.service';
import { SkuRepository } from './sku.repository';

/**
 * `SKU_FANOUT_WAIT_MS`: how long a SKU edit waits for its linked items' snapshots before
 * answering (well inside the gateway's RPC deadline). A SKU with few items finishes within it, so
 * the answer follows every snapshot; a SKU with hundreds answers once its own write is durable and
 * the fan-out carries on (the `inventory-sku-fanout` consumer repeats it if this process dies
 * first). Item reads compose the live SKU, so they show the change at once either way.
 */

/** The fields whose change alters linked items' effective data (and so their snapshots). */
const INHERITED: (keyof SkuSnapshot)[] = ['code', 'name', 'category', 'attributes', 'purchasePrice'];

@Injectable()
export class SkusService {
  constructor(
    private readonly skus: SkuRepository,
    private readonly items: StockItemRepository,
    private readonly stockItems: StockItemsService,
    private readonly outbox: OutboxRelay,
    private readonly locks: KeyedMutex,
    private readonly env: ServiceEnv,
  ) {}

  private readonly logger = new Logger(SkusService.name);

  async create(ctx: RequestContext, input: CreateSkuRequest): Promise<Sku> {
    const sku: SkuSnapshot = {
      id: newId(IdPrefix.sku),
      code: input.code,
      name: input.name,
      category: input.category ?? [],
      attributes: input.attributes ?? {},
      purchasePrice: input.purchasePrice
        ? { amount: input.purchasePrice.amount, currency: input.purchasePrice.currency }
        : null,
      description: input.description ?? null,
      createdAt: new Date().toISOString(),
      version: 1,
    };
    const model = this.skus.mongooseModel;
    return this.locks.run(OutboxRelay.lockKey(model, sku.id), async () => {
      await this.skus.insert(ctx.tenantId, sku, this.event(ctx, InventoryEvents.skuCreated, sku));
      await this.outbox.flush(model as never, sku.id);
      return { ...sku, stockItemCount: 0 };
    });
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
    const model = this.skus.mongooseModel;
    const updated = await this.locks.run(OutboxRelay.lockKey(model, input.id), async () => {
      const current = await this.skus.findById(ctx.tenantId, input.id);
      if (!current) throw DomainError.notFound('SKU', input.id);
      const next: SkuSnapshot = {
        ...current,
        ...(input.code !== undefined ? { code: input.code } : {}),
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.category !== undefined ? { category: input.category } : {}),
        ...(input.attributes !== undefined ? { attributes: input.attributes } : {}),
        ...(input.purchasePrice !== undefined
          ? {
              purchasePrice: input.purchasePrice
                ? { amount: input.purchasePrice.amount, currency: input.purchasePrice.currency }
                : null,
            }
          : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
      };
      const changed = (Object.keys(next) as (keyof SkuSnapshot)[]).filter(
        (k) => JSON.stringify(next[k]) !== JSON.stringify(current[k]),
      );
      if (changed.length === 0) return { sku: current, inheritedChanged: false };
      next.version = current.version + 1;
      await this.skus.replace(ctx.tenantId, next, this.event(ctx, InventoryEvents.skuUpdated, next));
      await this.outbox.flush(model as never, next.id);
      return { sku: next, inheritedChanged: changed.some((k) => INHERITED.includes(k)) };
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
    const model = this.skus.mongooseModel;
    await this.locks.run(OutboxRelay.lockKey(model, id), async () => {
      const current = await this.skus.findById(ctx.tenantId, id);
      if (!current) throw DomainError.notFound('SKU', id);
      const linked = (await this.items.linkedTo(ctx.tenantId, id)).map((r) => r._id);
      const gone = { ...current, version: current.version + 1 };
      await this.skus.tombstone(
        ctx.tenantId,
        id,
        gone.version,
        this.event(ctx, InventoryEvents.skuDeleted, gone, linked),
      );
      await this.stockItems.skuChanged(ctx, current, true);
      await this.outbox.flush(model as never, id);
      await this.skus.purgeIfPublished(ctx.tenantId, id);
    });
  }

  /** Re-publishes the linked items' snapshots, waiting for it at most `FANOUT_WAIT_MS`. */
  private async fanOut(ctx: RequestContext, sku: SkuSnapshot): Promise<void> {
    const work = this.stockItems.skuChanged(ctx, sku, false).then(
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

  private event(ctx: RequestContext, type: string, sku: SkuSnapshot, linkedStockItemIds?: string[]) {
    return outboxEvent<SkuEvent>(
      type,
      ctx.tenantId,
      sku.id,
      sku.version,
      { sku, ...(linkedStockItemIds ? { linkedStockItemIds } : {}) },
      ctx.requestId,
    );
  }
}
