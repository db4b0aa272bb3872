import { IsObject, IsOptional } from 'class-validator';
import { IsId } from '../common/id-field';

/**
 * The query string travels as received; the availability service validates it (it alone knows
 * the listing's variant axes, its locations and time zones), naming the offending field.
 */
export class ListingAvailabilityRequest {
  @IsId()
  id!: string;

  @IsObject()
  query!: Record<string, unknown>;
}

export class StockItemScheduleRequest {
  @IsId()
  id!: string;

  @IsOptional()
  @IsObject()
  query?: Record<string, unknown>;
}

export interface RuleAvailabilityView {
  ruleId: string;
  required: number;
  free: number;
}

export interface BlockedBy {
  orderId: string;
  start: string;
  end: string;
  quantity: number;
}

export interface ExplainCandidate {
  stockItemId: string;
  codes: string[];
  free: number;
  blockedBy: BlockedBy[];
}

export type ExclusionReason = 'status' | 'location' | 'attributes';

export interface ExplainRule {
  ruleId: string;
  candidates: ExplainCandidate[];
  excluded: { stockItemId: string; reason: ExclusionReason }[];
}

export interface ListingAvailability {
  available: boolean;
  quantity: number;
  rules: RuleAvailabilityView[];
  explain?: ExplainRule[];
}

export interface ListingCalendar {
  days: { date: string; quantity: number }[];
  timeZone: string;
}

export interface ScheduleEntry {
  orderId: string;
  lineIndex: number;
  quantity: number;
  start: string;
  end: string;
  blockedStart: string;
  blockedEnd: string;
  status: string;
}

export interface StockItemSchedule {
  items: ScheduleEntry[];
}

export interface RebuildReport {
  items: number;
  listings: number;
  locations: number;
  events: number;
  ms: number;
}
