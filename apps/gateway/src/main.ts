import 'reflect-metadata';
import { IncomingMessage, maxHeaderSize } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { memoiseValidationMetadata, startProcessMetrics } from '@circulate/platform/messaging';
import { loadEnv, requestIdOf, runMain } from '@circulate/platform/nest';
import { Logger, PinoLogger } from 'nestjs-pino';
import { gatewayModule } from './app/app.module';
import { GatewayEnv } from './app/gateway-env';
import { clientErrorHandler, registerAnswerHeaders, registerRequestLog } from './app/http/http-server';
import { parseByteSize, registerJsonBody } from './app/http/json-body';
import { registerMetrics } from './app/http/metrics';

runMain(async () => {
  // class-validator re-scans every known class per validated object; its rules are fixed after load.
  memoiseValidationMetadata();
  const env = loadEnv(GatewayEnv);
  const bodyLimit = parseByteSize(env.BODY_LIMIT);
  startProcessMetrics('gateway');
  // Fastify rather than Express: its router, reply and hooks cost a fraction of Express's
  // middleware chain per request (see README, "Gateway HTTP layer").
  const adapter = new FastifyAdapter({
    bodyLimit,
    trustProxy: 'loopback',
    genReqId: (req: IncomingMessage) => requestIdOf(req),
    clientErrorHandler: clientErrorHandler(maxHeaderSize),
    logger: false,
    // Fastify answers a path segment over 100 characters with its own bare 414; let any id reach
    // the routes (the URL as a whole is bounded by the 16 KB header limit), which answer 404/400.
    maxParamLength: 8192,
  });
  const app = await NestFactory.create<NestFastifyApplication>(gatewayModule(env), adapter, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  registerJsonBody(fastify, bodyLimit);
  registerAnswerHeaders(fastify);
  registerRequestLog(fastify, () => PinoLogger.root, env.SLOW_REQUEST_MS);
  registerMetrics(fastify);
  app.setGlobalPrefix('api/v1', { exclude: ['health/live', 'health/ready'] });
  const openApi = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Circulate')
      .setDescription(
        'Inventory, catalog and availability for rental and resale businesses. Errors are application/problem+json.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, openApi, { jsonDocumentUrl: 'api/openapi.json', useGlobalPrefix: false });
  app.enableShutdownHooks();
  await app.listen(env.PORT, '0.0.0.0');
  app.get(Logger).log(`gateway listening on http://127.0.0.1:${env.PORT}/api/v1`);
});
