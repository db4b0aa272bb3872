import { getMetadataStorage } from 'class-validator';
import type { MetadataStorage } from 'class-validator/types/metadata/MetadataStorage';

type Storage = MetadataStorage & {
  addValidationSchema(schema: unknown): void;
  addValidationMetadata(metadata: unknown): void;
  addConstraintMetadata(metadata: unknown): void;
};
type Metadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>;

const MEMOISED = Symbol.for('circulate.class-validator.memoised');

/**
 * class-validator looks up a class's rules on every validated object by scanning every class
 * it knows (an `instanceof` per class, for inherited rules) and regrouping them by property:
 * on a service's hot path that was the single dearest function (a tenth of the CPU of a call).
 * The rules only change when a decorator runs (a class being defined), so this memoises both
 * lookups per class and options and forgets everything whenever a rule is added. Read only by
 * class-validator itself (it never mutates what it gets), so the answers are the same arrays.
 * Idempotent; `reset()` is for tests.
 */
export function memoiseValidationMetadata(): { reset(): void } {
  const storage = getMetadataStorage() as unknown as Storage & { [MEMOISED]?: { reset(): void } };
  if (storage[MEMOISED]) return storage[MEMOISED];
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  let byTarget = new Map<unknown, Map<string, Metadata>>();
  let grouped = new WeakMap<Metadata, Record<string, Metadata>>();
  const reset = () => {
    byTarget = new Map();
    grouped = new WeakMap();
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema ?? ''}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0001') ?? ''}`;
    let forTarget = byTarget.get(target);
    if (!forTarget) byTarget.set(target, (forTarget = new Map()));
    let found = forTarget.get(key);
    if (!found) forTarget.set(key, (found = lookup(target, schema, always, strictGroups, groups)));
    return found;
  };
  storage.groupByPropertyName = (metadata) => {
    let found = grouped.get(metadata);
    if (!found) grouped.set(metadata, (found = group(metadata)));
    return found;
  };
  for (const name of ['addValidationMetadata', 'addConstraintMetadata', 'addValidationSchema'] as const) {
    const add = storage[name].bind(storage) as (m: unknown) => void;
    storage[name] = (m: unknown) => {
      reset();
      add(m);
    };
  }
  storage[MEMOISED] = { reset };
  return storage[MEMOISED];
}
