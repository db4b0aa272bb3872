import { DomainError, ErrorCode, RequestContext } from '@circulate/contracts';
import { plainToInstance } from 'class-transformer';
import { IsInt, IsString, Min } from 'class-validator';
import { validateSync } from 'class-validator';
import fc from 'fast-check';
import { requestContextOf, requestDataOf } from './rpc-responder';

/** What class-validator says of a context (the rule the hand-written fast path must agree with). */
const classValidatorAccepts = (raw: unknown) =>
  validateSync(plainToInstance(RequestContext, raw ?? {}) as object, { whitelist: true, forbidNonWhitelisted: true })
    .length === 0;

const accepts = (raw: unknown) => {
  try {
    requestContextOf(raw);
    return true;
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe(ErrorCode.VALIDATION_FAILED);
    return false;
  }
};

class ThingRequest {
  @IsString()
  id!: string;

  @IsInt()
  @Min(1)
  quantity!: number;
}

describe('requestContextOf (the envelope check of every RPC message)', () => {
  it('answers the context the gateway sends', () => {
    expect(requestContextOf({ tenantId: 'acme', role: 'staff', requestId: 'r-1' })).toEqual({
      tenantId: 'acme',
      role: 'staff',
      requestId: 'r-1',
    });
    expect(requestContextOf({ tenantId: 'acme', role: 'admin' })).toEqual({ tenantId: 'acme', role: 'admin' });
  });

  it('refuses a bad context naming the field under ctx.', () => {
    const refusal = (raw: unknown) => {
      try {
        requestContextOf(raw);
      } catch (err) {
        return (err as DomainError).errors?.map((e) => e.field);
      }
      return undefined;
    };
    expect(refusal({ tenantId: 'a b', role: 'admin' })).toEqual(['ctx.tenantId']);
    expect(refusal({ tenantId: 'acme', role: 'root' })).toEqual(['ctx.role']);
    expect(refusal({ tenantId: 'acme', role: 'admin', requestId: 'x'.repeat(129) })).toEqual(['ctx.requestId']);
    expect(refusal({ tenantId: 'acme', role: 'admin', sneaky: true })).toEqual(['ctx.sneaky']);
    expect(refusal(undefined)).toEqual(expect.arrayContaining(['ctx.tenantId', 'ctx.role']));
  });

  it('accepts exactly what class-validator accepts on RequestContext (property test)', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 70 }),
      fc.stringMatching(/^[a-zA-Z0-9_-]{1,64}$/),
      fc.constantFrom('admin', 'staff', 'storefront', 'Admin', ''),
    );
    const value = fc.oneof(text, fc.integer(), fc.constant(null), fc.constant(undefined), fc.boolean());
    const valid = fc.record(
      {
        tenantId: fc.stringMatching(/^[a-zA-Z0-9_-]{1,64}$/),
        role: fc.constantFrom('admin', 'staff', 'storefront'),
        requestId: fc.string({ maxLength: 128 }),
      },
      { requiredKeys: ['tenantId', 'role'] },
    );
    // A valid context with up to two fields replaced (or added) by anything.
    const field = fc.constantFrom('tenantId', 'role', 'requestId', 'extra');
    const mutated = fc
      .tuple(
        valid,
        fc.array(fc.tuple(field, fc.oneof(value, fc.string({ minLength: 60, maxLength: 140 }))), { maxLength: 2 }),
      )
      .map(([c, changes]) => Object.assign({ ...c }, Object.fromEntries(changes)));
    fc.assert(
      fc.property(fc.oneof(mutated, fc.constant(null), fc.constant('acme'), fc.constant([])), (raw) => {
        expect(accepts(raw)).toBe(classValidatorAccepts(raw));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('requestDataOf (the request, validated against the class the handler declares)', () => {
  it('answers an instance of the class', async () => {
    const data = await requestDataOf({ id: 'x', quantity: 2 }, ThingRequest);
    expect(data).toBeInstanceOf(ThingRequest);
    expect(data).toEqual({ id: 'x', quantity: 2 });
  });

  it('refuses unknown fields and bad values, naming each field', async () => {
    try {
      await requestDataOf({ id: 7, quantity: 0, extra: true }, ThingRequest);
      throw new Error('accepted');
    } catch (err) {
      expect((err as DomainError).code).toBe(ErrorCode.VALIDATION_FAILED);
      expect((err as DomainError).errors?.map((e) => e.field).sort()).toEqual(['extra', 'id', 'quantity']);
    }
  });

  it('passes through what a handler declares no class for', async () => {
    expect(await requestDataOf({ anything: 1 }, Object)).toEqual({ anything: 1 });
    expect(await requestDataOf(undefined, undefined)).toEqual({});
  });

  it('strips prototype keys as the pipe did (a query key named constructor is no crash)', async () => {
    const data = (await requestDataOf(
      JSON.parse('{"id":"x","quantity":1,"constructor":"1970"}'),
      ThingRequest,
    )) as object;
    expect(data).toBeInstanceOf(ThingRequest);
    expect(Object.keys(data).sort()).toEqual(['id', 'quantity']);
  });
});
