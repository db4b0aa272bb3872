/**
 * Every NATS subject and JetStream stream name lives here; apps never spell one.
 *
 * Requests live under `<ns>.rpc.>` and events under `<ns>.evt.>` so that no stream ever
 * captures a request (a stream whose subjects overlap a request subject answers it itself).
 * `<ns>` (env CIRCULATE_NS, default `circulate`) lets several stacks share one NATS server
 * without seeing each other: tests use a fresh one per run.
 */
export const NAMESPACE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,40}$/;

export function namespace(): string {
  const ns = process.env['CIRCULATE_NS'] ?? 'circulate';
  if (!NAMESPACE_PATTERN.test(ns)) {
    throw new Error(`CIRCULATE_NS must match ${NAMESPACE_PATTERN} (got "${ns}")`);
  }
  return ns;
}

/** The services; each owns one database and publishes on one event stream. */
export const Services = ['gateway', 'inventory', 'catalog', 'availability', 'orders', 'reporting'] as const;
export type ServiceName = (typeof Services)[number];

/**
 * Request-reply subject names (versioned; a breaking change gets a new version). Each
 * service's own names live beside its payloads (`inventory/subjects.ts`, `catalog/subjects.ts`);
 * `rpcSubject()` / `eventSubject()` turn a name into the namespaced subject.
 */
export const Rpc = {
  health: (service: ServiceName) => `${service}.health.v1`,
} as const;

export function rpcSubject(name: string): string {
  return `${namespace()}.rpc.${name}`;
}

export function eventSubject(name: string): string {
  return `${namespace()}.evt.${name}`;
}

/** The stream a service publishes its facts on, and the subjects it captures. */
export function eventStream(service: ServiceName): { name: string; subjects: string[] } {
  const ns = namespace();
  return { name: `${ns}_${service}_events`.replace(/[^A-Za-z0-9_-]/g, '_'), subjects: [`${ns}.evt.${service}.>`] };
}

/**
 * A service's saga journal: the intents of multi-step commands not finished yet (published
 * before the first step, deleted once the last is done; a recovery sweep finishes the rest).
 * Under `<ns>.saga.>`, apart from requests and events.
 */
export function sagaStream(service: ServiceName): { name: string; subjects: string[] } {
  const ns = namespace();
  return { name: `${ns}_${service}_saga`.replace(/[^A-Za-z0-9_-]/g, '_'), subjects: [`${ns}.saga.${service}.>`] };
}

/** The subject of one kind of saga intent of a service (e.g. `create` of orders). */
export function sagaSubject(service: ServiceName, saga: string): string {
  return `${namespace()}.saga.${service}.${saga}`;
}

/** Events that exhausted their deliveries land here, one subject per consumer. */
export function deadLetterStream(): { name: string; subjects: string[] } {
  const ns = namespace();
  return { name: `${ns}_dead_letters`.replace(/[^A-Za-z0-9_-]/g, '_'), subjects: [`${ns}.dlq.>`] };
}

export function deadLetterSubject(consumer: string): string {
  return `${namespace()}.dlq.${consumer}`;
}

/**
 * Where the replicas of a service tell each other which cached documents a write changed (core
 * NATS, outside `rpc` and `evt`, so no stream ever keeps these).
 */
export function cacheSubject(service: ServiceName): string {
  return `${namespace()}.cache.${service}`;
}

/** The key-value bucket where the replicas of a service take turns on one record (ClusterLeases). */
export function lockBucket(service: ServiceName): string {
  return `${namespace()}_${service}_locks`.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** The key-value bucket where the replicas of a service keep an entry while they run (ReplicaRoster). */
export function rosterBucket(service: ServiceName): string {
  return `${namespace()}_${service}_replicas`.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** The JetStream key-value bucket holding allocation leases. */
export function leaseBucket(): string {
  return `${namespace()}_leases`.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** The MongoDB database a service owns. */
export function databaseName(service: ServiceName): string {
  return `${namespace()}_${service}`.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** NATS queue group shared by the replicas of one service. */
export function queueGroup(service: ServiceName): string {
  return `${namespace()}.${service}`;
}

export const Headers = {
  requestId: 'x-request-id',
  tenantId: 'x-tenant-id',
} as const;
