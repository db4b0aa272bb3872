/** Request-reply names the catalog service answers. */
export const CatalogRpc = {} as const;

/** Facts the catalog service publishes on its JetStream stream. */
export const CatalogEvents = {} as const;
