import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { NoReservations, ReadModel, type ReservationSource } from '@circulate/availability/read-model';
import { AvailabilityBroadcast, eventStream, rpcSubject, type RebuildReport } from '@circulate/contracts';
import { NatsConnectionService, replayStream, type ReplayHandle } from '@circulate/platform/messaging';
import type { Subscription } from 'nats';

/**
 * Feeds this replica's in-memory read model from inventory's and catalog's streams: each replica
 * replays them from the start through its own ordered consumer (no shared durable, which would
 * split events between replicas). Boot waits until the replay has caught up, so the service
 * never answers from a half-built model. A rebuild builds a fresh model beside the one in
 * service and swaps it in when it has caught up.
 */
@Injectable()
export class ReadModelFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReadModelFeed.name);
  private model: ReadModel;
  private replays: ReplayHandle[] = [];
  private broadcast?: Subscription;
  private reservations: ReservationSource = new NoReservations();

  constructor(private readonly nats: NatsConnectionService) {
    this.model = new ReadModel();
  }

  /** Where reservations come from: told whenever a new model goes into service. */
  attach(source: ReservationSource): void {
    this.reservations = source;
  }

  /** The model in service. */
  current(): ReadModel {
    return this.model;
  }

  async onApplicationBootstrap(): Promise<void> {
    const report = await this.rebuild();
    this.logger.log(`read model built from the streams: ${JSON.stringify(report)}`);
    this.broadcast = this.nats.nc.subscribe(rpcSubject(AvailabilityBroadcast.rebuild), {
      callback: () => {
        this.rebuild().then(
          (r) => this.logger.log(`read model rebuilt on broadcast: ${JSON.stringify(r)}`),
          (err: unknown) => this.logger.error(`rebuild failed: ${String(err)}`),
        );
      },
    });
  }

  /** Replays both streams from the start into a new model, then puts it in service. */
  async rebuild(): Promise<RebuildReport> {
    const started = performance.now();
    const next = new ReadModel();
    const replays = await Promise.all(
      (['inventory', 'catalog'] as const).map((s) =>
        replayStream(this.nats, eventStream(s), (e) => next.apply(e), this.logger),
      ),
    );
    await Promise.all(replays.map((r) => r.caughtUp));
    const previous = this.replays;
    this.model = next;
    this.reservations.modelInService(next);
    this.replays = replays;
    for (const r of previous) await r.stop();
    return { ...next.counts(), events: next.appliedEvents, ms: Math.round(performance.now() - started) };
  }

  /** Asks every replica (this one included) to rebuild; answers with this replica's report. */
  async rebuildAll(): Promise<RebuildReport> {
    this.nats.nc.publish(rpcSubject(AvailabilityBroadcast.rebuild));
    return this.rebuild();
  }

  async onApplicationShutdown(): Promise<void> {
    this.broadcast?.unsubscribe();
    for (const r of this.replays) await r.stop();
  }
}
