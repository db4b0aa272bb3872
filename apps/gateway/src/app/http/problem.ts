import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { DomainError, ErrorCode, FieldError } from '@circulate/contracts';

/** The one mapping from contract error code to HTTP status. */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  CONFLICT_DUPLICATE_CODE: 409,
  CONFLICT_DUPLICATE_SLUG: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  UNAVAILABLE: 409,
  INVALID_STATE_TRANSITION: 409,
  TRACKING_IMMUTABLE: 422,
  UNPROCESSABLE: 422,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  DEPENDENCY_UNAVAILABLE: 503,
  INTERNAL: 500,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

export const PROBLEM_BASE = 'https://circulate.dev/problems/';

export function problemFor(
  code: ErrorCode,
  detail: string,
  errors?: FieldError[],
  details?: Record<string, unknown>,
): Problem {
  const status = STATUS_BY_CODE[code] ?? 500;
  const slug = code === ErrorCode.UNAVAILABLE ? 'unavailable' : code.toLowerCase().replace(/_/g, '-');
  return {
    type: `${PROBLEM_BASE}${slug}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors?.length ? { errors } : {}),
    ...(details ?? {}),
  };
}

/** A problem with a status of its own (415, 431…) under a contract code. */
export function problemWithStatus(code: ErrorCode, status: number, detail: string): Problem {
  return { ...problemFor(code, detail), status, title: TITLES[status] ?? 'Error' };
}

/** An error that is already its answer (a 415, say, which no contract code maps to). */
export class HttpProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

/** The reply calls this needs; Fastify's reply (and Express's response) have them. */
export interface ProblemReply {
  status(code: number): this;
  type(contentType: string): this;
  send(body: string): unknown;
}

export function sendProblem(res: ProblemReply, problem: Problem): void {
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

/**
 * Errors Fastify raises itself, before a route runs (they carry `statusCode` and an `FST_…`
 * code): an oversized body, an unsupported content type, an empty JSON body…
 */
function fastifyProblem(exception: unknown): Problem | undefined {
  const e = exception as { code?: unknown; statusCode?: unknown; message?: unknown };
  if (!e || typeof e.code !== 'string' || !e.code.startsWith('FST_') || typeof e.statusCode !== 'number') {
    return undefined;
  }
  const status = e.statusCode;
  if (status === 413) return problemFor(ErrorCode.PAYLOAD_TOO_LARGE, 'the body is larger than the gateway accepts');
  if (status === 415) {
    return problemWithStatus(
      ErrorCode.VALIDATION_FAILED,
      415,
      "the body's Content-Type is not supported: send application/json (application/merge-patch+json on PATCH)",
    );
  }
  if (status === 404) return problemFor(ErrorCode.NOT_FOUND, String(e.message));
  if (status >= 400 && status < 500) return problemWithStatus(ErrorCode.VALIDATION_FAILED, status, String(e.message));
  return undefined;
}

/** Every error becomes RFC 9457 problem+json. Only bugs are 500, and they are logged. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<ProblemReply>();
    sendProblem(res, this.toProblem(exception));
  }

  toProblem(exception: unknown): Problem {
    if (exception instanceof HttpProblem) return exception.problem;
    if (exception instanceof DomainError) {
      if (exception.code === ErrorCode.INTERNAL) this.logger.error(exception.message);
      return problemFor(exception.code, exception.message, exception.errors, exception.details);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code =
        status === HttpStatus.NOT_FOUND
          ? ErrorCode.NOT_FOUND
          : status === HttpStatus.PAYLOAD_TOO_LARGE
            ? ErrorCode.PAYLOAD_TOO_LARGE
            : status === HttpStatus.TOO_MANY_REQUESTS
              ? ErrorCode.RATE_LIMITED
              : status < 500
                ? ErrorCode.VALIDATION_FAILED
                : ErrorCode.INTERNAL;
      const p = problemFor(code, exception.message);
      return { ...p, status, title: TITLES[status] ?? p.title };
    }
    const fromFastify = fastifyProblem(exception);
    if (fromFastify) return fromFastify;
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return problemFor(ErrorCode.INTERNAL, 'internal error');
  }
}
