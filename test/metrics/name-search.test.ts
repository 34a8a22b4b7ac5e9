import assert from 'node:assert/strict';
import { matchesSearch, searchKey } from '../../src/metrics/index.js';

describe('the student search (case- and accent-insensitive substring)', () => {
  const names = ['José Núñez', 'JOSEPH Smith', 'Zoë Ørsted', 'Ana Álvarez', 'İlkay Gündoğan', 'Ｆｕｌｌｗｉｄｔｈ Name', 'Björk'];
  const found = (query: string) => names.filter((name) => matchesSearch(name, query));

  it('finds accented names from plain letters and plain names from accented letters', () => {
    assert.deepEqual(found('jose'), ['José Núñez', 'JOSEPH Smith']);
    assert.deepEqual(found('JOSÉ'), ['José Núñez', 'JOSEPH Smith']);
    assert.deepEqual(found('nunez'), ['José Núñez']);
    assert.deepEqual(found('alv'), ['Ana Álvarez']);
    assert.deepEqual(found('ZOE'), ['Zoë Ørsted']);
    assert.deepEqual(found('bjork'), ['Björk']);
  });

  it('keeps letters that are not a base letter with marks: ø is not o', () => {
    assert.deepEqual(found('ørsted'), ['Zoë Ørsted']);
    assert.deepEqual(found('orsted'), []);
  });

  it('folds compatibility forms and capitals that lower to a letter with a mark', () => {
    assert.deepEqual(found('fullwidth'), ['Ｆｕｌｌｗｉｄｔｈ Name']);
    assert.deepEqual(found('ilkay gundogan'), ['İlkay Gündoğan']);
    assert.equal(searchKey('Ｆİé'), 'fie');
  });

  it('matches anywhere in the name, ignores the query’s outer spaces, and a blank query matches all', () => {
    assert.deepEqual(found(' ez '), ['José Núñez', 'Ana Álvarez']);
    assert.deepEqual(found(''), names);
    assert.deepEqual(found('   '), names);
    assert.deepEqual(found('josé  núñez'), []);
  });
});
