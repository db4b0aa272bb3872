import { Injectable } from '@nestjs/common';
import { ReserveCommand, sagaStream, sagaSubject } from '@circulate/contracts';
import { ensureStream, NatsConnectionService } from '@circulate/platform/messaging';
import { JSONCodec } from 'nats';
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

/**
 * The saga journal of order creation, on JetStream (file storage, so it survives the orders
 * process): an attempt publishes its intent before it reserves and deletes it once the order is
 * stored and its `created` event published. What stays in the stream are the attempts in flight
 * and those a crash interrupted, which OrderRecovery finishes or drops. The stream therefore
 * stays as small as the number of orders in flight; it costs no database write.
 */
@Injectable()
export class OrderSagaJournal {
  private readonly stream = sagaStream('orders');
  private ready?: Promise<void>;

  constructor(private readonly nats: NatsConnectionService) {}

  private ensure(): Promise<void> {
    this.ready ??= ensureStream(this.nats.jsm, this.stream).catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  /** Records the intent (acknowledged by JetStream); answers its sequence, the handle to finish it. */
  async begin(intent: OrderIntent): Promise<number> {
    await this.ensure();
    const ack = await this.nats.js.publish(sagaSubject('orders', 'create'), codec.encode(intent), { timeout: 5000 });
    return ack.seq;
  }

  /** The attempt is done (or nothing is left to do): its intent goes. Idempotent. */
  async finish(seq: number): Promise<void> {
    try {
      await this.nats.jsm.streams.deleteMessage(this.stream.name, seq, false);
    } catch (err) {
      if (!/no message found|not found/i.test(String((err as Error)?.message ?? err))) throw err;
    }
  }

  /** The intents recorded before `before` and not finished, oldest first. */
  async *open(before: number): AsyncGenerator<OpenIntent> {
    await this.ensure();
    // An ordered consumer: ephemeral, in sequence order, skips the deleted (finished) intents.
    const consumer = await this.nats.js.consumers.get(this.stream.name);
    try {
      for (;;) {
        const batch = await consumer.fetch({ max_messages: PAGE, expires: 1000 });
        let seen = 0;
        for await (const m of batch) {
          seen++;
          const at = Math.floor(m.info.timestampNanos / 1e6);
          if (at >= before) return;
          yield { seq: m.seq, at, intent: codec.decode(m.data) };
          if (m.info.pending === 0) return;
        }
        if (seen === 0) return;
      }
    } finally {
      await consumer.delete().catch(() => undefined);
    }
  }
}
