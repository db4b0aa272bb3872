import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import { Headers } from '@circulate/contracts';
import { Observable, tap } from 'rxjs';

/** One log line per handled request, with the request id that came from the gateway. */
@Injectable()
export class RpcLoggingInterceptor implements NestInterceptor {
  private readonly logger = new Logger('rpc');

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const nats = context.switchToRpc().getContext<NatsContext>();
    const subject = nats.getSubject();
    const requestId = nats.getHeaders()?.get(Headers.requestId) || undefined;
    const started = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - started) / 1e6;
    return next.handle().pipe(
      tap({
        next: () => this.logger.debug({ subject, requestId, ms: ms() }, 'handled'),
        error: (err: { code?: string }) =>
          this.logger.warn({ subject, requestId, ms: ms(), code: err?.code }, 'failed'),
      }),
    );
  }
}
