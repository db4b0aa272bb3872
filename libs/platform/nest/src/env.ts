import { NAMESPACE_PATTERN } from '@circulate/contracts';
import { plainToInstance, Type } from 'class-transformer';
import { IsIn, IsInt, IsString, Matches, Max, Min, validateSync } from 'class-validator';

/** Environment every service reads. Defaults make a bare `node main.js` work on one machine. */
export class ServiceEnv {
  @Matches(/^(nats|tls|ws|wss):\/\/[^\s]+$/, {
    message: 'NATS_URL must look like nats://host:4222 (comma-separate several)',
  })
  NATS_URL = 'nats://127.0.0.1:4222';

  @Matches(/^mongodb(\+srv)?:\/\/[^\s]+$/, { message: 'MONGO_URL must look like mongodb://host:27017' })
  MONGO_URL = 'mongodb://127.0.0.1:27017';

  @Matches(NAMESPACE_PATTERN, { message: `CIRCULATE_NS must match ${NAMESPACE_PATTERN}` })
  CIRCULATE_NS = 'circulate';

  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(120_000)
  RPC_TIMEOUT_MS = 5000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsString()
  NODE_ENV = 'production';

  /** `off` stops recording metrics (read by @circulate/platform/messaging's metrics.ts; validated here). */
  @IsIn(['on', 'off'])
  METRICS = 'on';

  /** Port of the plain-HTTP health probes of a service (0 = none; the gateway has its own). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  HEALTH_PORT = 0;

  /**
   * Read caches of a service's hot documents (inventory: codes, stock items, SKUs), coherent
   * across replicas: the longest an entry is served without a re-read (0 = no caching)…
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  READ_CACHE_TTL_MS = 300_000;

  /** …and how many entries each cache keeps (least recently used go first). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  READ_CACHE_MAX_ENTRIES = 50_000;

  /**
   * How often the outbox sweep scans every collection anyway (0 = never, the default: it runs
   * when a replica of the service dies without leaving, see ReplicaRoster).
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  OUTBOX_SWEEP_MS = 0;

  /** Inventory: how long a SKU edit waits for its linked items' snapshots before answering. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  SKU_FANOUT_WAIT_MS = 1_500;

  /** Inventory: how long after a SKU event the recovery consumer re-checks the linked items. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  SKU_FANOUT_GRACE_MS = 10_000;

  /** Reporting: currency of report money for items with no purchase price nor ledger entry. */
  @Matches(/^[A-Z]{3}$/, { message: 'REPORTING_DEFAULT_CURRENCY must be an ISO 4217 code such as EUR' })
  REPORTING_DEFAULT_CURRENCY = 'EUR';

  /** Reporting: `off` only to show that the tests catch double counting. */
  @IsIn(['on', 'off'])
  REPORTING_IDEMPOTENCY = 'on';

  /**
   * Reporting: at least this long between two writes of the projections (what arrives meanwhile
   * goes into the next one): fewer, larger writes, at that much more delay before a fact is
   * visible in the reports.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000)
  REPORTING_FLUSH_MS = 100;
}

/**
 * Reads and validates the environment at boot. A bad variable stops the process with a
 * message that names it, before anything connects anywhere.
 */
export function loadEnv<T extends object>(cls: new () => T, source: NodeJS.ProcessEnv = process.env): T {
  const defaults = new cls() as Record<string, unknown>;
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(defaults)) raw[key] = source[key] ?? defaults[key];
  for (const [key, value] of Object.entries(source)) if (!(key in raw) && key in defaults) raw[key] = value;
  const env = plainToInstance(cls, raw);
  const errors = validateSync(env as object, { skipMissingProperties: false });
  if (errors.length) {
    const lines = errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `  ${e.property}: ${m}`));
    throw new InvalidEnvironmentError(`Invalid environment:\n${lines.join('\n')}`);
  }
  // Keep CIRCULATE_NS visible to the contracts' subject helpers.
  process.env['CIRCULATE_NS'] = String((env as Record<string, unknown>)['CIRCULATE_NS'] ?? 'circulate');
  return env;
}

export class InvalidEnvironmentError extends Error {}
