import { ServiceEnv } from '@circulate/platform/nest';
import { Type } from 'class-transformer';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';

export class GatewayEnv extends ServiceEnv {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** `tenant:role:key,…`; only SHA-256 hashes of the keys are kept. */
  @Matches(
    /^$|^[a-zA-Z0-9_-]{1,64}:(admin|staff|storefront):[^,:\s]{8,256}(,[a-zA-Z0-9_-]{1,64}:(admin|staff|storefront):[^,:\s]{8,256})*$/,
    {
      message:
        'API_KEYS must be a comma-separated list of tenant:role:key (role admin|staff|storefront, key ≥ 8 characters)',
    },
  )
  API_KEYS = '';

  /**
   * Largest JSON body (413 above). Below NATS's default max_payload (1 MB), leaving room for
   * the RPC envelope (context, ids) and for re-encoding; RpcClient answers 413 for the rest.
   */
  @IsString()
  @Matches(/^\d+(b|kb|mb)$/i, { message: 'BODY_LIMIT must look like 1mb or 512kb' })
  BODY_LIMIT = '960kb';

  /** Requests slower than this are logged at info; fine, fast ones at debug only. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  SLOW_REQUEST_MS = 500;

  /** Requests per API key (or per client address without one) per second. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_SECOND = 200;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  READY_TIMEOUT_MS = 1500;
}
