import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, Headers, RequestContext, rpcSubject } from '@circulate/contracts';
import { ErrorCode as NatsErrorCode, headers as natsHeaders, JSONCodec, NatsError } from 'nats';
import { TimeoutError } from 'rxjs';
import { NatsConnectionService } from './nats-connection';

/** What Nest's NATS transport answers: `response`, or `err` (a contract error payload). */
interface ReplyPacket {
  id?: string;
  response?: unknown;
  err?: unknown;
  isDisposed?: boolean;
}

const codec = JSONCodec<unknown>();
let sequence = 0;

/**
 * Request-reply over NATS with a timeout on every call. Errors come back as the same
 * contract error code they were thrown with; a silent or missing service is
 * DEPENDENCY_UNAVAILABLE (→ 503), never a hang.
 *
 * Speaks the wire format of Nest's NATS transport (`{ pattern, data, id }` → `{ response | err }`)
 * through nats.js's own request(), whose replies share one inbox subscription: one protocol
 * write per call instead of Nest's ClientProxy's subscribe + publish + unsubscribe (socket
 * writes are the dearest part of a call on a small machine).
 */
@Injectable()
export class RpcClient {
  constructor(
    private readonly nats: NatsConnectionService,
    private readonly defaultTimeoutMs: number,
  ) {}

  async request<TRes, TReq = unknown>(
    name: string,
    ctx: RequestContext,
    data: TReq,
    timeoutMs?: number,
  ): Promise<TRes> {
    const subject = rpcSubject(name);
    const h = natsHeaders();
    if (ctx.requestId) h.set(Headers.requestId, ctx.requestId);
    h.set(Headers.tenantId, ctx.tenantId);
    const packet = { pattern: subject, data: { ctx, data }, id: `${process.pid}-${++sequence}` };
    let reply: ReplyPacket;
    try {
      const msg = await this.nats.nc.request(subject, codec.encode(packet), {
        timeout: timeoutMs ?? this.defaultTimeoutMs,
        headers: h,
      });
      reply = codec.decode(msg.data) as ReplyPacket;
    } catch (err) {
      throw toDomainError(err, name);
    }
    if (reply.err !== undefined && reply.err !== null) throw toDomainError(reply.err, name);
    return reply.response as TRes;
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
