import { Type } from '@nestjs/common';
import { CatalogApplicationModule } from '@circulate/catalog/application';
import { serviceModule, ServiceEnv } from '@circulate/platform/nest';
import { ListingsController } from './listings.controller';

export function catalogModule(env: ServiceEnv): Type<unknown> {
  return serviceModule('catalog', env, { imports: [CatalogApplicationModule], controllers: [ListingsController] });
}
