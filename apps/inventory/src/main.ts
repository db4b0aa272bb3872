import 'reflect-metadata';
import { bootstrapService, loadEnv, runMain, ServiceEnv } from '@circulate/platform/nest';
import { inventoryModule } from './app/app.module';

runMain(async () => {
  const env = loadEnv(ServiceEnv);
  await bootstrapService('inventory', inventoryModule, env);
});
