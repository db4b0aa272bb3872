import { Logger } from '@nestjs/common';
import type { EventEnvelope } from '@circulate/contracts';
import { JSONCodec, type ConsumerMessages } from 'nats';
import { ensureStream, type StreamSpec } from './jetstream-setup';
import type { NatsConnectionService } from './nats-connection';

const codec = JSONCodec<EventEnvelope>();

/** A running replay: `caughtUp` resolves once every event that was in the stream at start is handled. */
export interface ReplayHandle {
  readonly caughtUp: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Reads a whole stream from its first event, then follows it live, through an ordered
 * (ephemeral, per-process) JetStream consumer. Meant for in-memory read models: every replica
 * sees every event (a shared durable consumer would split them between replicas), nothing is
 * acknowledged or recorded, and a restart simply replays. `handle` must be idempotent.
 */
export async function replayStream(
  nats: NatsConnectionService,
  stream: StreamSpec,
  handle: (event: EventEnvelope) => void,
  logger = new Logger('StreamReplay'),
): Promise<ReplayHandle> {
  await ensureStream(nats.jsm, stream);
  const lastSeq = (await nats.jsm.streams.info(stream.name)).state.last_seq;
  // An ordered consumer starts at sequence 1 by default (passing DeliverPolicy.All as well makes
  // the server refuse it, and nats.js retries for ever).
  const consumer = await nats.js.consumers.get(stream.name);
  const messages: ConsumerMessages = await consumer.consume({ max_messages: 1024 });
  let markCaughtUp: () => void = () => undefined;
  const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
  if (lastSeq === 0) markCaughtUp();
  void (async () => {
    for await (const msg of messages) {
      try {
        handle(codec.decode(msg.data));
      } catch (err) {
        logger.error(`${stream.name} #${msg.seq}: event not applied: ${String(err)}`);
      }
      if (msg.seq >= lastSeq) markCaughtUp();
    }
  })().catch((err: unknown) => logger.error(`replay of ${stream.name} stopped: ${String(err)}`));
  return {
    caughtUp,
    stop: async () => {
      await Promise.resolve(messages.close()).catch(() => undefined);
    },
  };
}
