import 'reflect-metadata';
import { runService } from '@circulate/platform/nest';
import { inventoryModule } from './app/app.module';

runService('inventory', inventoryModule);
