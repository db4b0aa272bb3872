/** Request-reply names the inventory service answers. */
export const InventoryRpc = {
  createLocation: 'inventory.location.create.v1',
  listLocations: 'inventory.location.list.v1',
  getLocation: 'inventory.location.get.v1',
} as const;

/** Facts the inventory service publishes on its JetStream stream. */
export const InventoryEvents = {
  locationCreated: 'inventory.location.created.v1',
} as const;
