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
/** Room kept in a message for its NATS headers (request id, tenant: well under this). */
const HEADER_ROOM = 4096;
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
    const encoded = codec.encode(packet);
    // NATS refuses a message over the server's max_payload (1 MB by default) by throwing; the
    // caller sent too much, so that is a 413 naming the limit, not a failed dependency.
    const maxPayload = this.nats.nc.info?.max_payload;
    if (maxPayload && encoded.length + HEADER_ROOM > maxPayload) {
      throw new DomainError(
        ErrorCode.PAYLOAD_TOO_LARGE,
        `the request is too large to forward (${encoded.length} bytes encoded; at most ${maxPayload - HEADER_ROOM})`,
      );
    }
    let reply: ReplyPacket;
    try {
      const msg = await this.nats.nc.request(subject, encoded, {
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
