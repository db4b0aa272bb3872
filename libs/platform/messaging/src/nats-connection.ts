import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { connect, JetStreamClient, JetStreamManager, NatsConnection } from 'nats';
import { applyRuntimePatches } from './runtime-patches';

/**
 * The app's own NATS connection for JetStream and key-value work (the Nest transport keeps a
 * separate one for request-reply). Drained on shutdown so in-flight publishes are flushed.
 */
@Injectable()
export class NatsConnectionService implements OnApplicationShutdown {
  private readonly logger = new Logger(NatsConnectionService.name);
  private connection?: NatsConnection;
  private manager?: JetStreamManager;
  private readonly others: NatsConnection[] = [];

  constructor(
    private readonly servers: string,
    private readonly name: string,
  ) {}

  async connect(): Promise<void> {
    if (this.connection) return;
    this.connection = await this.open(this.name);
    this.manager = await this.connection.jetstreamManager();
    this.logger.log(`connected to NATS at ${this.servers}`);
  }

  private async open(name: string): Promise<NatsConnection> {
    applyRuntimePatches();
    const nc = await connect({
      servers: this.servers.split(','),
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      // nats.js otherwise builds two Error objects (stack traces) per request() to decorate a
      // possible timeout; on the gateway's hot path that was most of the client's cost.
      noAsyncTraces: true,
    });
    if (process.env['NATS_COALESCE_WRITES'] !== '0') coalesceWrites(nc);
    return nc;
  }

  /**
   * A further connection of this app for one purpose (RpcServer's requests), so that its messages
   * do not queue in one socket behind JetStream and key-value traffic; drained on shutdown.
   */
  async dedicated(purpose: string): Promise<NatsConnection> {
    const nc = await this.open(`${this.name}-${purpose}`);
    this.others.push(nc);
    return nc;
  }

  get nc(): NatsConnection {
    if (!this.connection) throw new Error('NATS is not connected yet');
    return this.connection;
  }

  get js(): JetStreamClient {
    return this.nc.jetstream();
  }

  get jsm(): JetStreamManager {
    if (!this.manager) throw new Error('NATS is not connected yet');
    return this.manager;
  }

  isUp(): boolean {
    return !!this.connection && !this.connection.isClosed() && this.connection.status !== undefined;
  }

  /** A cheap liveness probe: a round trip to the server. */
  async ping(timeoutMs = 1000): Promise<boolean> {
    if (!this.connection || this.connection.isClosed()) return false;
    try {
      await Promise.race([
        this.connection.flush(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs)),
      ]);
      return true;
    } catch {
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.others.filter((c) => !c.isClosed()).map((c) => c.drain().catch(() => undefined)));
    if (this.connection && !this.connection.isClosed()) {
      await this.connection.drain().catch(() => undefined);
    }
  }
}

/**
 * Writes what nats.js has queued for the socket once per turn of the event loop (`setImmediate`)
 * instead of once per microtask checkpoint. A service answering many requests at once produces
 * its messages in many separate I/O callbacks (each reply, each JetStream ack that resumes a
 * handler), and each of them used to cost a socket write: 17–20 % of the orders and gateway
 * processes' CPU was the kernel write under load. Coalesced, the same work takes 3.6–4.1 ms of
 * CPU per order instead of 5.9 ms (both replicas, `bench/hot-path.profile.ts`). Messages keep
 * their order (one outbound buffer); the added delay is the rest of the current loop turn. The Go
 * and Rust clients coalesce the same way (a flusher goroutine, a 1 ms flush interval); nats.js
 * has no option for it, so this replaces its `flushPending` on the connection (nats 2.29, pinned by
 * the lockfile; if the field is missing nothing changes). `close()` writes what is queued first.
 * `NATS_COALESCE_WRITES=0` turns it off.
 */
export function coalesceWrites(nc: NatsConnection): void {
  const protocol = (nc as unknown as { protocol?: { flushPending?: () => void } }).protocol;
  if (!protocol || typeof protocol.flushPending !== 'function') return;
  const flush = protocol.flushPending.bind(protocol);
  let scheduled = false;
  protocol.flushPending = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      flush();
    });
  };
  const close = nc.close.bind(nc);
  nc.close = () => {
    flush();
    return close();
  };
}
