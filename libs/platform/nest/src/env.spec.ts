import { InvalidEnvironmentError, loadEnv, ServiceEnv } from './env';

describe('loadEnv', () => {
  it('applies defaults and converts numbers', () => {
    const env = loadEnv(ServiceEnv, { RPC_TIMEOUT_MS: '1234' });
    expect(env.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(env.RPC_TIMEOUT_MS).toBe(1234);
  });

  it('fails with a message naming each bad variable', () => {
    expect(() => loadEnv(ServiceEnv, { NATS_URL: 'http://x', RPC_TIMEOUT_MS: 'soon' })).toThrow(
      InvalidEnvironmentError,
    );
    try {
      loadEnv(ServiceEnv, { NATS_URL: 'http://x', RPC_TIMEOUT_MS: 'soon' });
    } catch (err) {
      expect(String((err as Error).message)).toMatch(/NATS_URL/);
      expect(String((err as Error).message)).toMatch(/RPC_TIMEOUT_MS/);
    }
  });
});
