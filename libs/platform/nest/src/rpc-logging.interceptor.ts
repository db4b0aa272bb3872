import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import { Headers, rpcSubject } from '@circulate/contracts';
import { outcomeOf, recordRpc } from '@circulate/platform/messaging';
import { Observable, tap } from 'rxjs';

/**
 * One log line per handled request, with the request id that came from the gateway, and its
 * time in `circulate_rpc_duration_seconds{side="server"}` by RPC name and outcome.
 */
@Injectable()
export class RpcLoggingInterceptor implements NestInterceptor {
  private readonly logger = new Logger('rpc');
  private readonly prefix = rpcSubject('');

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const nats = context.switchToRpc().getContext<NatsContext>();
    const subject = nats.getSubject();
    const requestId = nats.getHeaders()?.get(Headers.requestId) || undefined;
    const started = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - started) / 1e6;
    const name = subject.startsWith(this.prefix) ? subject.slice(this.prefix.length) : subject;
    return next.handle().pipe(
      tap({
        next: () => {
          const took = ms();
          recordRpc('server', name, 'ok', took / 1000);
          this.logger.debug({ subject, requestId, ms: took }, 'handled');
        },
        error: (err: { code?: string }) => {
          const took = ms();
          recordRpc('server', name, outcomeOf(err), took / 1000);
          this.logger.warn({ subject, requestId, ms: took, code: err?.code }, 'failed');
        },
      }),
    );
  }
}
