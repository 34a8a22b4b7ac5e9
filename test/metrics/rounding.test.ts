import assert from 'node:assert/strict';
import { averageOrNull, roundHalfAwayFromZero } from '../../src/metrics/index.js';

describe('rounding of the reports (half away from zero)', () => {
  it('rounds halves away from zero, in both signs and at any number of decimals', () => {
    assert.deepEqual(
      [2.5, -2.5, 1.005, 0.125, -33.35, 1234.5, 0.4, -0.4, 0, 2 / 3].map((v, i) => roundHalfAwayFromZero(v, [0, 0, 2, 2, 1, 0, 0, 0, 0, 2][i])),
      [3, -3, 1.01, 0.13, -33.4, 1235, 0, 0, 0, 0.67],
    );
    assert.ok(Object.is(roundHalfAwayFromZero(-0.4), 0), 'no negative zero');
  });

  it('averages to null when the divisor is 0', () => {
    assert.deepEqual([averageOrNull(7, 2), averageOrNull(5, 3, 2), averageOrNull(0, 0)], [4, 1.67, null]);
  });
});
