/** The method in force: the parameters the visits and days were made with, shown beside the figures they shaped. */
import type { RollupSettings } from '../ingest/recompute.js';
import { DEFAULT_SESSION_PARAMS } from '../metrics/index.js';

export interface ReportMethod {
  visitTimeoutMinutes: number;
  lastEventCreditSeconds: number;
  maxVisitHours: number;
  /** The course's zone (its own, else the TIMEZONE setting). */
  timezone: string;
}

export const reportMethod = (settings: RollupSettings, timezone: string): ReportMethod => ({
  visitTimeoutMinutes: settings.visitTimeoutMinutes,
  lastEventCreditSeconds: settings.lastEventCreditSeconds,
  maxVisitHours: DEFAULT_SESSION_PARAMS.maxVisitSeconds / 3600,
  timezone,
});
