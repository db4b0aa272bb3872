import { metricsContentType, metricsText, recordHttp } from '@circulate/platform/messaging';
import type { FastifyInstance } from 'fastify';

/**
 * `circulate_http_request_duration_seconds` and `circulate_http_requests_total` for every answer,
 * labelled with the route template the router matched (`/api/v1/stock-items/:id`, never the raw
 * URL; `unmatched` for a 404 without a route), and `GET /metrics` in Prometheus text format. The
 * route is Fastify's own, outside Nest: no API key, no rate limit, not in the OpenAPI document.
 */
export function registerMetrics(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    recordHttp(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  fastify.get('/metrics', async (_request, reply) => {
    const text = await metricsText();
    return reply.header('content-type', metricsContentType).send(text);
  });
}
