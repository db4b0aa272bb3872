import { BadRequestException } from '@nestjs/common';
import { DomainError, ErrorCode } from '@circulate/contracts';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The Prometheus metrics of one process (prom-client), served as text on `GET /metrics`: the
 * gateway's HTTP port, each service's probe port (HEALTH_PORT). Every label value comes from
 * code (route templates, RPC names, consumer and cache names, error codes), never from a
 * request; each labelled family still keeps at most MAX_CHILDREN series and folds any further
 * value into `other`, so a bug cannot blow up the series count.
 *
 * Hot-path recording goes through cached label children (one Map lookup, then prom-client's
 * observe). Whatever can be read at scrape time (cache counters, consumer lag, outbox backlog)
 * is read then, and costs nothing per request. METRICS=off turns recording off (the families
 * are still served, empty), for measuring what metrics cost.
 */
export const metricsRegistry = new Registry();
export const metricsEnabled = process.env['METRICS'] !== 'off';
const MAX_CHILDREN = 500;
export const OTHER = 'other';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

let defaultsStarted = false;
/** Process metrics (CPU, memory, event-loop lag, GC, handles) and a `service` label on every series. */
export function startProcessMetrics(service: string): void {
  if (defaultsStarted) return;
  defaultsStarted = true;
  metricsRegistry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: metricsRegistry });
}

export function metricsText(): Promise<string> {
  return metricsRegistry.metrics();
}
export const metricsContentType = metricsRegistry.contentType;

type Observer = { observe(value: number): void };
type Incrementer = { inc(value?: number): void };

type Key = string | number;

/**
 * Label children in nested maps, one level per label (no key string is built per call: lookups
 * of the same constant strings hit V8's cached hashes), at most MAX_CHILDREN of them; any further
 * combination folds into `other` on every label.
 */
class Children<T> {
  private readonly root = new Map<Key, unknown>();
  private count = 0;
  constructor(private readonly make: (labels: string[]) => T) {}

  get(...labels: Key[]): T {
    let node = this.root;
    const last = labels.length - 1;
    for (let i = 0; i < last; i++) {
      let next = node.get(labels[i]) as Map<Key, unknown> | undefined;
      if (next === undefined) {
        if (this.count >= MAX_CHILDREN) return this.folded(labels.length);
        next = new Map();
        node.set(labels[i], next);
      }
      node = next;
    }
    const child = node.get(labels[last]) as T | undefined;
    if (child !== undefined) return child;
    if (this.count >= MAX_CHILDREN) return this.folded(labels.length);
    this.count++;
    const made = this.make(labels.map(String));
    node.set(labels[last], made);
    return made;
  }

  private foldedChild?: T;
  private folded(n: number): T {
    this.foldedChild ??= this.make(Array.from({ length: n }, () => OTHER));
    return this.foldedChild;
  }
}

/** A latency histogram (seconds, LATENCY_BUCKETS) in the process registry. */
function latency<L extends string>(name: string, help: string, labelNames: L[]): Histogram<L> {
  return new Histogram({ name, help, labelNames, buckets: LATENCY_BUCKETS, registers: [metricsRegistry] });
}

const httpDuration = latency(
  'circulate_http_request_duration_seconds',
  'HTTP answers of the gateway by method, route template and status, in seconds',
  ['method', 'route', 'status'],
);
const httpRequests = new Counter({
  name: 'circulate_http_requests_total',
  help: 'HTTP answers of the gateway by method, route template and status',
  labelNames: ['method', 'route', 'status'],
  registers: [metricsRegistry],
});
const httpChildren = new Children<[Observer, Incrementer]>((l) => [
  httpDuration.labels(...l),
  httpRequests.labels(...l),
]);

/** One HTTP answer; `route` is the router's template (`/api/v1/stock-items/:id`), absent when none matched. */
export function recordHttp(method: string, route: string | undefined, status: number, seconds: number): void {
  if (!metricsEnabled) return;
  const [duration, count] = httpChildren.get(method, route ?? 'unmatched', status);
  duration.observe(seconds);
  count.inc();
}

const rpcDuration = latency(
  'circulate_rpc_duration_seconds',
  'NATS request-reply calls by side (client: this process asked; server: it answered), RPC name and outcome (ok or the error code)',
  ['side', 'subject', 'outcome'],
);
const rpcChildren = new Children<Observer>((l) => rpcDuration.labels(...l));

/** `subject` is the RPC name without namespace (`inventory.stock-items.get`); `outcome` `ok` or an error code. */
export function recordRpc(side: 'client' | 'server', subject: string, outcome: string, seconds: number): void {
  if (!metricsEnabled) return;
  rpcChildren.get(side, subject, outcome).observe(seconds);
}

/** `ok`'s counterpart: the contract error code of a failure (a closed set); anything else is INTERNAL. */
export function outcomeOf(err: unknown): string {
  if (err instanceof DomainError) return err.code;
  if (DomainError.isPayload(err)) return err.code;
  if (err instanceof BadRequestException) return ErrorCode.VALIDATION_FAILED;
  return ErrorCode.INTERNAL;
}

/** A timer in seconds from now (hrtime: monotonic). */
export function startTimer(): () => number {
  const started = process.hrtime.bigint();
  return () => Number(process.hrtime.bigint() - started) / 1e9;
}

const leaseWait = new Histogram({
  name: 'circulate_lease_wait_seconds',
  help: 'Time a writer waited for the cluster lease of one record, by outcome (acquired, timeout, unavailable)',
  labelNames: ['outcome'],
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});
const leaseContended = new Counter({
  name: 'circulate_lease_contended_total',
  help: 'Lease acquisitions that found the lease held by another writer at least once',
  registers: [metricsRegistry],
});

export function recordLeaseWait(
  outcome: 'acquired' | 'timeout' | 'unavailable',
  seconds: number,
  attempts: number,
): void {
  if (!metricsEnabled) return;
  leaseWait.labels(outcome).observe(seconds);
  if (attempts > 0) leaseContended.inc();
}

const deliveries = new Counter({
  name: 'circulate_jetstream_deliveries_total',
  help: 'JetStream messages handled by a durable consumer of this process, by outcome (acked, retried, dead_lettered)',
  labelNames: ['consumer', 'outcome'],
  registers: [metricsRegistry],
});
const redeliveries = new Counter({
  name: 'circulate_jetstream_redeliveries_total',
  help: 'JetStream messages this process received again (delivery count above 1), by durable consumer',
  labelNames: ['consumer'],
  registers: [metricsRegistry],
});

/** One message of a durable consumer; counts a redelivery when it had been delivered before. */
export function recordDelivery(
  consumer: string,
  outcome: 'acked' | 'retried' | 'dead_lettered',
  deliveryCount: number,
): void {
  if (!metricsEnabled) return;
  deliveries.labels(consumer, outcome).inc();
  if (deliveryCount > 1) redeliveries.labels(consumer).inc();
}

/** A message received again (for consumers that ack in batches and count outcomes themselves). */
export function recordRedelivery(consumer: string, deliveryCount: number): void {
  if (metricsEnabled && deliveryCount > 1) redeliveries.labels(consumer).inc();
}

/** Registers a scrape-time reading; the gauge's value is whatever `read` sets, when scraped. */
export function scrapeGauge(
  name: string,
  help: string,
  labelNames: string[],
  read: (set: (labels: Record<string, string>, value: number) => void) => void | Promise<void>,
): Gauge<string> {
  return new Gauge({
    name,
    help,
    labelNames,
    registers: [metricsRegistry],
    async collect() {
      this.reset();
      await read((labels, value) => this.set(labels, value));
    },
  });
}

/** A counter whose total lives elsewhere (e.g. a cache's hit count) and is read when scraped. */
export function scrapeCounter(
  name: string,
  help: string,
  labelNames: string[],
  read: (set: (labels: Record<string, string>, total: number) => void) => void,
): Counter<string> {
  return new Counter({
    name,
    help,
    labelNames,
    registers: [metricsRegistry],
    collect() {
      this.reset();
      read((labels, total) => this.inc(labels, total));
    },
  });
}

const outboxPublished = new Counter({
  name: 'circulate_outbox_events_published_total',
  help: 'Outbox events published to JetStream (inline after the write, or by the sweeper)',
  registers: [metricsRegistry],
});
const outboxFailures = new Counter({
  name: 'circulate_outbox_flush_failures_total',
  help: 'Outbox flushes that failed (left to the sweeper)',
  registers: [metricsRegistry],
});
const outboxSwept = new Counter({
  name: 'circulate_outbox_swept_documents_total',
  help: 'Documents the sweeper found with events left behind by a failed flush or a crash',
  registers: [metricsRegistry],
});

export function recordOutbox(what: 'published' | 'failed' | 'swept', n = 1): void {
  if (!metricsEnabled || n === 0) return;
  (what === 'published' ? outboxPublished : what === 'failed' ? outboxFailures : outboxSwept).inc(n);
}
