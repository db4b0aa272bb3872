export interface ServiceHealth {
  service: string;
  status: 'up' | 'down';
  mongo: 'up' | 'down';
  nats: 'up' | 'down';
  version: string;
}
