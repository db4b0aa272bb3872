import { ensureTestServers, testServersMode } from './containers';
import type { StartedServer } from './servers';

// The local servers of these tests are addresses nobody listens on only where a test must not reach them.
const local = {
  natsUrl: 'nats://127.0.0.1:4222',
  mongoUrl: 'mongodb://127.0.0.1:27017',
  natsDataDir: '/nonexistent/nats',
  mongoDataDir: '/nonexistent/mongo',
  repoRoot: '/nonexistent',
};

describe('TEST_SERVERS', () => {
  it('defaults to the local servers and accepts only "local" or "containers"', () => {
    expect(testServersMode(undefined)).toBe('local');
    expect(testServersMode('')).toBe('local');
    expect(testServersMode('local')).toBe('local');
    expect(testServersMode('containers')).toBe('containers');
    expect(() => testServersMode('docker')).toThrow('TEST_SERVERS must be "containers" or "local" (got "docker")');
  });

  it('with containers and an engine that answers, uses the containers and not the local servers', async () => {
    const containers: StartedServer[] = [
      { url: 'nats://10.0.0.1:32768', stop: async () => undefined },
      { url: 'mongodb://10.0.0.1:32769/?directConnection=true', stop: async () => undefined },
    ];
    const lines: string[] = [];
    const servers = await ensureTestServers({
      ...local,
      log: (l) => lines.push(l),
      mode: 'containers',
      probe: async () => undefined,
      start: async () => containers,
    });
    expect(servers).toBe(containers);
  });

  it('in the default mode never asks for a container engine', async () => {
    const probe = jest.fn(async () => undefined);
    const start = jest.fn(async () => []);
    await ensureTestServers({ ...local, log: () => undefined, mode: 'local', probe, start });
    expect(probe).not.toHaveBeenCalled();
    expect(start).not.toHaveBeenCalled();
  });
});
