import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ReserveCommand, sagaStream, sagaSubject } from '@circulate/contracts';
import { ensureStream, NatsConnectionService } from '@circulate/platform/messaging';
import { JSONCodec } from 'nats';
import { randomBytes } from 'node:crypto';
import type { StoredOrder } from './stored-order';

/** What a `POST /orders` attempt is about to do: enough to finish it without the caller. */
export interface OrderIntent {
  /** The order as it will be stored (no allocations yet). */
  order: StoredOrder;
  reserve: ReserveCommand;
  requestId?: string;
}

/** An intent still in the journal: its attempt has not finished (or is finishing right now). */
export interface OpenIntent {
  seq: number;
  at: number;
  intent: OrderIntent;
}

const codec = JSONCodec<OrderIntent>();
const PAGE = 200;
/** How often a replica drops the intents it has finished (one purge for all of them). */
const PURGE_EVERY_MS = 500;

/**
 * The saga journal of order creation, on JetStream (file storage, so it survives the orders
 * process): an attempt publishes its intent before it reserves and is done once the order is
 * stored and its `created` fact published. Each replica publishes on a subject of its own and,
 * every PURGE_EVERY_MS, purges that subject below its oldest attempt still in flight: one
 * request for all the attempts finished meanwhile, none per order. What stays in the stream are
 * the attempts in flight, the last half second of finished ones, and whatever a crashed replica
 * left (its subject is never purged again): OrderRecovery resolves those one by one and deletes
 * them. No database write is involved.
 */
@Injectable()
export class OrderSagaJournal implements OnApplicationShutdown {
  private readonly stream = sagaStream('orders');
  private readonly subject = sagaSubject('orders', `create.${randomBytes(6).toString('hex')}`);
  /** Sequences of this replica's attempts in flight. */
  private readonly inFlight = new Set<number>();
  private lastSeq = 0;
  private purgedBelow = 0;
  private purging = false;
  private ready?: Promise<void>;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly nats: NatsConnectionService) {
    this.timer = setInterval(() => void this.purge(), PURGE_EVERY_MS);
    this.timer.unref();
  }

  private ensure(): Promise<void> {
    this.ready ??= ensureStream(this.nats.jsm, this.stream).catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  /** Records the intent (acknowledged by JetStream); answers its sequence, the handle to close it. */
  async begin(intent: OrderIntent): Promise<number> {
    await this.ensure();
    const ack = await this.nats.js.publish(this.subject, codec.encode(intent), { timeout: 5000 });
    this.inFlight.add(ack.seq);
    if (ack.seq > this.lastSeq) this.lastSeq = ack.seq;
    return ack.seq;
  }

  /** The attempt finished (stored and announced, or refused): the next purge drops its intent. */
  done(seq: number): void {
    this.inFlight.delete(seq);
  }

  /** Deletes one intent now (the recovery sweep, for intents no live attempt will close). Idempotent. */
  async finish(seq: number): Promise<void> {
    this.inFlight.delete(seq);
    try {
      await this.nats.jsm.streams.deleteMessage(this.stream.name, seq, false);
    } catch (err) {
      if (!/no message found|not found/i.test(String((err as Error)?.message ?? err))) throw err;
    }
  }

  /** Whether an intent is this replica's and its attempt is known to be over (only the purge is due). */
  private closedHere(subject: string, seq: number): boolean {
    return subject === this.subject && seq <= this.lastSeq && !this.inFlight.has(seq);
  }

  private async purge(): Promise<void> {
    if (this.purging || this.lastSeq === 0) return;
    let below = this.lastSeq + 1;
    for (const seq of this.inFlight) if (seq < below) below = seq;
    if (below <= this.purgedBelow) return;
    this.purging = true;
    try {
      await this.nats.jsm.streams.purge(this.stream.name, { filter: this.subject, seq: below });
      this.purgedBelow = below;
    } catch {
      // The next tick retries; until then the intents stay (the sweep would find the orders stored).
    } finally {
      this.purging = false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.purge();
  }

  /** The intents recorded before `before` whose attempts may not have finished, oldest first. */
  async *open(before: number): AsyncGenerator<OpenIntent> {
    await this.ensure();
    // An ordered consumer: ephemeral, in sequence order, skips what was purged or deleted.
    const consumer = await this.nats.js.consumers.get(this.stream.name);
    try {
      for (;;) {
        const batch = await consumer.fetch({ max_messages: PAGE, expires: 1000 });
        let seen = 0;
        for await (const m of batch) {
          seen++;
          const at = Math.floor(m.info.timestampNanos / 1e6);
          if (at >= before) return;
          if (!this.closedHere(m.subject, m.seq)) yield { seq: m.seq, at, intent: codec.decode(m.data) };
          if (m.info.pending === 0) return;
        }
        if (seen === 0) return;
      }
    } finally {
      await consumer.delete().catch(() => undefined);
    }
  }
}
