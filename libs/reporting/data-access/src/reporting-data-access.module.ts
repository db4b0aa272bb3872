import { Module } from '@nestjs/common';
import { ReportingProjections } from './projections.service';
import { ReportsService } from './reports.service';

@Module({
  providers: [ReportingProjections, ReportsService],
  exports: [ReportingProjections, ReportsService],
})
export class ReportingDataAccessModule {}
