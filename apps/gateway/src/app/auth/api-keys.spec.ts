import { ApiKeyStore, sha256 } from './api-keys';

describe('ApiKeyStore', () => {
  const store = new ApiKeyStore('acme:admin:secret-key-1,acme:storefront:secret-key-2,other:staff:secret-key-3');

  it('finds the tenant and role of a key', () => {
    expect(store.find('secret-key-1')).toMatchObject({ tenantId: 'acme', role: 'admin' });
    expect(store.find('secret-key-3')).toMatchObject({ tenantId: 'other', role: 'staff' });
    expect(store.find('nope')).toBeUndefined();
  });

  it('keeps only SHA-256 hashes of the keys', () => {
    const kept = JSON.stringify([...(store as unknown as { byHash: Map<string, unknown> }).byHash]);
    expect(kept).not.toContain('secret-key-1');
    expect(kept).toContain(sha256('secret-key-1'));
  });
});
