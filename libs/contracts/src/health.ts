import { defineRpc, RpcDef } from './rpc';
import { Rpc, ServiceName } from './subjects';

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

/** Every service's health subject: whether its database and NATS answer. */
export function healthCall(service: ServiceName): RpcDef<Record<string, never>, ServiceHealth> {
  return defineRpc(Rpc.health(service));
}
