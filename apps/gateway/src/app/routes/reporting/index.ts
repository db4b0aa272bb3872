import { ReportsController } from './reports.controller';

/** Gateway routes of the reporting service (thin adapters: validate, forward over NATS). */
export const REPORTING_CONTROLLERS = [ReportsController];
