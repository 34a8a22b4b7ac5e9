/**
 * The few-seconds memo of reads (src/models/read-memo.ts): an answer is used again until its time
 * is up on the app's clock, a read in flight is shared, a failed read is not remembered, the
 * oldest answers go first when it is full, and clear() forgets everything.
 */
import assert from 'node:assert/strict';
import { ReadMemo } from '../../src/models/read-memo.js';

describe('ReadMemo', () => {
  let clock: Date;
  let reads: string[];
  const memo = (maxEntries = 10) => new ReadMemo<string>({ ttlMs: 10_000, maxEntries, now: () => clock });
  const load = (key: string, answer = `answer ${reads.length + 1}`) => () => {
    reads.push(key);
    return Promise.resolve(answer);
  };

  beforeEach(() => {
    clock = new Date('2026-03-20T12:00:00Z');
    reads = [];
  });

  it('uses an answer again until its time is up, then reads anew', async () => {
    const m = memo();
    const answers = [await m.read('a', load('a'))];
    clock = new Date(clock.getTime() + 9_999);
    answers.push(await m.read('a', load('a')));
    clock = new Date(clock.getTime() + 1);
    answers.push(await m.read('a', load('a')));
    assert.deepEqual({ answers, reads }, { answers: ['answer 1', 'answer 1', 'answer 2'], reads: ['a', 'a'] });
  });

  it('reads anew when the clock went back (a test moved it)', async () => {
    const m = memo();
    await m.read('a', load('a'));
    clock = new Date(clock.getTime() - 1);
    assert.equal(await m.read('a', load('a')), 'answer 2');
  });

  it('shares a read in flight, and keeps keys apart', async () => {
    const m = memo();
    let finish!: (value: string) => void;
    const slow = () => {
      reads.push('a');
      return new Promise<string>((resolve) => (finish = resolve));
    };
    const first = m.read('a', slow);
    const second = m.read('a', slow);
    const other = m.read('b', load('b', 'b answer'));
    finish('a answer');
    assert.deepEqual({ answers: await Promise.all([first, second, other]), reads }, { answers: ['a answer', 'a answer', 'b answer'], reads: ['a', 'b'] });
  });

  it('does not remember a failed read', async () => {
    const m = memo();
    await assert.rejects(
      m.read('a', () => Promise.reject(new Error('database down'))),
      /database down/,
    );
    assert.deepEqual({ answer: await m.read('a', load('a')), size: m.size }, { answer: 'answer 1', size: 1 });
  });

  it('lets the oldest answers go when full, and forgets everything on clear()', async () => {
    const m = memo(2);
    for (const key of ['a', 'b', 'c']) await m.read(key, load(key));
    await m.read('b', load('b'));
    await m.read('a', load('a'));
    assert.deepEqual({ reads, size: m.size }, { reads: ['a', 'b', 'c', 'a'], size: 2 });
    m.clear();
    await m.read('c', load('c'));
    assert.deepEqual({ reads, size: m.size }, { reads: ['a', 'b', 'c', 'a', 'c'], size: 1 });
  });
});
