import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  createParamDecorator,
  ExecutionContext,
  Logger,
  RpcExceptionFilter,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { DomainError, ErrorCode, ErrorPayload, FieldError, RequestContext, RpcEnvelope } from '@circulate/contracts';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { Observable, throwError } from 'rxjs';

/** Flattens class-validator errors into `{ field, message }` pairs with dotted paths. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    for (const message of Object.values(e.constraints ?? {})) out.push({ field, message });
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

export function validationError(errors: ValidationError[]): DomainError {
  const fieldErrors = flattenValidationErrors(errors);
  return new DomainError(
    ErrorCode.VALIDATION_FAILED,
    fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; ') || 'invalid input',
    fieldErrors,
  );
}

export const STRICT_VALIDATION = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
} as const;

/** Validates what a service receives, exactly as the gateway validated what it sent. */
export function rpcValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    ...STRICT_VALIDATION,
    validateCustomDecorators: true,
    exceptionFactory: (errors) => validationError(errors),
  });
}

function envelopeOf(ctx: ExecutionContext): RpcEnvelope {
  const raw = ctx.switchToRpc().getData<RpcEnvelope>();
  if (!raw || typeof raw !== 'object') throw new DomainError(ErrorCode.VALIDATION_FAILED, 'message is not an envelope');
  return raw;
}

/**
 * The validated request context (tenant, role, request id) of an RPC message, for `@MessagePattern`
 * handlers. `@Handles` methods get `(ctx, data)` by position from RpcServer, which validates both;
 * there these two decorators only label the parameters.
 */
export const RpcCtx = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext => {
  const instance = plainToInstance(RequestContext, envelopeOf(ctx).ctx ?? {});
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw validationError(errors.map((e) => ({ ...e, property: `ctx.${e.property}` })));
  return instance;
});

/** The payload of an RPC message; validated by the global pipe against the parameter's class. */
export const RpcData = createParamDecorator((_: unknown, ctx: ExecutionContext): unknown => envelopeOf(ctx).data ?? {});

/**
 * Every error leaving a service becomes a contract error payload. Expected failures keep
 * their code; anything else is a bug, logged here and reported as INTERNAL.
 */
@Catch()
export class RpcErrorFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('RpcErrorFilter');

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => errorPayloadOf(exception, this.logger));
  }
}

/** The contract error payload of anything a handler threw; what is not a contract error is logged as a bug. */
export function errorPayloadOf(exception: unknown, logger: Logger): ErrorPayload {
  if (exception instanceof DomainError) return exception.toPayload();
  if (DomainError.isPayload(exception)) return exception;
  if (exception instanceof BadRequestException) {
    return { code: ErrorCode.VALIDATION_FAILED, message: exception.message };
  }
  logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
  return { code: ErrorCode.INTERNAL, message: 'internal error' };
}
