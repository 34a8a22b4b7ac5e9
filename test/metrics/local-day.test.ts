import assert from 'node:assert/strict';
import { addDays, assertTimeZone, dayRange, daysBetween, isoWeekday, localDay, localDayStart } from '../../src/metrics/index.js';

const at = (iso: string): number => Date.parse(iso);
const HOUR = 3_600_000;

/** Length of a local day in hours: from its first instant to the next day's first instant. */
const hoursIn = (day: string, zone: string): number => (localDayStart(addDays(day, 1), zone) - localDayStart(day, zone)) / HOUR;

describe('local days', () => {
  it('reads the local day of an instant, to the millisecond at local midnight', () => {
    const cases: Array<[string, string, string]> = [
      ['2024-01-15T23:59:59.999Z', 'UTC', '2024-01-15'],
      ['2024-01-16T00:00:00.000Z', 'UTC', '2024-01-16'],
      // Oslo in winter is UTC+1: local midnight of the 16th is 23:00Z on the 15th.
      ['2024-01-15T22:59:59.999Z', 'Europe/Oslo', '2024-01-15'],
      ['2024-01-15T23:00:00.000Z', 'Europe/Oslo', '2024-01-16'],
      // … and UTC+2 in summer: midnight is 22:00Z.
      ['2024-07-15T21:59:59.999Z', 'Europe/Oslo', '2024-07-15'],
      ['2024-07-15T22:00:00.000Z', 'Europe/Oslo', '2024-07-16'],
      // Lord Howe in (southern) summer is UTC+11: midnight is 13:00Z.
      ['2024-01-15T12:59:59.999Z', 'Australia/Lord_Howe', '2024-01-15'],
      ['2024-01-15T13:00:00.000Z', 'Australia/Lord_Howe', '2024-01-16'],
      // … and UTC+10:30 in winter: midnight is 13:30Z.
      ['2024-07-15T13:29:59.999Z', 'Australia/Lord_Howe', '2024-07-15'],
      ['2024-07-15T13:30:00.000Z', 'Australia/Lord_Howe', '2024-07-16'],
      // Kathmandu is UTC+5:45: midnight is 18:15Z.
      ['2024-01-15T18:14:59.999Z', 'Asia/Kathmandu', '2024-01-15'],
      ['2024-01-15T18:15:00.000Z', 'Asia/Kathmandu', '2024-01-16'],
      // Los Angeles in winter is UTC−8: midnight is 08:00Z the same UTC day.
      ['2024-01-16T07:59:59.999Z', 'America/Los_Angeles', '2024-01-15'],
      ['2024-01-16T08:00:00.000Z', 'America/Los_Angeles', '2024-01-16'],
    ];
    assert.deepEqual(
      cases.map(([iso, zone]) => localDay(at(iso), zone)),
      cases.map(([, , day]) => day),
    );
  });

  it('finds the first instant of a day, also on DST days, and so the real length of the day', () => {
    assert.deepEqual(
      {
        oslo: localDayStart('2024-01-16', 'Europe/Oslo'),
        osloSpring: localDayStart('2024-03-31', 'Europe/Oslo'),
        osloAfterSpring: localDayStart('2024-04-01', 'Europe/Oslo'),
        osloAutumn: localDayStart('2024-10-27', 'Europe/Oslo'),
        osloAfterAutumn: localDayStart('2024-10-28', 'Europe/Oslo'),
        // Santiago skips midnight: at 2024-09-08 00:00 (−04) the clocks go to 01:00 (−03), so the
        // 8th begins at 01:00 local = 04:00Z.
        santiagoSkippedMidnight: localDayStart('2024-09-08', 'America/Santiago'),
        utc: localDayStart('2024-02-29', 'UTC'),
      },
      {
        oslo: at('2024-01-15T23:00:00Z'),
        osloSpring: at('2024-03-30T23:00:00Z'),
        osloAfterSpring: at('2024-03-31T22:00:00Z'),
        osloAutumn: at('2024-10-26T22:00:00Z'),
        osloAfterAutumn: at('2024-10-27T23:00:00Z'),
        santiagoSkippedMidnight: at('2024-09-08T04:00:00Z'),
        utc: at('2024-02-29T00:00:00Z'),
      },
    );
    assert.deepEqual(
      [
        hoursIn('2024-01-16', 'Europe/Oslo'),
        hoursIn('2024-03-31', 'Europe/Oslo'), // 02:00 → 03:00
        hoursIn('2024-10-27', 'Europe/Oslo'), // 03:00 → 02:00
        hoursIn('2024-10-06', 'Australia/Lord_Howe'), // 02:00 → 02:30
        hoursIn('2024-04-07', 'Australia/Lord_Howe'), // 02:00 → 01:30
        hoursIn('2024-09-07', 'America/Santiago'), // ends just before the skipped midnight
        hoursIn('2024-09-08', 'America/Santiago'), // 01:00 to midnight
      ],
      [24, 23, 25, 23.5, 24.5, 24, 23],
    );
  });

  it('puts the instant before a day start on the day before, and the start itself on the day', () => {
    for (const [day, zone] of [
      ['2024-03-31', 'Europe/Oslo'],
      ['2024-10-27', 'Europe/Oslo'],
      ['2024-10-06', 'Australia/Lord_Howe'],
      ['2024-09-08', 'America/Santiago'],
    ] as const) {
      const start = localDayStart(day, zone);
      assert.deepEqual([localDay(start - 1, zone), localDay(start, zone)], [addDays(day, -1), day], `${day} ${zone}`);
    }
  });

  it('does calendar arithmetic on days without a time zone', () => {
    assert.deepEqual(
      [
        addDays('2024-02-28', 1),
        addDays('2024-02-28', 2),
        addDays('2023-02-28', 1),
        addDays('2023-12-31', 1),
        addDays('2024-01-01', -1),
        addDays('2024-03-31', 0),
        addDays('2025-02-28', -366),
      ],
      ['2024-02-29', '2024-03-01', '2023-03-01', '2024-01-01', '2023-12-31', '2024-03-31', '2024-02-28'],
    );
    assert.deepEqual(
      [daysBetween('2024-01-01', '2025-01-01'), daysBetween('2024-03-31', '2024-03-30'), daysBetween('2024-10-27', '2024-10-28')],
      [366, -1, 1],
    );
    assert.deepEqual(
      [dayRange('2024-02-27', '2024-03-02'), dayRange('2024-12-31', '2024-12-31'), dayRange('2024-03-31', '2024-03-30'), dayRange('2023-01-01', '2023-12-31').length],
      [['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01', '2024-03-02'], ['2024-12-31'], [], 365],
    );
    assert.throws(() => dayRange('2023-02-29', '2023-03-01'), /Not a day/);
    // 2024-09-09 is a Monday.
    assert.deepEqual(
      ['2024-09-09', '2024-09-10', '2024-09-14', '2024-09-15'].map(isoWeekday),
      [1, 2, 6, 7],
    );
  });

  it('refuses unknown zones, impossible days and non-instants', () => {
    assert.throws(() => localDay(0, 'Mars/Olympus_Mons'), { name: 'RangeError', message: 'Unknown time zone: "Mars/Olympus_Mons"' });
    assert.throws(() => assertTimeZone(''), RangeError);
    assert.throws(() => localDay(Number.NaN, 'UTC'), { name: 'RangeError', message: 'Not an instant: NaN' });
    assert.throws(() => addDays('2023-02-29', 1), { name: 'RangeError', message: 'Not a day (YYYY-MM-DD): "2023-02-29"' });
    assert.throws(() => addDays('2024-1-1', 1), RangeError);
    assert.throws(() => addDays('2024-01-01', 0.5), RangeError);
    assert.throws(() => localDayStart('2024-13-01', 'UTC'), RangeError);
  });
});
