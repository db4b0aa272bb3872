import { IsInt, IsString, validateSync } from 'class-validator';
import { memoiseValidationMetadata } from './validation-cache';

const fields = (obj: object) =>
  validateSync(obj, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true })
    .map((e) => e.property)
    .sort();

class Base {
  @IsString()
  name!: string;
}

class Child extends Base {
  @IsInt()
  count!: number;
}

describe('memoiseValidationMetadata (class-validator rules looked up once per class)', () => {
  const memo = memoiseValidationMetadata();

  it('validates exactly as before, inherited rules included, on repeated calls', () => {
    const bad = Object.assign(new Child(), { name: 1, count: 'x', extra: true });
    const first = fields(bad);
    expect(first).toEqual(['count', 'extra', 'name']);
    for (let i = 0; i < 3; i++) expect(fields(bad)).toEqual(first);
    expect(fields(Object.assign(new Child(), { name: 'a', count: 1 }))).toEqual([]);
    expect(fields(Object.assign(new Base(), { name: 'a', count: 1 }))).toEqual(['count']);
  });

  it('forgets what it learned when a rule is added later (a class defined after the first lookup)', () => {
    class Late {
      name!: string;
    }
    // No rules yet: an unknown value.
    expect(fields(Object.assign(new Late(), { name: 'a' }))).toEqual([undefined]);
    IsString()(Late.prototype, 'name');
    expect(fields(Object.assign(new Late(), { name: 1 }))).toEqual(['name']);
    expect(fields(Object.assign(new Late(), { name: 'a' }))).toEqual([]);
  });

  it('is installed once however often it is called', () => {
    expect(memoiseValidationMetadata()).toBe(memo);
  });
});
