import 'reflect-metadata';
import { runService } from '@circulate/platform/nest';
import { reportingModule } from './app/app.module';

runService('reporting', reportingModule);
