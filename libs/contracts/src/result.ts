import { DomainError, ErrorPayload, Result } from './errors';

/** A decision that went through. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** An expected failure, in the contract's error shape. */
export function fail<T = never>(error: DomainError | ErrorPayload): Result<T> {
  return { ok: false, error: error instanceof DomainError ? error.toPayload() : error };
}

/**
 * Runs a rule that refuses by throwing a DomainError and answers its Result instead (any other
 * throw is a bug and stays a throw).
 */
export function attempt<T>(rule: () => T): Result<T> {
  try {
    return ok(rule());
  } catch (err) {
    if (err instanceof DomainError) return fail(err);
    throw err;
  }
}

/** The value of a Result, or its failure thrown as a DomainError (at the edge of a use case). */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw DomainError.fromPayload(result.error);
  return result.value;
}
