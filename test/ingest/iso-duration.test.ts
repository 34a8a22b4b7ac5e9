import assert from 'node:assert/strict';
import { durationComparisonForm, isIsoDuration, isoDurationToSeconds, parseIsoDuration } from '../../src/ingest/iso-duration.js';

describe('ISO 8601 durations (xAPI-Data.md §4.6)', () => {
  describe('valid durations and their seconds', () => {
    const cases: [string, number][] = [
      // The examples of xAPI-Data.md §4.6.
      ['PT4H35M59.14S', 4 * 3600 + 35 * 60 + 59.14],
      ['PT16559.14S', 16559.14],
      ['P3Y1M29DT4H35M59.14S', 3 * 365 * 86400 + 30 * 86400 + 29 * 86400 + 4 * 3600 + 35 * 60 + 59.14],
      ['P3Y', 3 * 365 * 86400],
      ['P4W', 4 * 7 * 86400],
      // Others: zero, one unit, the time part alone, comma as the decimal sign, a fraction on the
      // lowest-order unit only, more than 0.01 s precision (XAPI 2.0 suite: must not be rejected).
      ['PT0S', 0],
      ['P0D', 0],
      ['P1D', 86400],
      ['PT1H', 3600],
      ['PT90M', 5400],
      ['PT1,5S', 1.5],
      ['PT1.5H', 5400],
      ['P1DT12H36M0.12567S', 86400 + 12 * 3600 + 36 * 60 + 0.12567],
      ['P1Y2M', 365 * 86400 + 60 * 86400],
      ['P0.5Y', 0.5 * 365 * 86400],
      ['P1.5W', 1.5 * 7 * 86400],
      ['PT36H', 36 * 3600],
    ];
    for (const [text, seconds] of cases) {
      it(`${text} is ${seconds} s`, () => {
        assert.equal(isIsoDuration(text), true);
        const got = isoDurationToSeconds(text);
        assert.ok(got !== null && Math.abs(got - seconds) < 1e-9, `${text}: ${got} ≠ ${seconds}`);
      });
    }
  });

  describe('invalid durations are rejected', () => {
    const cases: [string, string][] = [
      ['P4W1D', 'weeks combined with another unit'],
      ['P1DT2H4W', 'weeks after other units'],
      ['PA1H0M0S', 'a letter that is no unit (the ADL suite’s invalid duration)'],
      ['P', 'no component'],
      ['PT', 'a T with no time component'],
      ['P1DT', 'a T with no time component after a date part'],
      ['P0003-01-29T04:35:59', 'the alternative format (ISO 8601 §4.4.3.3)'],
      ['PT1.5H30M', 'a fraction on a component that is not the last'],
      ['P1.5DT2H', 'a fraction on the date part before a time part'],
      ['-PT1S', 'a negative duration'],
      ['pt1s', 'lower-case designators'],
      ['PT1S ', 'trailing space'],
      [' PT1S', 'leading space'],
      ['', 'the empty string'],
      ['1H', 'no P'],
      ['P1M1Y', 'units out of order'],
      ['PT1H1H', 'a unit twice'],
      ['PT.5S', 'no digit before the decimal sign'],
      ['PT1.S', 'no digit after the decimal sign'],
      ['P1H', 'hours without T'],
      ['PT1D', 'days after T'],
      ['PT1e3S', 'an exponent'],
      ['P1Y 2M', 'a space inside'],
    ];
    for (const [text, why] of cases) {
      it(`${JSON.stringify(text)}: ${why}`, () => {
        assert.equal(parseIsoDuration(text), null);
        assert.equal(isIsoDuration(text), false);
        assert.equal(isoDurationToSeconds(text), null);
      });
    }
  });

  it('non-strings are not durations', () => {
    for (const value of [null, undefined, 5, {}, ['PT1S'], true]) assert.equal(isIsoDuration(value), false);
  });

  it('parses into the components as written', () => {
    assert.deepEqual(parseIsoDuration('P3Y1M29DT4H35M59.14S'), {
      years: 3,
      months: 1,
      weeks: 0,
      days: 29,
      hours: 4,
      minutes: 35,
      seconds: 59.14,
    });
    assert.deepEqual(parseIsoDuration('P4W'), { years: 0, months: 0, weeks: 4, days: 0, hours: 0, minutes: 0, seconds: 0 });
    assert.deepEqual(parseIsoDuration('PT2M'), { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 2, seconds: 0 });
  });

  it('compares durations only to 0.01 s: the seconds fraction is cut (not rounded) to two digits', () => {
    assert.equal(durationComparisonForm('P1DT12H36M0.1237S'), 'P1DT12H36M0.12S');
    assert.equal(durationComparisonForm('P1DT12H36M0.12S'), 'P1DT12H36M0.12S');
    assert.equal(durationComparisonForm('PT1.129S'), 'PT1.12S');
    assert.equal(durationComparisonForm('PT1.10S'), 'PT1.1S');
    assert.equal(durationComparisonForm('PT1.001S'), 'PT1S');
    assert.equal(durationComparisonForm('PT1,25S'), 'PT1.25S');
    assert.equal(durationComparisonForm('PT4H35M59S'), 'PT4H35M59S');
    assert.equal(durationComparisonForm('P4W'), 'P4W');
    assert.notEqual(durationComparisonForm('PT1.12S'), durationComparisonForm('PT1.13S'));
  });
});
