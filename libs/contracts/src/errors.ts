/**
 * The closed set of error codes that may cross a service boundary.
 * Services throw or return these; the gateway maps each to exactly one HTTP status.
 */
export const ErrorCode = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  CONFLICT_DUPLICATE_CODE: 'CONFLICT_DUPLICATE_CODE',
  CONFLICT_DUPLICATE_SLUG: 'CONFLICT_DUPLICATE_SLUG',
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  UNAVAILABLE: 'UNAVAILABLE',
  INVALID_STATE_TRANSITION: 'INVALID_STATE_TRANSITION',
  TRACKING_IMMUTABLE: 'TRACKING_IMMUTABLE',
  UNPROCESSABLE: 'UNPROCESSABLE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  RATE_LIMITED: 'RATE_LIMITED',
  DEPENDENCY_UNAVAILABLE: 'DEPENDENCY_UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

export interface FieldError {
  field: string;
  message: string;
}

/** The wire shape of an error crossing NATS (and the body of a typed failure result). */
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  errors?: FieldError[];
  /** Extra machine-readable detail, e.g. per-line availability for UNAVAILABLE. */
  details?: Record<string, unknown>;
}

/** An expected failure with a contract error code. Bugs are plain Errors and surface as INTERNAL. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors?: FieldError[],
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  toPayload(): ErrorPayload {
    return {
      code: this.code,
      message: this.message,
      ...(this.errors ? { errors: this.errors } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }

  static isPayload(value: unknown): value is ErrorPayload {
    return (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as ErrorPayload).code === 'string' &&
      KNOWN_CODES.has((value as ErrorPayload).code)
    );
  }

  static fromPayload(payload: ErrorPayload): DomainError {
    return new DomainError(payload.code, payload.message, payload.errors, payload.details);
  }

  static notFound(what: string, id: string): DomainError {
    return new DomainError(ErrorCode.NOT_FOUND, `${what} ${id} was not found`);
  }

  static invalid(field: string, message: string): DomainError {
    return new DomainError(ErrorCode.VALIDATION_FAILED, `${field}: ${message}`, [{ field, message }]);
  }
}

/** A typed result for operations whose failure is expected (Vendure style): callers must look. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload };
