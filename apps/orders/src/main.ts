import 'reflect-metadata';
import { runService } from '@circulate/platform/nest';
import { ordersModule } from './app/app.module';

runService('orders', ordersModule);
