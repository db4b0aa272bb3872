import 'reflect-metadata';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { loadEnv, requestIdOf, runMain } from '@circulate/platform/nest';
import { Headers } from '@circulate/contracts';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { gatewayModule } from './app/app.module';
import { GatewayEnv } from './app/gateway-env';
import { jsonBody } from './app/http/json-body';

runMain(async () => {
  const env = loadEnv(GatewayEnv);
  const app = await NestFactory.create<NestExpressApplication>(gatewayModule(env), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.set('trust proxy', 'loopback');
  // No weak ETags: Express would hash every JSON answer for them, and no client here revalidates.
  app.set('etag', false);
  // Every answer names its request id; the same id travels to the services in NATS headers.
  app.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
    res.setHeader(Headers.requestId, requestIdOf(req));
    next();
  });
  app.use(helmet({ contentSecurityPolicy: false }));
  app.use(jsonBody(env.BODY_LIMIT));
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
  await app.listen(env.PORT);
  app.get(Logger).log(`gateway listening on http://127.0.0.1:${env.PORT}/api/v1`);
});
