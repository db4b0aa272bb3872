import { DomainError, type ReservationCommand } from '@circulate/contracts';

/*
 * The NATS edge of the reservation commands: a malformed command is a VALIDATION_FAILED naming
 * the field before anything is decided (the decider checks what depends on the state).
 */

const MAX_ID = 200;
const MAX_LINES = 100;

type Raw = Record<string, unknown>;

const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

function id(v: unknown, field: string, optional = false): void {
  if (v === undefined && optional) return;
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_ID) {
    throw DomainError.invalid(field, `a non-empty string of at most ${MAX_ID} characters`);
  }
}

function time(v: unknown, field: string, optional = false): void {
  if (v === undefined && optional) return;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw DomainError.invalid(field, 'a time in epoch milliseconds');
  }
}

function only(o: Raw, allowed: readonly string[], prefix: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw DomainError.invalid(`${prefix}${k}`, 'is not a known field');
  }
}

function line(l: unknown, i: number): void {
  const p = `command.lines[${i}]`;
  if (!isObject(l)) throw DomainError.invalid(p, 'an object');
  only(l, ['listingId', 'start', 'end', 'quantity', 'variant', 'locationId', 'timeZone'], `${p}.`);
  id(l['listingId'], `${p}.listingId`);
  time(l['start'], `${p}.start`);
  time(l['end'], `${p}.end`);
  if ((l['end'] as number) <= (l['start'] as number)) throw DomainError.invalid(`${p}.end`, 'must be after start');
  const q = l['quantity'];
  if (q !== undefined && (typeof q !== 'number' || !Number.isInteger(q) || q < 1 || q > 10_000)) {
    throw DomainError.invalid(`${p}.quantity`, 'an integer from 1 to 10000');
  }
  const variant = l['variant'];
  if (variant !== undefined) {
    if (!isObject(variant)) throw DomainError.invalid(`${p}.variant`, 'an object of strings');
    for (const [k, v] of Object.entries(variant)) {
      if (typeof v !== 'string') throw DomainError.invalid(`${p}.variant.${k}`, 'a string');
    }
  }
  id(l['locationId'], `${p}.locationId`, true);
  id(l['timeZone'], `${p}.timeZone`, true);
}

function ids(v: unknown, field: string): void {
  if (v === undefined) return;
  if (!Array.isArray(v) || v.length === 0 || v.length > 1000)
    throw DomainError.invalid(field, 'a non-empty array of ids');
  v.forEach((x, i) => id(x, `${field}[${i}]`));
}

type Check = (v: unknown, field: string) => void;
const optionalId: Check = (v, field) => id(v, field, true);
const requiredTime: Check = (v, field) => time(v, field);

/** Every command but `reserve` (checked on its own): its fields and how each is checked. */
const FIELDS: Record<string, Record<string, Check>> = {
  release: { orderId: id },
  confirm: { orderId: id },
  extend: { orderId: id, end: requiredTime },
  swap: { orderId: id, reservationId: id, toStockItemId: optionalId },
  hand_out: { orderId: id, reservationIds: ids },
  return: { orderId: id, reservationIds: ids },
  expire: {},
  overdue: {},
  fill: {},
};
const TYPES = new Set(['reserve', ...Object.keys(FIELDS)]);

/** The command as the decider may take it, or a VALIDATION_FAILED naming the first bad field. */
export function validateCommand(raw: unknown): ReservationCommand {
  if (!isObject(raw)) throw DomainError.invalid('command', 'an object');
  const type = raw['type'];
  if (typeof type !== 'string' || !TYPES.has(type)) {
    throw DomainError.invalid('command.type', `one of ${[...TYPES].join(', ')}`);
  }
  const p = 'command.';
  switch (type) {
    case 'reserve': {
      only(raw, ['type', 'orderId', 'lines', 'holdUntil', 'acceptShortage'], p);
      id(raw['orderId'], 'command.orderId');
      const lines = raw['lines'];
      if (!Array.isArray(lines) || lines.length === 0 || lines.length > MAX_LINES) {
        throw DomainError.invalid('command.lines', `from 1 to ${MAX_LINES} lines`);
      }
      lines.forEach(line);
      time(raw['holdUntil'], 'command.holdUntil', true);
      if (raw['acceptShortage'] !== undefined && typeof raw['acceptShortage'] !== 'boolean') {
        throw DomainError.invalid('command.acceptShortage', 'a boolean');
      }
      break;
    }
    default: {
      const fields = FIELDS[type];
      only(raw, ['type', ...Object.keys(fields)], p);
      for (const [name, check] of Object.entries(fields)) check(raw[name], `${p}${name}`);
    }
  }
  return raw as unknown as ReservationCommand;
}
