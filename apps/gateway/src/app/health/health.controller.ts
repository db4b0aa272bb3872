import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { healthCall, ServiceHealth, ServiceName, Services, SYSTEM_TENANT } from '@circulate/contracts';
import { RpcClient } from '@circulate/platform/messaging';
import { checksOf, HealthIndicators } from '@circulate/platform/nest';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.guard';

const SERVICES = Services.filter((s): s is Exclude<ServiceName, 'gateway'> => s !== 'gateway');

@ApiExcludeController()
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly health: HealthIndicators,
    private readonly indicators: HealthIndicatorService,
  ) {}

  /** The process runs: asks no dependency (a restart would not fix one that is down). */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Ready when NATS, the gateway's database and every service (its health subject: its own
   * NATS, database and stream) answer; 503 otherwise. Terminus's answer (`status`, `info`,
   * `error`, `details` with the reason of each check that is down) plus `checks`, name → up/down.
   */
  @Get('ready')
  async ready(@Res() res: FastifyReply): Promise<void> {
    const result = await this.health.run([
      () => this.health.natsUp(),
      () => this.health.mongoUp(),
      ...SERVICES.map((service) => () => this.serviceUp(service)),
    ]);
    res
      .status(result.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .send({ ...result, checks: checksOf(result) });
  }

  private async serviceUp(service: ServiceName): Promise<HealthIndicatorResult> {
    const check = this.indicators.check(service);
    const timeout = this.health.timeout;
    let h: ServiceHealth;
    try {
      h = await this.rpc.call(healthCall(service), { tenantId: SYSTEM_TENANT, role: 'admin' }, {}, timeout);
    } catch (err) {
      return check.down({ message: `no answer to its health request within ${timeout} ms: ${(err as Error).message}` });
    }
    if (h.status === 'up') return check.up({ version: h.version });
    const down = Object.entries(h.details ?? { mongo: { status: h.mongo }, nats: { status: h.nats } })
      .filter(([, d]) => d.status !== 'up')
      .map(([name, d]) => (typeof d['message'] === 'string' ? `${name}: ${d['message']}` : name));
    return check.down({ message: `its own readiness failed (${down.join('; ') || 'unknown'})`, checks: h.details });
  }
}
