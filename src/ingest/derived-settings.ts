/**
 * What the derived data was computed with, and what a change of it costs. The derived data — the
 * mapping columns of `source_events` (kind, ignored, duration, course and person references) and
 * the figures made from them (`student_visits`, `student_days`, `course_days`) — is a cache of a
 * pure function of the stored payloads and these settings; when they change the cache is stale
 * and is rebuilt (rebuild.ts). Pure: no database, no clock.
 */
import { z } from 'zod';
import { DEFAULT_SESSION_PARAMS } from '../metrics/sessions.js';
import { KIND_RULES_VERSION } from './kind-rules.js';
import type { RollupSettings } from './recompute.js';

/** Everything the derived data depends on besides the stored payloads. */
export interface DerivedSettings {
  /** G (VISIT_TIMEOUT_MINUTES). */
  visitTimeoutMinutes: number;
  /** T (LAST_EVENT_CREDIT_SECONDS). */
  lastEventCreditSeconds: number;
  /** The cap on a visit's duration (built in). */
  maxVisitSeconds: number;
  /** The cap on one event's own duration (built in). */
  maxEventDurationSeconds: number;
  /** TIMEZONE: the zone of courses without one of their own. */
  timezone: string;
  /** The version of the kind rules the mapping columns were made with. */
  kindRulesVersion: number;
}

/** The settings in force with `settings` from the configuration and this version's built-in caps and rules. */
export function derivedSettingsOf(settings: RollupSettings): DerivedSettings {
  return {
    visitTimeoutMinutes: settings.visitTimeoutMinutes,
    lastEventCreditSeconds: settings.lastEventCreditSeconds,
    maxVisitSeconds: DEFAULT_SESSION_PARAMS.maxVisitSeconds,
    maxEventDurationSeconds: DEFAULT_SESSION_PARAMS.maxEventDurationSeconds,
    timezone: settings.timezone,
    kindRulesVersion: KIND_RULES_VERSION,
  };
}

const storedSchema = z.object({
  visitTimeoutMinutes: z.number(),
  lastEventCreditSeconds: z.number(),
  maxVisitSeconds: z.number(),
  maxEventDurationSeconds: z.number(),
  timezone: z.string(),
  kindRulesVersion: z.number(),
});

/**
 * The stored row's settings, or null when there is none or it is not in this shape (written by
 * another version): then what the data was made with is unknown, and all of it is rebuilt.
 */
export function parseDerivedSettings(stored: unknown): DerivedSettings | null {
  const parsed = storedSchema.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

/** How each setting is named to an admin: the configuration variable, or what the built-in value is. */
const SETTING_NAMES: Record<keyof DerivedSettings, string> = {
  visitTimeoutMinutes: 'VISIT_TIMEOUT_MINUTES',
  lastEventCreditSeconds: 'LAST_EVENT_CREDIT_SECONDS',
  timezone: 'TIMEZONE',
  maxVisitSeconds: 'the visit duration cap (seconds)',
  maxEventDurationSeconds: 'the event duration cap (seconds)',
  kindRulesVersion: 'the kind rules version',
};

/** The order settings are listed in: the configurable ones first. */
const SETTING_ORDER = Object.keys(SETTING_NAMES) as (keyof DerivedSettings)[];

export interface SettingDifference {
  setting: keyof DerivedSettings;
  /** The configuration variable or a description of the built-in value. */
  name: string;
  from: number | string;
  to: number | string;
}

/**
 * What a change of settings means for the derived data:
 * - `none`: nothing differs;
 * - `recompute`: only figures differ (G, T, caps, zone): visits and days are recomputed from the
 *   stored mapping;
 * - `remap`: the kind rules differ, or what the data was made with is unknown (no stored row):
 *   every stored payload is mapped again, then the figures are recomputed.
 */
export type SettingsChange =
  | { rebuild: 'none'; differences: [] }
  | { rebuild: 'recompute'; differences: SettingDifference[] }
  | { rebuild: 'remap'; differences: SettingDifference[]; unknown: boolean };

export function settingsChange(stored: DerivedSettings | null, current: DerivedSettings): SettingsChange {
  if (stored === null) return { rebuild: 'remap', differences: [], unknown: true };
  const differences = SETTING_ORDER.filter((setting) => stored[setting] !== current[setting]).map(
    (setting): SettingDifference => ({ setting, name: SETTING_NAMES[setting], from: stored[setting], to: current[setting] }),
  );
  if (differences.length === 0) return { rebuild: 'none', differences: [] };
  if (differences.some((d) => d.setting === 'kindRulesVersion')) return { rebuild: 'remap', differences, unknown: false };
  return { rebuild: 'recompute', differences };
}

/** The differences in one phrase: `VISIT_TIMEOUT_MINUTES 30 → 45, TIMEZONE UTC → Europe/Oslo`. */
export function describeDifferences(differences: readonly SettingDifference[]): string {
  return differences.map((d) => `${d.name} ${d.from} → ${d.to}`).join(', ');
}
