import { eventSubject, InventoryEvents, ReportingInputEvents, ReportingRpc, rpcSubject } from '@circulate/contracts';
import type { TestStack } from '@circulate/platform/stack';
import { connect, headers, JSONCodec, NatsConnection } from 'nats';

const codec = JSONCodec<unknown>();
export const EUR = (amount: number) => ({ amount, currency: 'EUR' });
const day = (d: string) => new Date(`${d}T00:00:00.000Z`).toISOString();

/**
 * Publishes facts onto the streams as their producers would (backdated history: the worked
 * example spans a month), and talks to the reporting service's operator subjects.
 */
export class Facts {
  private nc?: NatsConnection;
  private seq = 0;
  private readonly versions = new Map<string, number>();
  private readonly items = new Map<string, any>();

  constructor(
    private readonly stack: TestStack,
    private readonly tenantId = 'acme',
  ) {}

  private async conn(): Promise<NatsConnection> {
    process.env['CIRCULATE_NS'] = this.stack.namespace;
    this.nc ??= await connect({ servers: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222' });
    return this.nc;
  }

  async publish(
    type: string,
    aggregateId: string,
    aggregateVersion: number,
    occurredAt: string,
    data: unknown,
    msgId?: string,
  ): Promise<void> {
    const nc = await this.conn();
    const id = `evt_test_${Date.now().toString(36)}_${++this.seq}`;
    const envelope = { id, type, tenantId: this.tenantId, aggregateId, aggregateVersion, occurredAt, data };
    const h = headers();
    await nc.jetstream().publish(eventSubject(type), codec.encode(envelope), { msgID: msgId ?? id, headers: h });
  }

  async publishRaw(envelope: { type: string }, msgId: string): Promise<void> {
    const nc = await this.conn();
    await nc.jetstream().publish(eventSubject(envelope.type), codec.encode(envelope), { msgID: msgId });
  }

  async sku(id: string, code: string, purchasePrice: number, at: string): Promise<void> {
    const sku = {
      id,
      code,
      name: code,
      category: [],
      attributes: {},
      purchasePrice: EUR(purchasePrice),
      description: null,
      createdAt: day(at),
      version: 1,
    };
    await this.publish(InventoryEvents.skuCreated, id, 1, day(at), { sku });
  }

  /** A stock-item snapshot fact; `patch` changes the item, `extra` carries changes/ledgerEntry. */
  async item(
    id: string,
    at: string,
    patch: Record<string, unknown>,
    extra: { changes?: unknown[]; ledgerEntry?: unknown } = {},
  ): Promise<void> {
    const version = (this.versions.get(id) ?? 0) + 1;
    this.versions.set(id, version);
    const prev = this.items.get(id);
    const item = {
      ...(prev ?? {
        id,
        codes: [],
        condition: null,
        overrides: {},
        createdAt: day(at),
        status: 'in_use',
        state: { in: 1, out: 0 },
      }),
      ...patch,
      version,
    };
    this.items.set(id, item);
    await this.publish(
      version === 1 ? InventoryEvents.stockItemRegistered : InventoryEvents.stockItemChanged,
      id,
      version,
      day(at),
      {
        item,
        changes: extra.changes ?? [],
        ledgerEntry: extra.ledgerEntry,
      },
    );
  }

  async ledger(id: string, at: string, type: 'income' | 'cost', amount: number): Promise<void> {
    await this.item(
      id,
      at,
      {},
      {
        ledgerEntry: {
          id: `led_${id}_${at}_${type}`,
          type,
          amount: EUR(amount),
          reason: 'test',
          note: null,
          orderId: null,
          at: day(at),
        },
      },
    );
  }

  async refused(orderId: string, at: string, lines: unknown[]): Promise<void> {
    await this.publish(ReportingInputEvents.orderRefused, orderId, 1, day(at), { orderId, at: day(at), lines });
  }

  async reservation(
    kind: string,
    orderId: string,
    at: string,
    allocations: unknown[],
    removed: string[] = [],
  ): Promise<void> {
    await this.publish(`${ReportingInputEvents.reservationPrefix}.${kind}`, orderId, 1, day(at), {
      type: `reservation.${kind}`,
      orderId,
      allocations,
      removed,
      at: Date.parse(day(at)),
    });
  }

  async rpc<T>(name: string, timeout = 120_000): Promise<T> {
    const nc = await this.conn();
    const subject = rpcSubject(name);
    const reply = await nc.request(
      subject,
      codec.encode({
        pattern: subject,
        data: { ctx: { tenantId: this.tenantId, role: 'admin' }, data: {} },
        id: `r${++this.seq}`,
      }),
      { timeout },
    );
    const answer = codec.decode(reply.data) as { err?: unknown; response?: T };
    if (answer.err) throw new Error(JSON.stringify(answer.err));
    return answer.response as T;
  }

  /** Waits until reporting has applied everything on its streams. */
  async settled(timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.rpc<{ pending: Record<string, number> }>(ReportingRpc.status, 5000);
      if (Object.values(s.pending).every((n) => n === 0)) return;
      if (Date.now() > until) throw new Error(`reporting not settled: ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async close(): Promise<void> {
    await this.nc?.drain();
  }
}
