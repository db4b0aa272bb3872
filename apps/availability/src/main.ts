import 'reflect-metadata';
import { bootstrapService, loadEnv, runMain, ServiceEnv } from '@circulate/platform/nest';
import { availabilityModule } from './app/app.module';

runMain(async () => {
  const env = loadEnv(ServiceEnv);
  await bootstrapService('availability', availabilityModule, env);
});
