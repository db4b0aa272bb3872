import { DomainError, ErrorCode } from '@circulate/contracts';
import { TimeoutError } from 'rxjs';
import { toDomainError } from './rpc-client';

describe('toDomainError (errors crossing NATS keep their contract code)', () => {
  it('restores a contract error payload as the same code', () => {
    const err = toDomainError(
      { code: 'CONFLICT_DUPLICATE_CODE', message: 'taken', errors: [{ field: 'codes', message: 'x' }] },
      's',
    );
    expect(err).toBeInstanceOf(DomainError);
    expect(err.code).toBe(ErrorCode.CONFLICT_DUPLICATE_CODE);
    expect(err.errors).toEqual([{ field: 'codes', message: 'x' }]);
  });

  it('turns a timeout or a missing responder into DEPENDENCY_UNAVAILABLE', () => {
    expect(toDomainError(new TimeoutError(), 's').code).toBe(ErrorCode.DEPENDENCY_UNAVAILABLE);
    expect(toDomainError(new Error('Empty response. There are no subscribers listening'), 's').code).toBe(
      ErrorCode.DEPENDENCY_UNAVAILABLE,
    );
  });

  it('never trusts an unknown code: anything else is INTERNAL', () => {
    expect(toDomainError({ code: 'DROP_TABLES', message: 'x' }, 's').code).toBe(ErrorCode.INTERNAL);
    expect(toDomainError(new Error('kaboom'), 's').code).toBe(ErrorCode.INTERNAL);
  });
});
