import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ReserveCommand, sagaStream, sagaSubject } from '@circulate/contracts';
import { ensureStream, NatsConnectionService } from '@circulate/platform/messaging';
import { JSONCodec } from 'nats';
import { randomBytes } from 'node:crypto';
import { GroupWrite } from './group-write';
import type { StoredOrder } from './stored-order';

/** What a `POST /orders` attempt is about to do: enough to finish it without the caller. */
export interface OrderIntent {
  /** The order as it will be stored (no allocations yet). */
  order: StoredOrder;
  reserve: ReserveCommand;
  requestId?: string;
}

/**
 * A journal message still in the stream: the intents recorded together in it, of which at least
 * one attempt may not have finished. It is deleted (`finish`) once every one is resolved.
 */
export interface OpenIntents {
  seq: number;
  at: number;
  intents: OrderIntent[];
}

/** One message: the intents of the attempts that began while the previous publish was under way. */
const codec = JSONCodec<OrderIntent[] | OrderIntent>();
const PAGE = 200;
/** Most intents in one message (about 1.5 kB each, far below NATS's 1 MB payload limit). */
const MAX_BATCH = 64;
/** How often a replica drops the intents it has finished (one purge for all of them). */
const PURGE_EVERY_MS = 500;

/**
 * The saga journal of order creation, on JetStream (file storage, so it survives the orders
 * process): an attempt publishes its intent before it reserves and is done once the order is
 * stored and its `created` fact published. Intents are group-published: while one message is on
 * its way, the attempts that begin queue and go together in the next (one JetStream write for
 * several orders under load, one per order when idle); an attempt reserves only once the message
 * holding its intent is acknowledged. Each replica publishes on a subject of its own and,
 * every PURGE_EVERY_MS, purges that subject below its oldest attempt still in flight: one
 * request for all the attempts finished meanwhile, none per order. What stays in the stream are
 * the attempts in flight, the last half second of finished ones, and whatever a crashed replica
 * left (its subject is never purged again): OrderRecovery resolves each message's intents one by
 * one and then deletes the message. No database write is involved.
 */
@Injectable()
export class OrderSagaJournal implements OnApplicationShutdown {
  private readonly stream = sagaStream('orders');
  private readonly subject = sagaSubject('orders', `create.${randomBytes(6).toString('hex')}`);
  /** This replica's messages with attempts in flight: seq → how many. */
  private readonly inFlight = new Map<number, number>();
  /** Group publish of intents: each answers the sequence of the message that holds it. */
  private readonly publishes = new GroupWrite<OrderIntent, number>(MAX_BATCH, async (intents) => {
    const ack = await this.nats.js.publish(this.subject, codec.encode(intents), { timeout: 5000 });
    this.inFlight.set(ack.seq, (this.inFlight.get(ack.seq) ?? 0) + intents.length);
    if (ack.seq > this.lastSeq) this.lastSeq = ack.seq;
    return intents.map(() => ack.seq);
  });
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

  /**
   * Records the intent (acknowledged by JetStream); answers the sequence of the message holding
   * it, the handle to close it with.
   */
  async begin(intent: OrderIntent): Promise<number> {
    await this.ensure();
    return this.publishes.add(intent);
  }

  /** One attempt of message `seq` finished (stored and announced, or refused). */
  done(seq: number): void {
    const left = (this.inFlight.get(seq) ?? 0) - 1;
    if (left > 0) this.inFlight.set(seq, left);
    else this.inFlight.delete(seq);
  }

  /** Deletes one message now (the recovery sweep, once it resolved its intents). Idempotent. */
  async finish(seq: number): Promise<void> {
    this.inFlight.delete(seq);
    try {
      await this.nats.jsm.streams.deleteMessage(this.stream.name, seq, false);
    } catch (err) {
      if (!/no message found|not found/i.test(String((err as Error)?.message ?? err))) throw err;
    }
  }

  /** Whether a message is this replica's and all its attempts are known to be over (only the purge is due). */
  private closedHere(subject: string, seq: number): boolean {
    return subject === this.subject && seq <= this.lastSeq && !this.inFlight.has(seq);
  }

  private async purge(): Promise<void> {
    if (this.purging || this.lastSeq === 0) return;
    let below = this.lastSeq + 1;
    for (const seq of this.inFlight.keys()) if (seq < below) below = seq;
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

  /**
   * The messages recorded before `before` with attempts that may not have finished, oldest first
   * (a message of an earlier version holds one intent, not an array).
   */
  async *open(before: number): AsyncGenerator<OpenIntents> {
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
          if (!this.closedHere(m.subject, m.seq)) {
            const data = codec.decode(m.data);
            yield { seq: m.seq, at, intents: Array.isArray(data) ? data : [data] };
          }
          if (m.info.pending === 0) return;
        }
        if (seen === 0) return;
      }
    } finally {
      await consumer.delete().catch(() => undefined);
    }
  }
}
