import { hash } from 'node:crypto';
import { Role, tenantId as tenantIdOf, TenantId } from '@circulate/contracts';

export interface Principal {
  tenantId: TenantId;
  role: Role;
  /** SHA-256 of the key, used as the rate-limit bucket; the key itself is never kept. */
  keyHash: string;
}

/** One-shot hashing (no Hash object per call: a third of createHash's cost; twice per request). */
export function sha256(value: string): string {
  return hash('sha256', value, 'hex');
}

/** Parses `tenant:role:key,…` into a map from key hash to principal. */
export class ApiKeyStore {
  private readonly byHash = new Map<string, Principal>();

  constructor(spec: string) {
    for (const entry of spec
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const [tenantId, role, key] = entry.split(':');
      const keyHash = sha256(key);
      this.byHash.set(keyHash, { tenantId: tenantIdOf(tenantId), role: role as Role, keyHash });
    }
  }

  find(key: string): Principal | undefined {
    return this.byHash.get(sha256(key));
  }

  get size(): number {
    return this.byHash.size;
  }
}
