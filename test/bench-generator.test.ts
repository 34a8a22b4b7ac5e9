import assert from 'node:assert/strict';
import { courseActivity, deliveryBatches } from '../bench/activity-generator.js';
import { validateStatements } from '../src/ingest/statement-validation.js';
import { classifyStatement } from '../src/ingest/classify.js';

const options = { seed: 42, lmsUrl: 'http://moodle.example.edu', courseId: '7', students: 30, days: 14, start: new Date('2026-03-02T00:00:00Z') };

describe("the benchmark's activity generator", () => {
  it('is repeatable: the same seed gives the same statements', () => {
    assert.deepEqual([...courseActivity(options)], [...courseActivity(options)]);
    assert.notDeepEqual([...courseActivity(options)].slice(0, 20), [...courseActivity({ ...options, seed: 43 })].slice(0, 20));
  });

  it('makes valid Moodle-shaped statements of every kind the reports count', () => {
    const all = [...courseActivity(options)].map((e) => e.statement);
    assert.ok(all.length > 1000, `only ${all.length} statements`);
    const checked = validateStatements(all, '1.0.3');
    assert.ok(checked.ok, checked.ok ? '' : checked.error);
    const kinds = new Set(all.map((s) => JSON.stringify(classifyStatement(s))));
    assert.deepEqual([...kinds].sort(), ['{"kind":"activity"}', '{"kind":"post"}', '{"kind":"resource"}', '{"kind":"thread"}', '{"kind":"visit"}']);
  });

  it('delivers every statement at least once, some twice, some late', () => {
    const all = [...courseActivity(options)].map((e) => JSON.stringify(e.statement));
    const delivered = [...deliveryBatches(options, 100)].flat().map((s) => JSON.stringify(s));
    assert.deepEqual(new Set(delivered), new Set(all));
    const extra = delivered.length - all.length;
    assert.ok(extra > all.length * 0.01 && extra < all.length * 0.04, `${extra} duplicates of ${all.length}`);
    const order = delivered.map((s) => Date.parse(JSON.parse(s).timestamp));
    assert.ok(order.some((t, i) => i > 0 && t < order[i - 1]!), 'some statements arrive after later ones');
  });
});
