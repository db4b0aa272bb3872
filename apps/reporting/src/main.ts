import 'reflect-metadata';
import { bootstrapService, loadEnv, runMain, ServiceEnv } from '@circulate/platform/nest';
import { reportingModule } from './app/app.module';

runMain(async () => {
  const env = loadEnv(ServiceEnv);
  await bootstrapService('reporting', reportingModule, env);
});
