/**
 * The language choice of GET statements' `format=canonical` (xAPI-Communication.md §2.1.3): the
 * Accept-Language header's ranges in order of preference, and the one tag of a language map they
 * choose. The formats themselves are tested over HTTP in test/routes/xapi-statements.test.ts.
 */
import assert from 'node:assert/strict';
import { chooseLanguage, parseAcceptLanguage } from '../../src/ingest/statement-format.js';

describe('statement format: canonical language', () => {
  it('reads Accept-Language by weight, keeping the order of equal weights and leaving out q=0 and malformed entries', () => {
    assert.deepStrictEqual(parseAcceptLanguage(undefined), []);
    assert.deepStrictEqual(parseAcceptLanguage('fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5'), ['fr-ch', 'fr', 'en', 'de', '*']);
    assert.deepStrictEqual(parseAcceptLanguage('en;q=0.5, de, nl;q=0, x y, it;q=2, sv'), ['de', 'sv', 'en']);
  });

  it('chooses the tag itself, then the range truncated, then a tag the range is a prefix of; * any; else the first tag', () => {
    const tags = ['en-US', 'en-GB', 'de', 'pt-BR'];
    assert.equal(chooseLanguage(tags, ['en-gb']), 'en-GB');
    assert.equal(chooseLanguage(tags, ['de-at']), 'de');
    assert.equal(chooseLanguage(tags, ['pt']), 'pt-BR');
    assert.equal(chooseLanguage(tags, ['fr', 'de']), 'de');
    assert.equal(chooseLanguage(tags, ['fr', '*']), 'en-US');
    assert.equal(chooseLanguage(tags, ['fr']), 'en-US');
    assert.equal(chooseLanguage(tags, []), 'en-US');
    assert.equal(chooseLanguage([], ['en']), undefined);
  });
});
