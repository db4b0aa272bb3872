import 'reflect-metadata';
import { bootstrapService, loadEnv, runMain, ServiceEnv } from '@circulate/platform/nest';
import { catalogModule } from './app/app.module';

runMain(async () => {
  const env = loadEnv(ServiceEnv);
  await bootstrapService('catalog', catalogModule, env);
});
