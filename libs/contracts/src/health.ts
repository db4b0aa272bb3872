export interface ServiceHealth {
  service: string;
  status: 'up' | 'down';
  mongo: 'up' | 'down';
  nats: 'up' | 'down';
  /** The service's JetStream event stream exists. */
  stream?: 'up' | 'down';
  version: string;
  /** Per check, terminus's `{ status, …reason }`. */
  details?: Record<string, { status: string; [key: string]: unknown }>;
}
