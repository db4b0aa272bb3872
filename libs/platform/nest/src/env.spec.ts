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

  it('validates the tuning settings of the services (fan-out, sweeper, reporting) too', () => {
    const env = loadEnv(ServiceEnv, { SKU_FANOUT_GRACE_MS: '0', OUTBOX_SWEEP_MS: '500' });
    expect(env.SKU_FANOUT_GRACE_MS).toBe(0);
    expect(env.OUTBOX_SWEEP_MS).toBe(500);
    expect(env.SKU_FANOUT_WAIT_MS).toBe(1500);
    expect(env.REPORTING_DEFAULT_CURRENCY).toBe('EUR');
    const bad = { SKU_FANOUT_WAIT_MS: 'later', OUTBOX_SWEEP_MS: '-1', REPORTING_DEFAULT_CURRENCY: 'euro' };
    for (const name of Object.keys(bad)) expect(() => loadEnv(ServiceEnv, bad)).toThrow(new RegExp(`${name}: `));
    expect(() => loadEnv(ServiceEnv, { REPORTING_IDEMPOTENCY: 'maybe' })).toThrow(/REPORTING_IDEMPOTENCY/);
  });
});
