import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { DomainError, ErrorCode } from '@circulate/contracts';
import { sha256 } from './api-keys';

/** Rate limits per API key (by its hash), or per client address for unauthenticated calls. */
@Injectable()
export class KeyThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const auth = (req['headers'] as Record<string, string | undefined>)?.['authorization'];
    return auth ? `key:${sha256(auth)}` : `ip:${String(req['ip'])}`;
  }

  protected override async throwThrottlingException(
    _ctx: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new DomainError(
      ErrorCode.RATE_LIMITED,
      `rate limit of ${detail.limit} requests per ${detail.ttl / 1000} s exceeded`,
    );
  }
}
