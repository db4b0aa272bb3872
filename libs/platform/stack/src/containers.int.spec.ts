import { ensureTestServers, probeContainerEngine } from './containers';
import { hostPort, tcpAnswers } from './servers';
import { findRepoRoot } from './test-stack';

const natsUrl = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const mongoUrl = process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27017';

describe('TEST_SERVERS=containers on a machine without a container engine', () => {
  let engineMissing: string | undefined;
  beforeAll(async () => {
    engineMissing = await probeContainerEngine();
  });

  it('says so in one line and uses the local servers', async () => {
    if (engineMissing === undefined) {
      // With an engine this run starts real containers instead: that path is `TEST_SERVERS=containers npm test`.
      return;
    }
    const lines: string[] = [];
    const root = findRepoRoot(__dirname);
    const servers = await ensureTestServers({
      natsUrl,
      mongoUrl,
      natsDataDir: `${root}/.data/test/nats`,
      mongoDataDir: `${root}/.data/test/ferretdb`,
      repoRoot: root,
      log: (l) => lines.push(l),
      mode: 'containers',
    });
    try {
      const engineLines = lines.filter((l) => l.includes('container engine'));
      expect(engineLines).toEqual([
        `TEST_SERVERS=containers: no container engine answers (${engineMissing}); using the local servers`,
      ]);
      expect(servers.map((s) => s.url)).toEqual([natsUrl, mongoUrl]);
      const nats = hostPort(natsUrl, 4222);
      const mongo = hostPort(mongoUrl, 27017);
      expect(await tcpAnswers(nats.host, nats.port)).toBe(true);
      expect(await tcpAnswers(mongo.host, mongo.port)).toBe(true);
    } finally {
      for (const s of servers.reverse()) await s.stop();
    }
  }, 60_000);
});
