import { startTestStack, TestStack, TestStackOptions } from '@circulate/platform/stack';

/**
 * The stack of one `describe`: started before its tests, stopped after them. The answer stands
 * for the running stack (`stack.http(…)` inside tests and later hooks).
 */
export function useTestStack(options?: TestStackOptions, timeoutMs = 120_000): TestStack {
  let current: TestStack | undefined;
  beforeAll(async () => {
    current = await startTestStack(options);
  }, timeoutMs);
  afterAll(async () => {
    await current?.stop();
  });
  return new Proxy({} as TestStack, {
    get(_, key) {
      if (!current) throw new Error(`the test stack is not started (reading ${String(key)})`);
      const value = Reflect.get(current, key, current) as unknown;
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
}
