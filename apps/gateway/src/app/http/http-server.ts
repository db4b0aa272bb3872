import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ErrorCode, Headers } from '@circulate/contracts';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';
import type { Logger as PinoRoot } from 'pino';
import { problemWithStatus } from './problem';

/**
 * Helmet's headers (CSP off: this is a JSON API), computed once by running helmet against a
 * recording response at startup, then set with one call per answer: helmet itself runs a
 * dozen middlewares per request, which cost more than the route on /health/live.
 */
export function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: () => undefined,
    getHeader: () => undefined,
  } as unknown as ServerResponse;
  helmet({ contentSecurityPolicy: false })({ headers: {} } as IncomingMessage, recorder, () => undefined);
  return headers;
}

/**
 * Every answer names its request id (the caller's sane `x-request-id`, else a new UUID: the
 * adapter's genReqId) and carries the security headers. The same id travels to the services.
 */
export function registerAnswerHeaders(fastify: FastifyInstance): void {
  const fixed = securityHeaders();
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.headers(fixed);
    reply.header(Headers.requestId, request.id);
    done();
  });
}

/**
 * The request log: one line per answer that is an error (5xx at error, 4xx at warn) or slow
 * (≥ `slowMs`, at info); answers that are fine and fast are logged at debug only. At info a
 * busy gateway wrote one synchronous log line per request, which took more CPU than the
 * request itself (the profile's largest item); errors and slow requests are what an operator
 * reads, and metrics count the rest.
 */
export function registerRequestLog(fastify: FastifyInstance, loggerOf: () => PinoRoot, slowMs: number): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    const ms = reply.elapsedTime;
    const logger = loggerOf();
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : ms >= slowMs ? 'info' : 'debug';
    if (logger.isLevelEnabled(level)) {
      logger[level](
        {
          req: { id: request.id, method: request.method, url: request.url },
          res: { statusCode: status },
          responseTime: Math.round(ms),
        },
        status >= 500 ? 'request errored' : 'request completed',
      );
    }
    done();
  });
}

/**
 * Answers Node's own refusals (before any route: a request line plus headers over Node's
 * `maxHeaderSize`, 16 KB by default, or an unparsable request) as problem+json, where Node
 * and Fastify would write a bare status or their own JSON. When the request line takes more
 * than half of the limit the URL is what is too long (414); otherwise the headers are (431).
 */
export function clientErrorHandler(maxHeaderSize: number) {
  return (err: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    let problem;
    if (err.code === 'HPE_HEADER_OVERFLOW') {
      const raw = Buffer.isBuffer(err.rawPacket) ? err.rawPacket : undefined;
      const lineEnd = raw ? raw.indexOf('\r\n') : -1;
      const urlTooLong = lineEnd === -1 || lineEnd > maxHeaderSize / 2;
      problem = urlTooLong
        ? problemWithStatus(ErrorCode.VALIDATION_FAILED, 414, `the URL is longer than ${maxHeaderSize} bytes`)
        : problemWithStatus(
            ErrorCode.VALIDATION_FAILED,
            431,
            `the request line and headers are larger than ${maxHeaderSize} bytes`,
          );
    } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      problem = problemWithStatus(ErrorCode.VALIDATION_FAILED, 408, 'the request did not arrive in time');
      problem.title = 'Request Timeout';
    } else {
      problem = problemWithStatus(ErrorCode.VALIDATION_FAILED, 400, 'the request is not valid HTTP');
    }
    const body = JSON.stringify(problem);
    if (!socket.writable) return void socket.destroy();
    socket.end(
      `HTTP/1.1 ${problem.status} ${problem.title}\r\n` +
        'Content-Type: application/problem+json\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  };
}
