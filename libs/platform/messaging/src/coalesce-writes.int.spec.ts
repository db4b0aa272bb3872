/**
 * coalesceWrites against a real NATS server: messages published from many callbacks of one
 * event-loop turn leave in one socket write, in order, and none is lost on close().
 */
import { connect, NatsConnection, StringCodec } from 'nats';
import { coalesceWrites } from './nats-connection';

const natsUrl = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const sc = StringCodec();

/** Counts the socket writes of a connection (nats.js's transport writes through `socket.write`). */
function countWrites(nc: NatsConnection): () => number {
  const socket = (nc as unknown as { protocol: { transport: { socket: { write: (...a: unknown[]) => boolean } } } })
    .protocol.transport.socket;
  const write = socket.write.bind(socket);
  let writes = 0;
  socket.write = (...args: unknown[]) => {
    writes++;
    return write(...args);
  };
  return () => writes;
}

/** Publishes `n` messages, each from its own setImmediate callback (as separate I/O callbacks do). */
async function publishFromCallbacks(nc: NatsConnection, subject: string, n: number): Promise<void> {
  await Promise.all(
    Array.from(
      { length: n },
      (_, i) =>
        new Promise<void>((resolve) =>
          setImmediate(() => {
            nc.publish(subject, sc.encode(String(i)));
            resolve();
          }),
        ),
    ),
  );
}

async function receive(
  nc: NatsConnection,
  subject: string,
  n: number,
): Promise<{ got: string[]; done: Promise<void> }> {
  const got: string[] = [];
  const sub = nc.subscribe(subject, { max: n });
  const done = (async () => {
    for await (const m of sub) got.push(sc.decode(m.data));
  })();
  await nc.flush();
  return { got, done };
}

describe('coalesceWrites (real NATS)', () => {
  let reader: NatsConnection;
  beforeAll(async () => {
    reader = await connect({ servers: natsUrl });
  });
  afterAll(async () => {
    await reader.close();
  });

  it.each([
    ['coalesced', true],
    ['as nats.js does it', false],
  ])('publishes from 50 callbacks of one loop turn: %s', async (_, coalesced) => {
    const nc = await connect({ servers: natsUrl });
    if (coalesced) coalesceWrites(nc);
    const subject = `coalesce.${coalesced}.${Date.now()}`;
    const { got, done } = await receive(reader, subject, 50);
    const writes = countWrites(nc);
    await publishFromCallbacks(nc, subject, 50);
    await nc.flush();
    await done;
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
    // Without coalescing every callback's message is its own write (plus the flush's PING).
    if (coalesced) expect(writes()).toBeLessThanOrEqual(2);
    else expect(writes()).toBeGreaterThanOrEqual(50);
    await nc.close();
  });

  it('writes what is queued before close() closes the connection', async () => {
    const nc = await connect({ servers: natsUrl });
    coalesceWrites(nc);
    const subject = `coalesce.close.${Date.now()}`;
    const { got, done } = await receive(reader, subject, 3);
    for (let i = 0; i < 3; i++) nc.publish(subject, sc.encode(String(i)));
    await nc.close(); // before the setImmediate that would have written them
    await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
    expect(got).toEqual(['0', '1', '2']);
  });
});
