import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectConnection } from '@nestjs/mongoose';
import { healthCall, Services, SYSTEM_TENANT } from '@circulate/contracts';
import { NatsConnectionService, RpcClient } from '@circulate/platform/messaging';
import { pingMongo } from '@circulate/platform/nest';
import type { FastifyReply } from 'fastify';
import type { Connection } from 'mongoose';
import { Public } from '../auth/auth.guard';
import { GatewayEnv } from '../gateway-env';

@ApiExcludeController()
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly nats: NatsConnectionService,
    @InjectConnection() private readonly db: Connection,
    private readonly env: GatewayEnv,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready when NATS, the gateway's database and every service answer; 503 otherwise. */
  @Get('ready')
  async ready(@Res() res: FastifyReply): Promise<void> {
    const timeout = this.env.READY_TIMEOUT_MS;
    const [nats, mongo, ...services] = await Promise.all([
      this.nats.ping(timeout),
      pingMongo(this.db, timeout),
      ...Services.filter((s) => s !== 'gateway').map(async (service) => {
        try {
          const h = await this.rpc.call(healthCall(service), { tenantId: SYSTEM_TENANT, role: 'admin' }, {}, timeout);
          return [service, h.status] as const;
        } catch {
          return [service, 'down'] as const;
        }
      }),
    ]);
    const checks: Record<string, string> = { nats: nats ? 'up' : 'down', mongo: mongo ? 'up' : 'down' };
    for (const [service, status] of services) checks[service] = status;
    const ok = Object.values(checks).every((s) => s === 'up');
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).send({ status: ok ? 'ok' : 'unavailable', checks });
  }
}
