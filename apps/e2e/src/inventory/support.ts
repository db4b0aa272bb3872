import { ErrorPayload, InventoryRpc, rpcSubject } from '@circulate/contracts';
import type { TestStack } from '@circulate/platform/stack';
import { connect, JSONCodec, NatsConnection } from 'nats';

const codec = JSONCodec<unknown>();

/** Small helpers over the gateway for the inventory tests. */
export class Inventory {
  private nc?: NatsConnection;
  private seq = 0;

  constructor(private readonly stack: TestStack) {}

  async location(name = `Shop ${++this.seq}`): Promise<string> {
    const res = await this.stack.http('POST', '/locations', { body: { name } });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async sku(body: Record<string, unknown>): Promise<any> {
    const res = await this.stack.http('POST', '/skus', { body });
    expect(res.status).toBe(201);
    return res.body;
  }

  async item(body: Record<string, unknown>): Promise<any> {
    const res = await this.stack.http('POST', '/stock-items', { body });
    if (res.status !== 201) throw new Error(`item not created: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** Sends one of the orders service's commands over NATS, as the orders service would. */
  async command<T = any>(
    name: keyof typeof InventoryRpc,
    data: Record<string, unknown>,
    tenantId = 'acme',
  ): Promise<{ ok: true; value: T } | { ok: false; error: ErrorPayload }> {
    process.env['CIRCULATE_NS'] = this.stack.namespace;
    this.nc ??= await connect({ servers: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222' });
    const subject = rpcSubject(InventoryRpc[name]);
    const reply = await this.nc.request(
      subject,
      codec.encode({ pattern: subject, data: { ctx: { tenantId, role: 'admin' }, data }, id: `t${++this.seq}` }),
      {
        timeout: 5000,
      },
    );
    const answer = codec.decode(reply.data) as { err?: ErrorPayload; response?: T };
    return answer.err ? { ok: false, error: answer.err } : { ok: true, value: answer.response as T };
  }

  /** Every event the inventory service published so far, oldest first. */
  async events(): Promise<
    { type: string; aggregateId: string; aggregateVersion: number; tenantId: string; data: any }[]
  > {
    this.nc ??= await connect({ servers: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222' });
    const jsm = await this.nc.jetstreamManager();
    const stream = `${this.stack.namespace}_inventory_events`;
    const info = await jsm.streams.info(stream);
    const out = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const msg = await jsm.streams.getMessage(stream, { seq });
      out.push(codec.decode(msg.data) as any);
    }
    return out;
  }

  /**
   * The events once `accept` holds for them, polling for at most `timeoutMs` (the last read if it never
   * does): a SKU edit answers after at most SKU_FANOUT_WAIT_MS, its items' snapshots may follow.
   */
  async eventsUntil(accept: (events: Awaited<ReturnType<Inventory['events']>>) => boolean, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    let events = await this.events();
    while (!accept(events) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      events = await this.events();
    }
    return events;
  }

  async close(): Promise<void> {
    await this.nc?.close();
  }
}
