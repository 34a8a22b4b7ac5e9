import assert from 'node:assert/strict';
import { localeFormat, type MessageKey } from '../../src/i18n/index.js';

// Node's ICU writes Bokmål with a no-break space (thousands, before %) and U+2212 for minus.
const NBSP = '\u00a0';
const MINUS = '\u2212';
/** `text` with a no-break space after each digit, where Intl and the duration units put one. */
const nbsp = (text: string) => text.replace(/(\d) /g, `$1${NBSP}`);

const en = localeFormat('en', 'Europe/Oslo');
const nb = localeFormat('nb', 'Europe/Oslo');

describe('localeFormat: words and formats for a reader and a course time zone', () => {
  it('is one frozen object per locale and zone, and refuses an unknown zone or locale', () => {
    assert.equal(localeFormat('nb', 'Europe/Oslo'), nb);
    assert.notEqual(localeFormat('nb', 'UTC'), nb);
    assert.deepEqual([nb.locale, nb.timeZone, en.locale, Object.isFrozen(nb)], ['nb', 'Europe/Oslo', 'en', true]);
    assert.throws(() => localeFormat('en', 'Mars/Olympus_Mons'), /Unknown time zone: "Mars\/Olympus_Mons"/);
    assert.throws(() => localeFormat('de' as 'en', 'UTC'), /Unknown locale "de"/);
  });

  describe('t', () => {
    it('fills the catalogue text, with the plural forms of each language', () => {
      const cases: Array<[number, number]> = [[3, 12], [1, 12], [1, 1], [0, 0], [1200, 1500]];
      assert.deepEqual(
        cases.map(([active, total]) => en.t('overview.activeStudents', { active, total })),
        [
          '3 of 12 students active in the last 7 days',
          '1 of 12 students active in the last 7 days',
          '1 of 1 student active in the last 7 days',
          '0 of 0 students active in the last 7 days',
          '1,200 of 1,500 students active in the last 7 days',
        ],
      );
      assert.deepEqual(
        cases.map(([active, total]) => nb.t('overview.activeStudents', { active, total })),
        [
          '3 av 12 studenter har vært aktive de siste 7 dagene',
          '1 av 12 studenter har vært aktiv de siste 7 dagene',
          '1 av 1 student har vært aktiv de siste 7 dagene',
          '0 av 0 studenter har vært aktive de siste 7 dagene',
          `1${NBSP}200 av 1${NBSP}500 studenter har vært aktive de siste 7 dagene`,
        ],
      );
    });

    it('writes the method note with the parameters in force', () => {
      const params = [
        { timeout: 30, credit: 60, cap: 8, timezone: 'Europe/Oslo' },
        { timeout: 5, credit: 1, cap: 1, timezone: 'UTC' },
      ];
      assert.deepEqual(
        params.map((p) => [en.t('report.method', p), nb.t('report.method', p)]),
        [
          [
            'Time in course is an estimate: a visit ends after 30 minutes without activity, the last action of a visit counts 60 seconds, a visit counts at most 8 hours; days in Europe/Oslo.',
            'Tid i emnet er et anslag: et besøk slutter etter 30 minutter uten aktivitet, den siste handlingen i et besøk teller 60 sekunder, og et besøk teller høyst 8 timer; dagene følger tidssonen Europe/Oslo.',
          ],
          [
            'Time in course is an estimate: a visit ends after 5 minutes without activity, the last action of a visit counts 1 second, a visit counts at most 1 hour; days in UTC.',
            'Tid i emnet er et anslag: et besøk slutter etter 5 minutter uten aktivitet, den siste handlingen i et besøk teller 1 sekund, og et besøk teller høyst 1 time; dagene følger tidssonen UTC.',
          ],
        ],
      );
    });

    it('fails loudly on a missing parameter or an unknown key, never printing "{name}"', () => {
      assert.throws(() => en.t('overview.activeStudents', { active: 3 }), /Message "overview.activeStudents" \(en\) needs the parameter "total"/);
      assert.throws(() => nb.t('details.noVisits.text'), /Message "details.noVisits.text" \(nb\) needs the parameter "name"/);
      assert.throws(() => en.t('no.such.key' as MessageKey), /No message "no.such.key" in the en catalogue/);
    });
  });

  describe('date, month', () => {
    it('formats a calendar day in three styles', () => {
      const days = ['2026-03-03', '2026-01-01', '2026-09-01', '2028-02-29'];
      const styles = ['short', 'long', 'weekday'] as const;
      assert.deepEqual(
        days.map((day) => styles.map((style) => en.date(day, style))),
        [
          ['3 Mar 2026', '3 March 2026', 'Tue 3 Mar'],
          ['1 Jan 2026', '1 January 2026', 'Thu 1 Jan'],
          ['1 Sept 2026', '1 September 2026', 'Tue 1 Sept'],
          ['29 Feb 2028', '29 February 2028', 'Tue 29 Feb'],
        ],
      );
      assert.deepEqual(
        days.map((day) => styles.map((style) => nb.date(day, style))),
        [
          ['3. mars 2026', '3. mars 2026', 'tir. 3. mars'],
          ['1. jan. 2026', '1. januar 2026', 'tor. 1. jan.'],
          ['1. sep. 2026', '1. september 2026', 'tir. 1. sep.'],
          ['29. feb. 2028', '29. februar 2028', 'tir. 29. feb.'],
        ],
      );
      assert.equal(en.date('2026-03-03'), '3 Mar 2026', 'short is the default');
    });

    it('never shifts a calendar day by the course zone', () => {
      const zones = ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'America/Los_Angeles', 'UTC'];
      assert.deepEqual(
        zones.map((zone) => localeFormat('en', zone).date('2026-03-03', 'weekday')),
        zones.map(() => 'Tue 3 Mar'),
      );
    });

    it('formats a month', () => {
      assert.deepEqual(
        ['2026-03', '2026-12'].map((month) => [en.month(month), nb.month(month)]),
        [
          ['March 2026', 'mars 2026'],
          ['December 2026', 'desember 2026'],
        ],
      );
    });

    it('refuses what is not a day or a month', () => {
      for (const day of ['2026-02-30', '2026-3-3', '03/03/2026', '2026-03-03T00:00:00Z', '']) assert.throws(() => en.date(day), /Not a day/, day);
      assert.throws(() => en.date('2026-03-03', 'full' as 'long'), /Unknown date style "full"/);
      for (const month of ['2026-13', '2026-3', '2026-03-01']) assert.throws(() => en.month(month), /Not a month/, month);
    });
  });

  describe('dateTime, time', () => {
    it('shows an instant in the course zone', () => {
      const instants = ['2026-03-03T08:25:00Z', '2026-03-03T09:25:00+01:00', '2026-12-31T23:30:00Z'];
      assert.deepEqual(
        instants.map((at) => [en.dateTime(at), nb.dateTime(at), en.time(at), nb.time(new Date(at))]),
        [
          ['3 Mar 2026, 09:25', '3. mars 2026, 09:25', '09:25', '09:25'],
          ['3 Mar 2026, 09:25', '3. mars 2026, 09:25', '09:25', '09:25'],
          ['1 Jan 2027, 00:30', '1. jan. 2027, 00:30', '00:30', '00:30'],
        ],
      );
      assert.deepEqual([localeFormat('en', 'UTC').dateTime(new Date('2026-03-03T08:25:00Z')), localeFormat('nb', 'UTC').time('2026-03-03T08:25:00Z')], [
        '3 Mar 2026, 08:25',
        '08:25',
      ]);
    });

    it('follows daylight saving time in Europe/Oslo (29 March and 25 October 2026)', () => {
      const instants = [
        '2026-03-29T00:59:00Z', // 01:59 CET, the last minute before the clocks go forward
        '2026-03-29T01:00:00Z', // 03:00 CEST
        '2026-10-25T00:30:00Z', // 02:30 CEST
        '2026-10-25T01:30:00Z', // 02:30 CET: the hour repeats
        '2026-10-25T02:30:00Z', // 03:30 CET
      ];
      assert.deepEqual(
        instants.map((at) => [en.dateTime(at), nb.dateTime(at)]),
        [
          ['29 Mar 2026, 01:59', '29. mars 2026, 01:59'],
          ['29 Mar 2026, 03:00', '29. mars 2026, 03:00'],
          ['25 Oct 2026, 02:30', '25. okt. 2026, 02:30'],
          ['25 Oct 2026, 02:30', '25. okt. 2026, 02:30'],
          ['25 Oct 2026, 03:30', '25. okt. 2026, 03:30'],
        ],
      );
    });

    it('refuses an instant without a zone or an invalid date', () => {
      for (const at of ['2026-03-03T09:25', '2026-03-03', 'yesterday', new Date(Number.NaN)]) {
        assert.throws(() => en.dateTime(at), /Not an instant with a zone/, String(at));
        assert.throws(() => nb.time(at), /Not an instant with a zone/, String(at));
      }
    });
  });

  describe('number', () => {
    it('rounds half away from zero to at most the decimals asked for, with the locale separators', () => {
      const cases: Array<[number, number | undefined]> = [
        [0, undefined],
        [1234, undefined],
        [1234567.891, 2],
        [-1234.5, 1],
        [2.5, 0],
        [-2.5, 0],
        [-0.001, 2],
        [-0.004, 0],
        [1.005, 2],
        [1.5, 2],
        [2, 2],
      ];
      assert.deepEqual(
        cases.map(([n, decimals]) => en.number(n, decimals)),
        ['0', '1,234', '1,234,567.89', '-1,234.5', '3', '-3', '0', '0', '1.01', '1.5', '2'],
      );
      assert.deepEqual(
        cases.map(([n, decimals]) => nb.number(n, decimals)),
        ['0', nbsp('1 234'), nbsp('1 234 567,89'), `${MINUS}1${NBSP}234,5`, '3', `${MINUS}3`, '0', '0', '1,01', '1,5', '2'],
      );
    });

    it('refuses what is not a finite number or a whole number of decimals', () => {
      assert.throws(() => en.number(Number.NaN), /number must be a finite number, got NaN/);
      assert.throws(() => en.number(Number.POSITIVE_INFINITY), /got Infinity/);
      assert.throws(() => en.number(1, -1), /decimals must be 0–20, got -1/);
      assert.throws(() => en.number(1, 1.5), /decimals must be 0–20, got 1.5/);
    });
  });

  describe('duration', () => {
    it('reads 0 as "0 min", seconds under a minute, rounded minutes under an hour, then hours and minutes', () => {
      const seconds = [0, 0.4, 1, 45, 59, 59.5, 60, 89, 90, 1560, 3599, 3600, 3629, 3630, 3660, 5400, 8 * 3600, 100 * 3600, 1000 * 3600];
      assert.deepEqual(
        seconds.map((s) => en.duration(s)),
        ['0 min', '0 min', '1 s', '45 s', '59 s', '1 min', '1 min', '1 min', '2 min', '26 min', '1 h', '1 h', '1 h', '1 h 1 min', '1 h 1 min', '1 h 30 min', '8 h', '100 h', '1,000 h'].map(nbsp),
      );
      assert.deepEqual(
        seconds.map((s) => nb.duration(s)),
        ['0 min', '0 min', '1 s', '45 s', '59 s', '1 min', '1 min', '1 min', '2 min', '26 min', '1 t', '1 t', '1 t', '1 t 1 min', '1 t 1 min', '1 t 30 min', '8 t', '100 t', '1 000 t'].map(nbsp),
      );
    });

    it('refuses a negative or non-finite duration', () => {
      assert.throws(() => en.duration(-1), /A duration cannot be negative: -1/);
      assert.throws(() => nb.duration(Number.NaN), /A duration must be a finite number/);
    });
  });

  describe('percent', () => {
    it('shows a change with its sign and at most one decimal, and null as "–"', () => {
      const changes = [12.5, -12.5, 0, 100, 33.35, 0.04, -0.04, 1234.5, null];
      assert.deepEqual(
        changes.map((c) => en.percent(c)),
        ['+12.5%', '-12.5%', '0%', '+100%', '+33.4%', '0%', '0%', '+1,234.5%', '–'],
      );
      assert.deepEqual(
        changes.map((c) => nb.percent(c)),
        ['+12,5 %', `${MINUS}12,5 %`, '0 %', '+100 %', '+33,4 %', '0 %', '0 %', '+1 234,5 %', '–'].map(nbsp),
      );
      assert.throws(() => en.percent(Number.NaN), /A change in percent must be a finite number/);
    });
  });
});
