import 'reflect-metadata';
import { bootstrapService, loadEnv, runMain, ServiceEnv } from '@circulate/platform/nest';
import { ordersModule } from './app/app.module';

runMain(async () => {
  const env = loadEnv(ServiceEnv);
  await bootstrapService('orders', ordersModule, env);
});
