import 'reflect-metadata';
import { runService } from '@circulate/platform/nest';
import { catalogModule } from './app/app.module';

runService('catalog', catalogModule);
