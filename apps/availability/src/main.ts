import 'reflect-metadata';
import { runService } from '@circulate/platform/nest';
import { availabilityModule } from './app/app.module';

runService('availability', availabilityModule);
