import { ensureMongo, ensureNats, Log, StartedServer } from './servers';

/** Images TEST_SERVERS=containers runs: MongoDB 7 as a single-node replica set, NATS 2.10 with JetStream. */
export const CONTAINER_IMAGES = { mongo: 'mongo:7.0', nats: 'nats:2.10-alpine' } as const;

export type TestServersMode = 'local' | 'containers';

/** TEST_SERVERS: unset or `local` (default: the servers on NATS_URL / MONGO_URL), or `containers`. */
export function testServersMode(value = process.env['TEST_SERVERS']): TestServersMode {
  if (value === undefined || value === '' || value === 'local') return 'local';
  if (value === 'containers') return 'containers';
  throw new Error(`TEST_SERVERS must be "containers" or "local" (got "${value}")`);
}

/** Why no container engine can be used, or undefined when one answers. */
export type EngineProbe = () => Promise<string | undefined>;

/** Asks testcontainers for a working container runtime (Docker, Podman, …) without starting anything. */
export const probeContainerEngine: EngineProbe = async () => {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return undefined;
  } catch (err) {
    return (err instanceof Error ? err.message : String(err)).split('\n')[0];
  }
};

/** Starts the two containers; the URLs it returns are what the apps and tests connect to. */
export async function startContainers(log: Log): Promise<StartedServer[]> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const { MongoDBContainer } = await import('@testcontainers/mongodb');
  log(`starting ${CONTAINER_IMAGES.nats} (-js) and ${CONTAINER_IMAGES.mongo} (single-node replica set)`);
  const [nats, mongo] = await Promise.all([
    new GenericContainer(CONTAINER_IMAGES.nats)
      .withCommand(['-js', '-sd', '/data'])
      .withExposedPorts(4222)
      .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
      .start(),
    // MongoDBContainer initiates replica set rs0 and waits until it is primary.
    new MongoDBContainer(CONTAINER_IMAGES.mongo).start(),
  ]);
  return [
    {
      url: `nats://${nats.getHost()}:${nats.getMappedPort(4222)}`,
      stop: async () => void (await nats.stop()),
    },
    {
      // The member's advertised host is the container's own name: connect to it directly.
      url: `${mongo.getConnectionString()}/?directConnection=true`,
      stop: async () => void (await mongo.stop()),
    },
  ];
}

export interface TestServersOptions {
  natsUrl: string;
  mongoUrl: string;
  natsDataDir: string;
  mongoDataDir: string;
  repoRoot: string;
  log: Log;
  mode?: TestServersMode;
  probe?: EngineProbe;
  start?: (log: Log) => Promise<StartedServer[]>;
}

/**
 * The NATS and MongoDB servers of a test run, `[nats, mongo]`. By default (TEST_SERVERS unset)
 * exactly ensureNats + ensureMongo. With TEST_SERVERS=containers, containers when an engine
 * answers; when none does, one line says so and the local servers are used.
 */
export async function ensureTestServers(o: TestServersOptions): Promise<StartedServer[]> {
  const mode = o.mode ?? testServersMode();
  if (mode === 'containers') {
    const why = await (o.probe ?? probeContainerEngine)();
    if (why === undefined) return (o.start ?? startContainers)(o.log);
    o.log(`TEST_SERVERS=containers: no container engine answers (${why}); using the local servers`);
  }
  return [
    await ensureNats(o.natsUrl, o.natsDataDir, o.log),
    await ensureMongo(o.mongoUrl, o.mongoDataDir, o.repoRoot, o.log),
  ];
}
