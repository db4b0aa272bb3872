import { DomainError } from '@circulate/contracts';
import { parseAvailabilityQuery, parseCalendarQuery, parseDateTime } from './query-parsing';

const fields = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return (e.errors ?? []).map((x) => x.field);
    throw e;
  }
  return [];
};

describe('query parsing', () => {
  it('reads date-times with an offset only, calendar-checked', () => {
    expect(parseDateTime('2027-06-01T10:00:00+02:00')).toBe(Date.parse('2027-06-01T08:00:00Z'));
    expect(parseDateTime('2027-06-01T10:00Z')).toBe(Date.parse('2027-06-01T10:00:00Z'));
    expect(parseDateTime('2027-06-01T10:00:00')).toBeUndefined();
    expect(parseDateTime('2027-02-29T10:00:00Z')).toBeUndefined();
    expect(parseDateTime('2027-06-01')).toBeUndefined();
  });

  it('names each bad field of an availability query', () => {
    expect(
      fields(() => parseAvailabilityQuery({ start: '2027-06-02T00:00:00Z', end: '2027-06-01T00:00:00Z' })),
    ).toEqual(['end']);
    expect(fields(() => parseAvailabilityQuery({ end: 'x', quantity: '-1', foo: 'bar' }))).toEqual([
      'foo',
      'start',
      'end',
      'quantity',
    ]);
    expect(
      fields(() => parseAvailabilityQuery({ start: '2027-01-01T00:00:00Z', end: '2028-01-03T00:00:00Z' })),
    ).toEqual(['end']);
    expect(
      parseAvailabilityQuery({
        start: '2027-06-01T00:00:00Z',
        end: '2027-06-02T00:00:00Z',
        'variant.Size': 'S',
        quantity: '3',
      }),
    ).toMatchObject({
      quantity: 3,
      variant: { Size: 'S' },
      explain: false,
    });
  });

  it('allows calendars of 1 to 366 days', () => {
    expect(fields(() => parseCalendarQuery({ from: '2027-01-01', to: '2028-01-02' }))).toEqual([]);
    expect(fields(() => parseCalendarQuery({ from: '2027-01-01', to: '2028-01-03' }))).toEqual(['to']);
    expect(fields(() => parseCalendarQuery({ from: '2027-01-02', to: '2027-01-02' }))).toEqual(['to']);
  });
});
