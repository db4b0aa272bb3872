import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { cacheSubject, ServiceName } from '@circulate/contracts';
import { LRUCache } from 'lru-cache';
import { JSONCodec, NatsConnection, Subscription } from 'nats';
import { watchReadCaches } from './messaging-metrics';
import { NatsConnectionService } from './nats-connection';

export interface ReadCacheOptions {
  /** Entries kept per cache (least recently used go first). */
  maxEntries: number;
  /** Longest an entry is served without a re-read; 0 turns caching off. */
  ttlMs: number;
}

/** How a cache hands out its values. */
export interface ReadCacheMode {
  /**
   * Hits answer the cached value itself, deep-frozen when it was stored, instead of a copy per
   * read (a listing's copy was 2% of the order path's CPU): for callers that only read.
   */
  shared?: boolean;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export const READ_CACHE_OPTIONS = Symbol('READ_CACHE_OPTIONS');
export const READ_CACHE_SERVICE = Symbol('READ_CACHE_SERVICE');

/** What one replica tells the others after a write: these keys of that cache changed. */
interface Invalidation {
  cache: string;
  keys?: string[];
  /** Drop the whole cache (keys omitted). */
  all?: boolean;
  origin: string;
}

const codec = JSONCodec<Invalidation>();
const FLUSH_WAIT_MS = 2000;

/** What the bus needs of a cache to apply invalidations to it. */
interface Invalidatable {
  readonly name: string;
  readonly size: number;
  readonly hits: number;
  readonly misses: number;
  drop(keys: readonly string[]): void;
  clear(): void;
}

/** Keys invalidated while a write-through fill was being prepared (see `ReadCache.fillAfter`). */
interface FillTracker {
  readonly invalidated: Set<string>;
  cleared: boolean;
}

/** A load that started before an invalidation of its key must not fill the cache. */
interface Pending<V> {
  promise: Promise<V | null>;
  stale: boolean;
}

/**
 * A read-through cache of documents by key, kept coherent across the replicas of a service:
 *  - a read that misses loads from the database; concurrent misses of one key share one load;
 *  - a write calls `invalidate(keys)` after it committed: the entries go at once here, and the
 *    other replicas drop theirs when the broadcast arrives (core NATS, before the writer answers);
 *  - a load that was under way when its key was invalidated answers its callers but is not kept
 *    (it may have read the old version), so the cache never holds a value older than the last
 *    invalidation it has seen;
 *  - a replica that writes a new document may put it in its cache at once (`fillAfter`);
 *  - when the NATS connection drops, every cache is cleared (invalidations may have been missed),
 *    and `ttlMs` bounds the age of any entry whatever happens.
 * Absent values (null) are never cached, so a key that comes into being needs no invalidation.
 * Every caller gets its own copy of a cached value, or, for a `shared` cache, the one frozen value.
 */
export class ReadCache<V extends object> implements Invalidatable {
  private readonly entries: LRUCache<string, V> | null;
  private readonly pending = new Map<string, Pending<V>>();
  private readonly trackers = new Set<FillTracker>();
  hits = 0;
  misses = 0;
  /** The value kept from a loaded one, and the value a hit answers from the kept one. */
  private readonly keep: (value: V) => V;
  private readonly hand: (value: V) => V;

  constructor(
    readonly name: string,
    options: ReadCacheOptions,
    private readonly bus?: ReadCacheBus,
    mode: ReadCacheMode = {},
  ) {
    this.keep = mode.shared ? (v) => deepFreeze(structuredClone(v)) : (v) => structuredClone(v);
    this.hand = mode.shared ? (v) => v : (v) => structuredClone(v);
    this.entries =
      options.ttlMs > 0 && options.maxEntries > 0
        ? new LRUCache<string, V>({ max: options.maxEntries, ttl: options.ttlMs })
        : null;
    bus?.register(this);
  }

  get enabled(): boolean {
    return this.entries !== null;
  }

  async get(key: string, load: () => Promise<V | null>): Promise<V | null> {
    if (!this.entries) return load();
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.hits++;
      return this.hand(hit);
    }
    this.misses++;
    const running = this.pending.get(key);
    if (running) return running.promise.then((value) => (value === null ? null : structuredClone(value)));
    const entry: Pending<V> = { promise: Promise.resolve(null), stale: false };
    entry.promise = load().then(
      (value) => {
        if (this.pending.get(key) === entry) this.pending.delete(key);
        // The cache keeps its own copy: callers may do what they like with theirs.
        if (value !== null && !entry.stale) this.entries?.set(key, this.keep(value));
        return value;
      },
      (err: unknown) => {
        if (this.pending.get(key) === entry) this.pending.delete(key);
        throw err;
      },
    );
    this.pending.set(key, entry);
    return entry.promise;
  }

  /**
   * Several keys at once: hits from memory, the misses in one `loadMany` (whose answers are kept
   * unless invalidated meanwhile). Keys `loadMany` leaves out are absent and not cached.
   */
  async getMany(
    keys: readonly string[],
    loadMany: (missing: string[]) => Promise<Map<string, V>>,
  ): Promise<Map<string, V>> {
    if (!this.entries) return loadMany([...keys]);
    const found = new Map<string, V>();
    const missing: string[] = [];
    for (const key of new Set(keys)) {
      const hit = this.entries.get(key);
      if (hit !== undefined) {
        this.hits++;
        found.set(key, this.hand(hit));
      } else missing.push(key);
    }
    if (missing.length === 0) return found;
    this.misses += missing.length;
    const loaded = await this.fillAfter(
      () => loadMany(missing),
      (result) => result.entries(),
    );
    for (const [key, value] of loaded) found.set(key, value);
    return found;
  }

  /**
   * Write-through: runs `write`, then keeps what `entries` makes of its result. What was
   * invalidated meanwhile — here or on another replica — is not kept, for the same reason a stale
   * load is not; nothing is kept if the write fails.
   */
  async fillAfter<T>(write: () => Promise<T>, entries: (result: T) => Iterable<readonly [string, V]>): Promise<T> {
    if (!this.entries) return write();
    const tracker: FillTracker = { invalidated: new Set(), cleared: false };
    this.trackers.add(tracker);
    try {
      const result = await write();
      if (!tracker.cleared) {
        for (const [key, value] of entries(result))
          if (!tracker.invalidated.has(key)) this.entries.set(key, this.keep(value));
      }
      return result;
    } finally {
      this.trackers.delete(tracker);
    }
  }

  /** Runs a write, then drops `keys` here and on the other replicas (also if it failed: it may have landed). */
  async invalidateAfter<T>(keys: readonly string[], write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } finally {
      await this.invalidate(keys);
    }
  }

  /** After a committed write: drops the keys here and tells the other replicas. */
  async invalidate(keys: readonly string[]): Promise<void> {
    if (!this.entries || keys.length === 0) return;
    this.drop(keys);
    await this.bus?.broadcast({ cache: this.name, keys: [...keys] });
  }

  /** After a write whose effect on keys is not known key by key: everything goes, everywhere. */
  async invalidateAll(): Promise<void> {
    if (!this.entries) return;
    this.clear();
    await this.bus?.broadcast({ cache: this.name, all: true });
  }

  /** Drops keys locally (a write here, or a broadcast from another replica). */
  drop(keys: readonly string[]): void {
    for (const tracker of this.trackers) for (const key of keys) tracker.invalidated.add(key);
    for (const key of keys) {
      this.entries?.delete(key);
      const running = this.pending.get(key);
      if (running) {
        running.stale = true;
        this.pending.delete(key);
      }
    }
  }

  clear(): void {
    for (const tracker of this.trackers) tracker.cleared = true;
    this.entries?.clear();
    for (const running of this.pending.values()) running.stale = true;
    this.pending.clear();
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }
}

/**
 * Carries cache invalidations between the replicas of one service over core NATS
 * (`<ns>.cache.<service>`, no queue group: every replica hears every write), and clears all
 * caches of this replica whenever its connection to NATS was interrupted.
 */
@Injectable()
export class ReadCacheBus implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReadCacheBus.name);
  private readonly caches = new Map<string, Invalidatable>();
  private readonly origin = `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  private subscription?: Subscription;
  private nc?: NatsConnection;
  private readonly unwatch = watchReadCaches(() => this.caches.values());

  constructor(
    private readonly nats: NatsConnectionService,
    @Inject(READ_CACHE_SERVICE) private readonly service: ServiceName,
    @Inject(READ_CACHE_OPTIONS) readonly options: ReadCacheOptions,
  ) {}

  /** A cache of this service, registered so that broadcasts reach it. */
  cache<V extends object>(name: string, mode?: ReadCacheMode): ReadCache<V> {
    return new ReadCache<V>(name, this.options, this, mode);
  }

  register(cache: Invalidatable): void {
    if (this.caches.has(cache.name)) throw new Error(`a read cache named "${cache.name}" exists already`);
    this.caches.set(cache.name, cache);
  }

  onApplicationBootstrap(): void {
    this.listen(this.nats.nc);
  }

  /** Subscribes to the broadcasts and watches the connection for interruptions. */
  listen(nc: NatsConnection): void {
    if (this.nc) return;
    this.nc = nc;
    this.subscription = nc.subscribe(cacheSubject(this.service), {
      callback: (err, msg) => {
        if (err) return this.clearAll(`subscription error: ${err.message}`);
        try {
          const inv = codec.decode(msg.data);
          if (inv.origin === this.origin) return;
          const cache = this.caches.get(inv.cache);
          if (!cache) return;
          if (inv.all) cache.clear();
          else cache.drop(inv.keys ?? []);
        } catch {
          this.clearAll('an unreadable invalidation');
        }
      },
    });
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect' || status.type === 'reconnect') this.clearAll(`NATS ${status.type}`);
      }
    })().catch(() => undefined);
  }

  async broadcast(inv: Omit<Invalidation, 'origin'>): Promise<void> {
    const nc = this.nc;
    if (!nc || nc.isClosed()) return;
    try {
      nc.publish(cacheSubject(this.service), codec.encode({ ...inv, origin: this.origin }));
      // The server has it before the writer answers, so other replicas drop it first. While NATS
      // is away the message waits in the client's buffer; the write does not wait for it longer.
      await Promise.race([nc.flush(), new Promise((resolve) => setTimeout(resolve, FLUSH_WAIT_MS).unref())]);
    } catch (err) {
      this.logger.warn(`could not broadcast a cache invalidation: ${(err as Error).message}`);
    }
  }

  clearAll(reason: string): void {
    if ([...this.caches.values()].some((c) => c.size > 0)) this.logger.warn(`read caches cleared (${reason})`);
    for (const cache of this.caches.values()) cache.clear();
  }

  onApplicationShutdown(): void {
    this.unwatch();
    this.subscription?.unsubscribe();
  }
}
