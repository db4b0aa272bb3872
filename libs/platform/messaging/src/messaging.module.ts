import { DynamicModule, Global, Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { eventStream, ServiceName } from '@circulate/contracts';
import { DurableConsumers } from './durable-consumer';
import { EventPublisher } from './event-publisher';
import { ensureStream } from './jetstream-setup';
import { ClusterLeases, LEASES_SERVICE } from './cluster-leases';
import { KeyedMutex } from './keyed-mutex';
import { NatsConnectionService } from './nats-connection';
import { AggregateWriter } from './aggregate-writer';
import { BatchOutboxFlusher } from './batch-outbox-flusher';
import { OUTBOX_SWEEP_MS, OutboxRelay } from './outbox';
import { ReplicaRoster } from './replica-roster';
import { READ_CACHE_OPTIONS, READ_CACHE_SERVICE, ReadCacheBus, ReadCacheOptions } from './read-cache';
import { RpcClient } from './rpc-client';
import { RPC_SERVICE, RpcServer } from './rpc-responder';

export const SERVICE_NAME = Symbol('SERVICE_NAME');

export interface MessagingOptions {
  service: ServiceName;
  natsUrl: string;
  rpcTimeoutMs: number;
  /** Services that publish facts provision their stream at boot; the gateway does not. */
  publishesEvents: boolean;
  /** Whether this app writes documents with an embedded outbox (needs a database). */
  outbox: boolean;
  /** How often the outbox sweeper scans anyway (default 0: only after a replica died, see ReplicaRoster). */
  outboxSweepMs?: number;
  /** Read caches of the service's documents (kept coherent across replicas). */
  readCache?: ReadCacheOptions;
  /** Serve the app's `@Handles` controller methods on NATS (RpcServer); services do, the gateway does not. */
  serveRpc?: boolean;
}

class StreamProvisioner implements OnApplicationBootstrap {
  constructor(
    @Inject(SERVICE_NAME) private readonly service: ServiceName,
    private readonly nats: NatsConnectionService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureStream(this.nats.jsm, eventStream(this.service));
  }
}

@Global()
@Module({})
export class MessagingModule {
  static forService(options: MessagingOptions): DynamicModule {
    const providers = [
      { provide: SERVICE_NAME, useValue: options.service },
      {
        provide: NatsConnectionService,
        useFactory: async () => {
          const nats = new NatsConnectionService(options.natsUrl, `circulate-${options.service}`);
          await nats.connect();
          return nats;
        },
      },
      ...(options.outbox
        ? [
            { provide: LEASES_SERVICE, useValue: options.service },
            ClusterLeases,
            {
              provide: KeyedMutex,
              useFactory: (leases: ClusterLeases) => new KeyedMutex(leases),
              inject: [ClusterLeases],
            },
          ]
        : [KeyedMutex]),
      EventPublisher,
      {
        provide: RpcClient,
        useFactory: (nats: NatsConnectionService) => new RpcClient(nats, options.rpcTimeoutMs),
        inject: [NatsConnectionService],
      },
      ...(options.publishesEvents ? [StreamProvisioner] : []),
      ...(options.outbox
        ? [
            { provide: OUTBOX_SWEEP_MS, useValue: options.outboxSweepMs ?? 0 },
            ReplicaRoster,
            OutboxRelay,
            BatchOutboxFlusher,
            AggregateWriter,
            DurableConsumers,
          ]
        : []),
      ...(options.readCache
        ? [
            { provide: READ_CACHE_OPTIONS, useValue: options.readCache },
            { provide: READ_CACHE_SERVICE, useValue: options.service },
            ReadCacheBus,
          ]
        : []),
      ...(options.serveRpc ? [{ provide: RPC_SERVICE, useValue: options.service }, RpcServer] : []),
    ];
    return {
      module: MessagingModule,
      imports: options.serveRpc ? [DiscoveryModule] : [],
      providers,
      exports: providers.filter((p) => p !== StreamProvisioner && p !== RpcServer),
    };
  }
}
