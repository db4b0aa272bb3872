import { Type } from '@nestjs/common';
import { CatalogDataAccessModule } from '@circulate/catalog/data-access';
import { serviceModule, ServiceEnv } from '@circulate/platform/nest';
import { ListingsController } from './listings.controller';

export function catalogModule(env: ServiceEnv): Type<unknown> {
  return serviceModule('catalog', env, { imports: [CatalogDataAccessModule], controllers: [ListingsController] });
}
