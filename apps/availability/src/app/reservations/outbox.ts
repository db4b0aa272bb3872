import { Logger } from '@nestjs/common';
import type { LogEntry, ReservationLog } from '@circulate/availability/data-access';
import {
  eventSubject,
  reservationEventMsgId,
  reservationEventName,
  type EventEnvelope,
  type ReservationEventPayload,
  type TenantId,
} from '@circulate/contracts';
import type { NatsConnectionService } from '@circulate/platform/messaging';
import type { Connection } from 'mongoose';
import { JSONCodec } from 'nats';

export const OUTBOX_COLLECTION = 'reservation_outbox';
/** The pointer is written at most this often (it only bounds what a new owner re-publishes). */
const POINTER_EVERY_MS = 200;

const codec = JSONCodec<EventEnvelope<ReservationEventPayload>>();

interface PointerDoc {
  _id: string;
  seq: number;
}

/** The envelopes of one log entry, in order, with their de-duplication ids. */
export function entryEvents(
  tenantId: TenantId,
  entry: LogEntry,
): { msgId: string; event: EventEnvelope<ReservationEventPayload> }[] {
  const out: { msgId: string; event: EventEnvelope<ReservationEventPayload> }[] = [];
  let i = 0;
  for (const d of entry.decisions) {
    for (const e of d.events) {
      const msgId = reservationEventMsgId(tenantId, entry.seq, i++);
      out.push({
        msgId,
        event: {
          id: msgId,
          type: reservationEventName(e.type),
          tenantId,
          aggregateId: e.orderId ?? tenantId,
          aggregateVersion: entry.seq,
          occurredAt: new Date(e.at).toISOString(),
          data: e,
        },
      });
    }
  }
  return out;
}

/**
 * The log is the outbox: after an entry is appended its events are published on availability's
 * stream with `Nats-Msg-Id = <tenant>:<seq>:<i>`, entries strictly in seq order, each retried
 * until JetStream acknowledges it. The last published seq is remembered in a pointer document
 * (written after publishing, at most every 200 ms); a new owner publishes every entry after the
 * pointer again and JetStream drops what its predecessor had already published (same msg id,
 * inside the stream's duplicate window).
 */
export class TenantOutbox {
  private readonly logger = new Logger(TenantOutbox.name);
  private chain: Promise<void> = Promise.resolve();
  private published = 0;
  private pointerSeq = 0;
  private pointerTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly tenantId: TenantId,
    private readonly nats: NatsConnectionService,
    private readonly db: Connection,
  ) {}

  private get pointers() {
    const db = this.db.db;
    if (!db) throw new Error('TenantOutbox: the connection is not open');
    return db.collection<PointerDoc>(OUTBOX_COLLECTION);
  }

  /** Publishes what the previous owner may not have: every entry after the pointer, up to `head`. */
  recover(log: ReservationLog, head: number): void {
    this.chain = this.chain.then(async () => {
      const pointer = await this.retry(() => this.pointers.findOne({ _id: this.tenantId }));
      let from = pointer?.seq ?? 0;
      this.published = this.pointerSeq = from;
      while (from < head && !this.closed) {
        const entries = await this.retry(() => log.readAfter(this.tenantId, from));
        if (entries.length === 0) break;
        for (const e of entries) {
          if (e.seq > head) break;
          await this.publishEntry(e);
          from = e.seq;
        }
      }
      if (from > 0) this.logger.log(`tenant ${this.tenantId}: outbox recovered up to seq ${from}`);
    });
  }

  /** Queues an appended entry's events (called in seq order). */
  enqueue(entry: LogEntry): void {
    this.chain = this.chain.then(() => this.publishEntry(entry));
  }

  private async publishEntry(entry: LogEntry): Promise<void> {
    if (entry.seq <= this.published) return;
    const events = entryEvents(this.tenantId, entry);
    await this.retry(() =>
      Promise.all(
        events.map(({ msgId, event }) =>
          this.nats.js.publish(eventSubject(event.type), codec.encode(event), { msgID: msgId, timeout: 5000 }),
        ),
      ),
    );
    this.published = entry.seq;
    this.pointerTimer ??= setTimeout(() => void this.writePointer(), POINTER_EVERY_MS);
  }

  private async writePointer(): Promise<void> {
    this.pointerTimer = undefined;
    const seq = this.published;
    if (seq <= this.pointerSeq) return;
    try {
      await this.pointers.replaceOne({ _id: this.tenantId }, { seq }, { upsert: true });
      this.pointerSeq = seq;
    } catch (err) {
      this.logger.warn(`tenant ${this.tenantId}: outbox pointer not written: ${String(err)}`);
      this.pointerTimer ??= setTimeout(() => void this.writePointer(), POINTER_EVERY_MS * 5);
    }
  }

  /** Retries until it succeeds or the outbox is closed (a new owner then publishes the rest). */
  private async retry<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await work();
      } catch (err) {
        if (this.closed) throw err;
        if (attempt % 10 === 0) this.logger.warn(`tenant ${this.tenantId}: outbox retrying: ${String(err)}`);
        await new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** Math.min(attempt, 6))));
      }
    }
  }

  /** Lets queued entries finish (bounded), writes the pointer, and stops. */
  async close(waitMs = 2000): Promise<void> {
    await Promise.race([this.chain.catch(() => undefined), new Promise((r) => setTimeout(r, waitMs).unref())]);
    this.closed = true;
    if (this.pointerTimer) clearTimeout(this.pointerTimer);
    await this.writePointer().catch(() => undefined);
  }

  /** The last seq whose events JetStream acknowledged. */
  get publishedSeq(): number {
    return this.published;
  }
}
