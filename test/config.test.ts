import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../src/config.js';

const cwd = '/srv/coursepulse';

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env, cwd);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.message;
  }
  assert.fail('expected a ConfigError');
}

describe('configuration', () => {
  it('has a default for everything', () => {
    assert.deepEqual(loadConfig({}, cwd), {
      port: 3000,
      publicUrl: 'http://localhost:3000',
      dataDir: '/srv/coursepulse/data',
      databaseUrl: undefined,
      adminToken: undefined,
      metricsToken: undefined,
      ltiKey: undefined,
      timezone: 'UTC',
      visitTimeoutMinutes: 30,
      lastEventCreditSeconds: 60,
      ltiAutoActivate: true,
      ltiRegistrationAllowPrivate: false,
      rosterRefreshMinutes: 15,
      canvasGroupRosters: false,
      ingestMaxBytes: 5242880,
      ingestRatePerMinute: 600,
      retentionDays: undefined,
      maxConcurrentRequests: 16,
      maxQueuedRequests: 256,
      logLevel: 'info',
    });
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        PUBLIC_URL: 'https://pulse.example.edu/',
        DATA_DIR: '/var/lib/coursepulse',
        DATABASE_URL: 'postgres://pulse@db.example.edu/pulse',
        ADMIN_TOKEN: 'a-long-admin-token-1234',
        METRICS_TOKEN: 'a-long-metrics-token-5678',
        LTI_KEY: 'k'.repeat(40),
        TIMEZONE: 'Europe/Oslo',
        VISIT_TIMEOUT_MINUTES: '45',
        LAST_EVENT_CREDIT_SECONDS: '0',
        LTI_AUTO_ACTIVATE: 'false',
        LTI_REGISTRATION_ALLOW_PRIVATE: 'true',
        ROSTER_REFRESH_MINUTES: '5',
        CANVAS_GROUP_ROSTERS: 'yes',
        INGEST_MAX_BYTES: '1048576',
        INGEST_RATE_PER_MINUTE: '0',
        RETENTION_DAYS: '400',
        MAX_CONCURRENT_REQUESTS: '0',
        MAX_QUEUED_REQUESTS: '0',
        LOG_LEVEL: 'debug',
      },
      cwd,
    );
    assert.deepEqual(config, {
      port: 8080,
      publicUrl: 'https://pulse.example.edu',
      dataDir: '/var/lib/coursepulse',
      databaseUrl: 'postgres://pulse@db.example.edu/pulse',
      adminToken: 'a-long-admin-token-1234',
      metricsToken: 'a-long-metrics-token-5678',
      ltiKey: 'k'.repeat(40),
      timezone: 'Europe/Oslo',
      visitTimeoutMinutes: 45,
      lastEventCreditSeconds: 0,
      ltiAutoActivate: false,
      ltiRegistrationAllowPrivate: true,
      rosterRefreshMinutes: 5,
      canvasGroupRosters: true,
      ingestMaxBytes: 1048576,
      ingestRatePerMinute: 0,
      retentionDays: 400,
      maxConcurrentRequests: 0,
      maxQueuedRequests: 0,
      logLevel: 'debug',
    });
    assert.ok(Object.isFrozen(config));
  });

  it('derives PUBLIC_URL from PORT and resolves DATA_DIR from the working folder', () => {
    const config = loadConfig({ PORT: '4000', DATA_DIR: 'state' }, cwd);
    assert.equal(config.publicUrl, 'http://localhost:4000');
    assert.equal(config.dataDir, '/srv/coursepulse/state');
  });

  it('treats an empty variable as unset', () => {
    assert.equal(loadConfig({ PORT: '', DATABASE_URL: '' }, cwd).port, 3000);
    assert.equal(loadConfig({ DATABASE_URL: '' }, cwd).databaseUrl, undefined);
  });

  const refusals: Array<[Record<string, string>, string]> = [
    [{ PORT: 'abc' }, 'Configuration error: PORT="abc" is not allowed; expected a whole number from 1 to 65535.'],
    [{ PORT: '70000' }, 'Configuration error: PORT="70000" is not allowed; expected a whole number from 1 to 65535.'],
    [{ PORT: '3000.5' }, 'Configuration error: PORT="3000.5" is not allowed; expected a whole number from 1 to 65535.'],
    [
      { PUBLIC_URL: 'pulse.example.edu' },
      'Configuration error: PUBLIC_URL="pulse.example.edu" is not allowed; expected an http:// or https:// URL without query or fragment, e.g. https://coursepulse.example.edu.',
    ],
    [
      { PUBLIC_URL: 'https://pulse.example.edu/?x=1' },
      'Configuration error: PUBLIC_URL="https://pulse.example.edu/?x=1" is not allowed; expected an http:// or https:// URL without query or fragment, e.g. https://coursepulse.example.edu.',
    ],
    [
      { DATABASE_URL: 'mysql://root:secret@db/x' },
      'Configuration error: DATABASE_URL=(hidden) is not allowed; expected a postgres:// or postgresql:// connection URL.',
    ],
    [{ ADMIN_TOKEN: 'short' }, 'Configuration error: ADMIN_TOKEN=(hidden) is not allowed; expected at least 16 printable characters without spaces.'],
    [{ METRICS_TOKEN: 'short' }, 'Configuration error: METRICS_TOKEN=(hidden) is not allowed; expected at least 16 printable characters without spaces.'],
    [{ LTI_KEY: 'short' }, 'Configuration error: LTI_KEY=(hidden) is not allowed; expected at least 32 characters.'],
    [{ TIMEZONE: 'Mars/Olympus' }, 'Configuration error: TIMEZONE="Mars/Olympus" is not allowed; expected an IANA time zone such as UTC or Europe/Oslo.'],
    [{ VISIT_TIMEOUT_MINUTES: '4' }, 'Configuration error: VISIT_TIMEOUT_MINUTES="4" is not allowed; expected a whole number of minutes from 5 to 240.'],
    [{ VISIT_TIMEOUT_MINUTES: '241' }, 'Configuration error: VISIT_TIMEOUT_MINUTES="241" is not allowed; expected a whole number of minutes from 5 to 240.'],
    [
      { LAST_EVENT_CREDIT_SECONDS: '-1' },
      'Configuration error: LAST_EVENT_CREDIT_SECONDS="-1" is not allowed; expected a whole number of seconds from 0 to 3600.',
    ],
    [{ LTI_AUTO_ACTIVATE: 'maybe' }, 'Configuration error: LTI_AUTO_ACTIVATE="maybe" is not allowed; expected true or false.'],
    [{ LTI_REGISTRATION_ALLOW_PRIVATE: 'sometimes' }, 'Configuration error: LTI_REGISTRATION_ALLOW_PRIVATE="sometimes" is not allowed; expected true or false.'],
    [{ ROSTER_REFRESH_MINUTES: '0' }, 'Configuration error: ROSTER_REFRESH_MINUTES="0" is not allowed; expected a whole number of minutes from 1 to 1440.'],
    [{ RETENTION_DAYS: '0' }, 'Configuration error: RETENTION_DAYS="0" is not allowed; expected a whole number of days from 1 to 36500, or unset to keep raw events forever.'],
    [{ LOG_LEVEL: 'loud' }, 'Configuration error: LOG_LEVEL="loud" is not allowed; expected one of fatal, error, warn, info, debug, trace, silent.'],
  ];
  for (const [env, message] of refusals) {
    it(`refuses ${Object.entries(env)[0]!.join('=')} with one line`, () => {
      assert.equal(errorOf(env), message);
    });
  }

  it('refuses a last-event credit longer than the visit timeout', () => {
    assert.equal(
      errorOf({ VISIT_TIMEOUT_MINUTES: '5', LAST_EVENT_CREDIT_SECONDS: '301' }),
      'Configuration error: LAST_EVENT_CREDIT_SECONDS="301" is not allowed; expected at most the visit timeout (VISIT_TIMEOUT_MINUTES=5, so 300 seconds).',
    );
    assert.equal(loadConfig({ VISIT_TIMEOUT_MINUTES: '5', LAST_EVENT_CREDIT_SECONDS: '300' }, cwd).lastEventCreditSeconds, 300);
  });

  it('never shows a secret, not even a wrong one', () => {
    const message = errorOf({ DATABASE_URL: 'mysql://root:hunter2@db/x' });
    assert.ok(!message.includes('hunter2'));
  });

  it('accepts the usual spellings of a boolean', () => {
    for (const [word, value] of [['TRUE', true], ['yes', true], ['1', true], ['off', false], ['No', false], ['0', false]] as const) {
      assert.equal(loadConfig({ LTI_AUTO_ACTIVATE: word }, cwd).ltiAutoActivate, value, word);
    }
  });
});
