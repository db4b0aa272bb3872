import { Result } from '@circulate/contracts';

/** For specs: the value of an accepted decision (a refusal fails the test with its message). */
export function accepted<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`refused: ${r.error.message}`);
  return r.value;
}

/** For specs: the error code of a refused decision, or `accepted`. */
export function refusal<T>(r: Result<T>): string {
  return r.ok ? 'accepted' : r.error.code;
}
