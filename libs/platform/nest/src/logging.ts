import { DynamicModule, RequestMethod } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { Headers } from '@circulate/contracts';

/** The request's id: a sane `x-request-id` from the caller, else a new UUID; set once per request. */
export function requestIdOf(req: IncomingMessage & { id?: unknown }): string {
  if (typeof req.id === 'string') return req.id;
  const given = req.headers[Headers.requestId];
  req.id = typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
  return req.id as string;
}

/**
 * Structured JSON logs; HTTP requests carry an id that travels on to the services.
 * `httpRequests: false` attaches no per-request pino-http middleware (the gateway logs its
 * requests from a Fastify hook, only the ones worth reading; see the gateway's http-server.ts).
 */
export function loggingModule(service: string, level: string, options: { httpRequests?: boolean } = {}): DynamicModule {
  return LoggerModule.forRoot({
    // Every route, in Nest 11's path syntax (nestjs-pino's default '*' draws a deprecation warning).
    forRoutes: options.httpRequests === false ? [] : [{ path: '{*splat}', method: RequestMethod.ALL }],
    pinoHttp: {
      level,
      name: service,
      genReqId: (req: IncomingMessage) => requestIdOf(req),
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      redact: ['req.headers.authorization'],
    },
  });
}
