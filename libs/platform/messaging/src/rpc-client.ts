import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  Headers,
  OwnerReply,
  OwnerRoute,
  RequestContext,
  Result,
  RpcDef,
  rpcSubject,
} from '@circulate/contracts';
import { createInbox, ErrorCode as NatsErrorCode, headers as natsHeaders, JSONCodec, Msg, NatsError } from 'nats';
import { TimeoutError } from 'rxjs';
import { outcomeOf, recordRpc, startTimer } from './metrics';
import { NatsConnectionService } from './nats-connection';

/** What a service answers (Nest's NATS wire format, spoken by RpcServer too): `response`, or `err`. */
interface ReplyPacket {
  id?: string;
  response?: unknown;
  err?: unknown;
  isDisposed?: boolean;
}

const codec = JSONCodec<unknown>();
/** Room kept in a message for its NATS headers (request id, tenant: well under this). */
const HEADER_ROOM = 4096;

/** How long a call waits for a tenant's owner before it asks the shared subject instead. */
const OWNER_WAIT_MS = 1500;

/** The server's "no responders" answer: nobody subscribes to the subject. */
class NoResponders extends DomainError {}

interface Pending {
  resolve(msg: Msg): void;
  reject(err: DomainError): void;
  timer: NodeJS.Timeout;
  what: string;
}

/**
 * One reply subscription (`<inbox>.*`) for every call of this client, with a token per call.
 * nats.js's own request() does the same but builds a NatsError (with its stack trace) for
 * every call that succeeds, to cancel it; on the gateway's hot path that was a tenth of its CPU.
 */
class ReplyInbox {
  private readonly prefix = `${createInbox()}.`;
  private readonly pending = new Map<string, Pending>();
  private next = 0;

  constructor(nats: NatsConnectionService) {
    nats.nc.subscribe(`${this.prefix}*`, { callback: (_err, msg) => this.settle(msg) });
  }

  /** A reply subject and the promise of its message (rejected as DEPENDENCY_UNAVAILABLE when none comes). */
  open(timeoutMs: number, what: string): { reply: string; answer: Promise<Msg> } {
    const token = (++this.next).toString(36);
    const answer = new Promise<Msg>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(token);
        reject(new DomainError(ErrorCode.DEPENDENCY_UNAVAILABLE, `the service behind ${what} did not answer in time`));
      }, timeoutMs);
      this.pending.set(token, { resolve, reject, timer, what });
    });
    return { reply: this.prefix + token, answer };
  }

  /** Fails a call whose request could not be sent. */
  cancel(reply: string, err: DomainError): void {
    const token = reply.slice(this.prefix.length);
    const p = this.pending.get(token);
    if (!p) return;
    this.pending.delete(token);
    clearTimeout(p.timer);
    p.reject(err);
  }

  private settle(msg: Msg): void {
    const token = msg.subject.slice(this.prefix.length);
    const p = this.pending.get(token);
    if (!p) return;
    this.pending.delete(token);
    clearTimeout(p.timer);
    // The server's "no responders" answer: an empty message with status 503.
    if (msg.data.length === 0 && msg.headers?.code === 503) {
      p.reject(new NoResponders(ErrorCode.DEPENDENCY_UNAVAILABLE, `the service behind ${p.what} is unreachable`));
      return;
    }
    p.resolve(msg);
  }
}

/**
 * Request-reply over NATS with a timeout on every call. Errors come back as the same
 * contract error code they were thrown with; a silent or missing service is
 * DEPENDENCY_UNAVAILABLE (→ 503), never a hang.
 *
 * `call(def, ctx, data)` takes a typed subject (`defineRpc<TReq, TRes>` in libs/contracts) and
 * answers its reply type; `tryCall` answers expected failures as a `Result` instead of throwing.
 * Speaks the wire format of Nest's NATS transport (`{ pattern, data: { ctx, data }, id }` →
 * `{ response | err }`), which RpcServer answers too: one publish per call on one shared inbox.
 */
@Injectable()
export class RpcClient {
  private inbox?: ReplyInbox;
  /** Namespaced subjects by name (the namespace is fixed for the life of the process). */
  private readonly subjects = new Map<string, string>();
  private sequence = 0;

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly defaultTimeoutMs: number,
  ) {}

  /** Sends `data` to the subject of `def` and answers its reply; a contract error is thrown as DomainError. */
  call<TReq, TRes>(def: RpcDef<TReq, TRes>, ctx: RequestContext, data: TReq, timeoutMs?: number): Promise<TRes> {
    const owner = def.owner;
    if (owner) return this.timed(def.name, () => this.viaOwner(def.name, owner, ctx, data, timeoutMs)) as Promise<TRes>;
    return this.send(def.name, ctx, data, timeoutMs) as Promise<TRes>;
  }

  /**
   * Like `call`, but an expected failure (any contract error the service answered with) comes
   * back as `{ ok: false, error }`; a bug on this side, or none of the service, still throws.
   */
  async tryCall<TReq, TRes>(
    def: RpcDef<TReq, TRes>,
    ctx: RequestContext,
    data: TReq,
    timeoutMs?: number,
  ): Promise<Result<TRes>> {
    try {
      return { ok: true, value: await this.call(def, ctx, data, timeoutMs) };
    } catch (err) {
      if (
        err instanceof DomainError &&
        err.code !== ErrorCode.DEPENDENCY_UNAVAILABLE &&
        err.code !== ErrorCode.INTERNAL
      ) {
        return { ok: false, error: err.toPayload() };
      }
      throw err;
    }
  }

  private send(name: string, ctx: RequestContext, data: unknown, timeoutMs?: number): Promise<unknown> {
    return this.timed(name, () => this.transmit(name, ctx, data, timeoutMs));
  }

  /** Every call, timed by name and outcome in `circulate_rpc_duration_seconds{side="client"}`. */
  private timed(name: string, run: () => Promise<unknown>): Promise<unknown> {
    const elapsed = startTimer();
    return run().then(
      (answer) => {
        recordRpc('client', name, 'ok', elapsed());
        return answer;
      },
      (err: unknown) => {
        recordRpc('client', name, outcomeOf(err), elapsed());
        throw err;
      },
    );
  }

  /**
   * A call whose tenant's state lives on one replica goes straight to that owner's subject: one
   * hop, where the shared subject's queue group would often pick another replica that forwards
   * it. When nobody owns the tenant right now (no responders), or the owner is silent and the
   * request may be repeated, the shared subject: there a replica takes the tenant over.
   */
  private async viaOwner<TReq>(
    name: string,
    route: OwnerRoute<TReq>,
    ctx: RequestContext,
    data: TReq,
    timeoutMs?: number,
  ): Promise<unknown> {
    const timeout = timeoutMs ?? this.defaultTimeoutMs;
    const started = Date.now();
    const h = natsHeaders();
    if (ctx.requestId) h.set(Headers.requestId, ctx.requestId);
    const encoded = codec.encode({ op: route.op, ctx, data });
    this.inbox ??= new ReplyInbox(this.nats);
    const { reply, answer } = this.inbox.open(Math.min(timeout, OWNER_WAIT_MS), name);
    try {
      this.nats.nc.publish(route.subjectOf(ctx.tenantId), encoded, { reply, headers: h });
    } catch (err) {
      this.inbox.cancel(reply, toDomainError(err, name));
    }
    let msg: Msg;
    try {
      msg = await answer;
    } catch (err) {
      const left = timeout - (Date.now() - started);
      if ((err instanceof NoResponders || route.repeatable(data)) && left > 0) {
        return this.transmit(name, ctx, data, left);
      }
      throw err;
    }
    let packet: OwnerReply;
    try {
      packet = codec.decode(msg.data) as OwnerReply;
    } catch (err) {
      throw toDomainError(err, name);
    }
    if (packet.ok) return packet.value;
    throw DomainError.fromPayload(packet.error);
  }

  private async transmit(name: string, ctx: RequestContext, data: unknown, timeoutMs?: number): Promise<unknown> {
    let subject = this.subjects.get(name);
    if (subject === undefined) {
      subject = rpcSubject(name);
      this.subjects.set(name, subject);
    }
    const nc = this.nats.nc;
    const h = natsHeaders();
    if (ctx.requestId) h.set(Headers.requestId, ctx.requestId);
    h.set(Headers.tenantId, ctx.tenantId);
    const encoded = codec.encode({ pattern: subject, data: { ctx, data }, id: `${++this.sequence}` });
    // NATS refuses a message over the server's max_payload (1 MB by default) by throwing; the
    // caller sent too much, so that is a 413 naming the limit, not a failed dependency.
    const maxPayload = nc.info?.max_payload;
    if (maxPayload && encoded.length + HEADER_ROOM > maxPayload) {
      throw new DomainError(
        ErrorCode.PAYLOAD_TOO_LARGE,
        `the request is too large to forward (${encoded.length} bytes encoded; at most ${maxPayload - HEADER_ROOM})`,
      );
    }
    this.inbox ??= new ReplyInbox(this.nats);
    const { reply, answer } = this.inbox.open(timeoutMs ?? this.defaultTimeoutMs, name);
    try {
      nc.publish(subject, encoded, { reply, headers: h });
    } catch (err) {
      this.inbox.cancel(reply, toDomainError(err, name));
    }
    const msg = await answer;
    let packet: ReplyPacket;
    try {
      packet = codec.decode(msg.data) as ReplyPacket;
    } catch (err) {
      throw toDomainError(err, name);
    }
    if (packet.err !== undefined && packet.err !== null) throw toDomainError(packet.err, name);
    return packet.response;
  }
}

export function toDomainError(err: unknown, what: string): DomainError {
  if (err instanceof DomainError) return err;
  if (DomainError.isPayload(err)) return DomainError.fromPayload(err);
  if (err instanceof TimeoutError || (err instanceof NatsError && err.code === NatsErrorCode.Timeout)) {
    return new DomainError(ErrorCode.DEPENDENCY_UNAVAILABLE, `the service behind ${what} did not answer in time`);
  }
  const message = String((err as Error)?.message ?? err);
  if (/CONNECTION|closed|disconnect|no responders|no subscribers|Empty response|503/i.test(message)) {
    return new DomainError(ErrorCode.DEPENDENCY_UNAVAILABLE, `the service behind ${what} is unreachable`);
  }
  return new DomainError(ErrorCode.INTERNAL, `the service behind ${what} failed`);
}
