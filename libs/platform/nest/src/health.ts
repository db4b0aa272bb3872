import { Controller, Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { healthCall, ServiceHealth, ServiceName } from '@circulate/contracts';
import { Handles, NatsConnectionService } from '@circulate/platform/messaging';
import type { Connection } from 'mongoose';

export async function pingMongo(db: Connection, timeoutMs = 1000): Promise<boolean> {
  try {
    if (db.readyState !== 1 || !db.db) return false;
    await Promise.race([
      db.db.admin().ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs)),
    ]);
    return true;
  } catch {
    return false;
  }
}

@Injectable()
export class HealthProbe {
  constructor(
    @InjectConnection() private readonly db: Connection,
    private readonly nats: NatsConnectionService,
  ) {}

  async check(service: string): Promise<ServiceHealth> {
    const [mongo, nats] = await Promise.all([pingMongo(this.db), this.nats.ping()]);
    return {
      service,
      status: mongo && nats ? 'up' : 'down',
      mongo: mongo ? 'up' : 'down',
      nats: nats ? 'up' : 'down',
      version: process.env['npm_package_version'] ?? '0.0.0',
    };
  }
}

/** The health subject of one service: answers whether its database and NATS answer. */
export function healthController(service: ServiceName) {
  @Controller()
  class ServiceHealthController {
    constructor(readonly probe: HealthProbe) {}

    @Handles(healthCall(service))
    health(): Promise<ServiceHealth> {
      return this.probe.check(service);
    }
  }
  return ServiceHealthController;
}
