import { BadRequestException, Logger, ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, ErrorCode, ErrorPayload, FieldError } from '@circulate/contracts';

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
