import { Type } from '@nestjs/common';
import { ReportingDataAccessModule } from '@circulate/reporting/data-access';
import { serviceModule, ServiceEnv } from '@circulate/platform/nest';
import { ReportsController } from './reports.controller';

export function reportingModule(env: ServiceEnv): Type<unknown> {
  return serviceModule('reporting', env, {
    imports: [ReportingDataAccessModule],
    controllers: [ReportsController],
  });
}
