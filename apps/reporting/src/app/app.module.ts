import { Type } from '@nestjs/common';
import { serviceModule, ServiceEnv } from '@circulate/platform/nest';

/** Health only for now: its domain arrives with the next issues. */
export function reportingModule(env: ServiceEnv): Type<unknown> {
  return serviceModule('reporting', env);
}
