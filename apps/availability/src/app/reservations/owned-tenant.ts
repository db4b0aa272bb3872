import { AvailabilityIndex } from '@circulate/availability/engine';
import type { GroupCommitter } from '@circulate/availability/data-access';
import {
  NO_RESERVATION_DETAILS,
  type ReadModel,
  type ReservationDetails,
  type ScheduledReservation,
  type TenantState,
} from '@circulate/availability/read-model';
import { UNTIL_BACK, type ReservationState } from '@circulate/availability/reservations';
import type { Subscription } from 'nats';
import type { TenantOutbox } from './outbox';

/**
 * A tenant this replica owns: its reservation state (folded into the read model's index of the
 * tenant, so checks see items and reservations together), the group committer that decides and
 * logs its commands, the outbox that publishes the log's events, the subscription on the
 * tenant's owner subject and the timer that expires holds and marks late returns.
 */
export class OwnedTenant implements ReservationDetails {
  private tenantState?: TenantState;
  private timer?: NodeJS.Timeout;
  subscription?: Subscription;
  closed = false;
  private fleetSeen?: { index: AvailabilityIndex; changes: number };

  constructor(
    readonly tenantId: string,
    readonly state: ReservationState,
    readonly committer: GroupCommitter,
    readonly outbox: TenantOutbox,
  ) {}

  /** Puts the reservations into `model`'s state of the tenant (at load, and when a rebuilt model goes into service). */
  moveTo(model: ReadModel): void {
    if (this.closed) return;
    const t = model.ensure(this.tenantId);
    this.state.rebind(t.index);
    if (this.tenantState && this.tenantState !== t && this.tenantState.reservations === this) {
      this.tenantState.reservations = NO_RESERVATION_DETAILS;
    }
    t.reservations = this;
    this.tenantState = t;
  }

  get(reservationId: string): ScheduledReservation | undefined {
    const r = this.state.get(`rsv:${reservationId}`);
    if (r?.kind !== 'rsv') return undefined;
    const order = this.state.order(r.orderId);
    const line = order?.lines[r.lineIndex];
    return {
      id: r.id,
      stockItemId: r.stockItemId,
      quantity: r.quantity,
      start: r.start,
      end: r.end,
      orderId: r.orderId,
      lineIndex: r.lineIndex,
      periodStart: line?.start ?? r.start,
      periodEnd: order?.end ?? line?.end ?? r.end,
      status: r.status,
    };
  }

  /**
   * Every `tickMs`: lets due holds lapse, marks units still out after their end, and when the
   * fleet changed while shortages or conflicts wait, lets them take what is free (the decider
   * does nothing when nothing is due; the committer then reads the log's next slot, which also
   * folds in anything another writer appended).
   */
  startTimer(tickMs: number, onError: (err: unknown) => void): void {
    this.timer = setInterval(() => {
      if (this.closed) return;
      const now = Date.now();
      const jobs = [this.committer.submit({ type: 'expire' })];
      if (this.anyOverdue(now)) jobs.push(this.committer.submit({ type: 'overdue' }));
      if (this.fleetChangedWhileWaiting()) jobs.push(this.committer.submit({ type: 'fill' }));
      Promise.all(jobs).catch(onError);
    }, tickMs);
    this.timer.unref();
  }

  /** Shortages or conflicts wait, and items came, went or changed since the last look. */
  private fleetChangedWhileWaiting(): boolean {
    const index = this.state.index;
    const seen = this.fleetSeen;
    this.fleetSeen = { index, changes: index.itemChanges };
    if (this.state.shortages.size === 0 && this.state.conflicts.size === 0) return false;
    return seen === undefined || seen.index !== index || seen.changes !== index.itemChanges;
  }

  private anyOverdue(now: number): boolean {
    for (const k of this.state.outRsv) {
      const r = this.state.get(k);
      if (r?.kind === 'rsv' && r.end <= now && r.end < UNTIL_BACK) return true;
    }
    return false;
  }

  /** Drops the tenant: its reservations leave the read model (a late undo touches a detached index). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.committer.stop();
    this.subscription?.unsubscribe();
    this.state.rebind(new AvailabilityIndex());
    if (this.tenantState?.reservations === this) this.tenantState.reservations = NO_RESERVATION_DETAILS;
    await this.outbox.close();
  }
}
