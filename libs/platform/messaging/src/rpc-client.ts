import { Injectable } from '@nestjs/common';
import { ClientProxy, NatsRecordBuilder } from '@nestjs/microservices';
import { DomainError, ErrorCode, Headers, RequestContext, rpcSubject } from '@circulate/contracts';
import { headers as natsHeaders } from 'nats';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';

export const NATS_CLIENT = Symbol('NATS_CLIENT');

/**
 * Request-reply over NATS with a timeout on every call. Errors come back as the same
 * contract error code they were thrown with; a silent or missing service is
 * DEPENDENCY_UNAVAILABLE (→ 503), never a hang.
 */
@Injectable()
export class RpcClient {
  constructor(
    private readonly client: ClientProxy,
    private readonly defaultTimeoutMs: number,
  ) {}

  async request<TRes, TReq = unknown>(
    name: string,
    ctx: RequestContext,
    data: TReq,
    timeoutMs?: number,
  ): Promise<TRes> {
    const h = natsHeaders();
    if (ctx.requestId) h.set(Headers.requestId, ctx.requestId);
    h.set(Headers.tenantId, ctx.tenantId);
    const record = new NatsRecordBuilder({ ctx, data }).setHeaders(h).build();
    try {
      return await firstValueFrom(
        this.client.send<TRes>(rpcSubject(name), record).pipe(timeout(timeoutMs ?? this.defaultTimeoutMs)),
      );
    } catch (err) {
      throw toDomainError(err, name);
    }
  }
}

export function toDomainError(err: unknown, what: string): DomainError {
  if (err instanceof DomainError) return err;
  if (DomainError.isPayload(err)) return DomainError.fromPayload(err);
  if (err instanceof TimeoutError) {
    return new DomainError(ErrorCode.DEPENDENCY_UNAVAILABLE, `the service behind ${what} did not answer in time`);
  }
  const message = String((err as Error)?.message ?? err);
  if (/CONNECTION|closed|disconnect|no responders|no subscribers|Empty response|503/i.test(message)) {
    return new DomainError(ErrorCode.DEPENDENCY_UNAVAILABLE, `the service behind ${what} is unreachable`);
  }
  return new DomainError(ErrorCode.INTERNAL, `the service behind ${what} failed`);
}
