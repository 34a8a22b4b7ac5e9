/** What a change of the settings the derived data was made with means: nothing, a recomputation, or a re-mapping. */
import assert from 'node:assert/strict';
import { derivedSettingsOf, describeDifferences, parseDerivedSettings, settingsChange } from '../../src/ingest/derived-settings.js';
import { KIND_RULES_VERSION } from '../../src/ingest/kind-rules.js';

const current = derivedSettingsOf({ timezone: 'Europe/Oslo', visitTimeoutMinutes: 45, lastEventCreditSeconds: 30 });

describe('derived settings', () => {
  it('are the configured G, T and zone with the built-in caps and the kind rules version', () => {
    assert.deepEqual(current, {
      visitTimeoutMinutes: 45,
      lastEventCreditSeconds: 30,
      maxVisitSeconds: 8 * 3600,
      maxEventDurationSeconds: 4 * 3600,
      timezone: 'Europe/Oslo',
      kindRulesVersion: KIND_RULES_VERSION,
    });
  });

  it('unchanged: nothing to rebuild', () => {
    assert.deepEqual(settingsChange({ ...current }, current), { rebuild: 'none', differences: [] });
  });

  it('G, T, zone or caps changed: the figures are recomputed, each difference named', () => {
    const change = settingsChange({ ...current, visitTimeoutMinutes: 30, timezone: 'UTC', maxVisitSeconds: 3600 }, current);
    assert.deepEqual(change, {
      rebuild: 'recompute',
      differences: [
        { setting: 'visitTimeoutMinutes', name: 'VISIT_TIMEOUT_MINUTES', from: 30, to: 45 },
        { setting: 'timezone', name: 'TIMEZONE', from: 'UTC', to: 'Europe/Oslo' },
        { setting: 'maxVisitSeconds', name: 'the visit duration cap (seconds)', from: 3600, to: 28_800 },
      ],
    });
    assert.equal(describeDifferences(change.differences), 'VISIT_TIMEOUT_MINUTES 30 → 45, TIMEZONE UTC → Europe/Oslo, the visit duration cap (seconds) 3600 → 28800');
  });

  it('the kind rules changed: re-mapped, then recomputed', () => {
    assert.deepEqual(settingsChange({ ...current, kindRulesVersion: 0, lastEventCreditSeconds: 60 }, current), {
      rebuild: 'remap',
      unknown: false,
      differences: [
        { setting: 'lastEventCreditSeconds', name: 'LAST_EVENT_CREDIT_SECONDS', from: 60, to: 30 },
        { setting: 'kindRulesVersion', name: 'the kind rules version', from: 0, to: KIND_RULES_VERSION },
      ],
    });
  });

  it('unknown (no row, or a row of another shape): everything is rebuilt', () => {
    assert.equal(parseDerivedSettings({ visitTimeoutMinutes: 30 }), null);
    assert.equal(parseDerivedSettings(null), null);
    assert.deepEqual(parseDerivedSettings(JSON.parse(JSON.stringify(current))), current);
    assert.deepEqual(settingsChange(null, current), { rebuild: 'remap', differences: [], unknown: true });
  });
});
