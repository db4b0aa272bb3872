import type { JetStreamManager } from 'nats';
import { scrapeCounter, scrapeGauge } from './metrics';

interface Watched {
  jsm: JetStreamManager;
  stream: string;
  consumer: string;
}

const watched = new Map<string, Watched>();
const INFO_TIMEOUT_MS = 2000;
type LagSample = { stream: string; consumer: string; pending: number; ackPending: number; redelivered: number };
let snapshot: { at: number; samples: Promise<LagSample[]> } | undefined;

/**
 * Reports the lag of a durable JetStream consumer this process reads on every scrape
 * (`circulate_jetstream_consumer_pending`, `…_ack_pending`, `…_redelivered`, from the server's
 * consumer info). Returns the unwatch.
 */
export function watchConsumer(jsm: JetStreamManager, stream: string, consumer: string): () => void {
  const key = `${stream}/${consumer}`;
  watched.set(key, { jsm, stream, consumer });
  return () => watched.delete(key);
}

/** One consumer-info round per scrape, shared by the three gauges (a second within 1 s reuses it). */
function lagSamples(): Promise<LagSample[]> {
  if (snapshot && Date.now() - snapshot.at < 1000) return snapshot.samples;
  const samples = Promise.all(
    [...watched.values()].map(async (w) => {
      try {
        const info = await Promise.race([
          w.jsm.consumers.info(w.stream, w.consumer),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), INFO_TIMEOUT_MS).unref()),
        ]);
        return {
          stream: w.stream,
          consumer: w.consumer,
          pending: info.num_pending,
          ackPending: info.num_ack_pending,
          redelivered: info.num_redelivered,
        };
      } catch {
        return undefined; // NATS away: no sample this time (an absent series, not a false 0)
      }
    }),
  ).then((all) => all.filter((s): s is LagSample => s !== undefined));
  snapshot = { at: Date.now(), samples };
  return samples;
}

const lagGauge = (name: string, help: string, pick: (s: LagSample) => number) =>
  scrapeGauge(name, help, ['stream', 'consumer'], async (set) => {
    for (const s of await lagSamples()) set({ stream: s.stream, consumer: s.consumer }, pick(s));
  });

lagGauge(
  'circulate_jetstream_consumer_pending',
  'Messages in the stream not yet delivered to the durable consumer (its lag)',
  (s) => s.pending,
);
lagGauge(
  'circulate_jetstream_consumer_ack_pending',
  'Messages delivered to the durable consumer and not yet acknowledged',
  (s) => s.ackPending,
);
lagGauge(
  'circulate_jetstream_consumer_redelivered',
  'Messages the server has redelivered to the durable consumer that are still unacknowledged',
  (s) => s.redelivered,
);

/** What the metrics read of a read cache when scraped. */
export interface CacheCounts {
  readonly name: string;
  readonly hits: number;
  readonly misses: number;
  readonly size: number;
}
const cacheSources = new Set<() => Iterable<CacheCounts>>();

/** Reports the read caches `list` yields on every scrape (hits, misses, ratio, entries). Returns the unwatch. */
export function watchReadCaches(list: () => Iterable<CacheCounts>): () => void {
  cacheSources.add(list);
  return () => cacheSources.delete(list);
}

function eachCache(fn: (c: CacheCounts) => void): void {
  for (const list of cacheSources) for (const c of list()) fn(c);
}

scrapeCounter(
  'circulate_read_cache_requests_total',
  'Read-cache look-ups by cache and result (hit, miss)',
  ['cache', 'result'],
  (set) =>
    eachCache((c) => {
      set({ cache: c.name, result: 'hit' }, c.hits);
      set({ cache: c.name, result: 'miss' }, c.misses);
    }),
);
scrapeGauge(
  'circulate_read_cache_hit_ratio',
  'Hits over look-ups of each read cache since the process started',
  ['cache'],
  (set) => eachCache((c) => set({ cache: c.name }, c.hits + c.misses > 0 ? c.hits / (c.hits + c.misses) : 0)),
);
scrapeGauge('circulate_read_cache_entries', 'Entries held by each read cache', ['cache'], (set) =>
  eachCache((c) => set({ cache: c.name }, c.size)),
);
