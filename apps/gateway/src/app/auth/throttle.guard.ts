import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@circulate/contracts';
import { GatewayEnv } from '../gateway-env';
import { sha256 } from './api-keys';
import type { AuthedRequest } from './auth.guard';

/**
 * Fixed one-second windows counted in one Map that is dropped whole when the second turns:
 * one hash, one lookup and one increment per request, and memory bounded by the callers of
 * the current second. (`@nestjs/throttler`'s guard cost several times that per request: an
 * async storage round, per-key timers and three rate-limit headers on every answer.)
 */
export class RateWindow {
  private second = 0;
  private counts = new Map<string, number>();

  constructor(readonly limit: number) {}

  /** Counts one call of `tracker`; false when it is over the limit for the current second. */
  take(tracker: string, nowMs = Date.now()): boolean {
    const second = Math.floor(nowMs / 1000);
    if (second !== this.second) {
      this.second = second;
      this.counts = new Map();
    }
    const n = (this.counts.get(tracker) ?? 0) + 1;
    this.counts.set(tracker, n);
    return n <= this.limit;
  }
}

/**
 * Rate limits per API key (by the SHA-256 of the header: keys are never kept), or per client
 * address for calls without one. Runs before the auth guard, so unknown keys are limited too.
 */
@Injectable()
export class KeyThrottlerGuard implements CanActivate {
  private readonly window: RateWindow;

  constructor(env: GatewayEnv) {
    this.window = new RateWindow(env.RATE_LIMIT_PER_SECOND);
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const auth = req.headers.authorization;
    if (this.window.take(auth ? `key:${sha256(auth)}` : `ip:${String(req.ip)}`)) return true;
    const res = context.switchToHttp().getResponse<{ header(name: string, value: string): unknown }>();
    res.header('retry-after', '1');
    throw new DomainError(ErrorCode.RATE_LIMITED, `rate limit of ${this.window.limit} requests per 1 s exceeded`);
  }
}
