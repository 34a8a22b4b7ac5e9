import assert from 'node:assert/strict';
import { chooseLocale } from '../../src/i18n/index.js';

describe('chooseLocale: the language of the pages', () => {
  it('gives Bokmål for every Norwegian launch locale, in any casing and with _ or -', () => {
    const norwegian = ['nb', 'nb-NO', 'no', 'no-NO', 'nn', 'nn-NO', 'nb_NO', 'NB-no', 'NO', ' nb-NO ', 'nb-Latn-NO'];
    assert.deepEqual(
      norwegian.map((locale) => chooseLocale(locale)),
      norwegian.map(() => 'nb'),
    );
  });

  it('gives English for English and for every language it has no catalogue of', () => {
    const others = ['en', 'en-US', 'en-GB', 'EN_au', 'sv-SE', 'da', 'de-DE', 'se-NO', 'fr', 'nbx', 'x-nb', 'n'];
    assert.deepEqual(
      others.map((locale) => chooseLocale(locale)),
      others.map(() => 'en'),
    );
  });

  it('lets a launch locale decide over the browser: the LMS says what the person reads', () => {
    assert.deepEqual(
      [chooseLocale('en-US', 'nb-NO,nb;q=0.9'), chooseLocale('nb-NO', 'en-US,en;q=0.9'), chooseLocale('de-DE', 'nb')],
      ['en', 'nb', 'en'],
    );
  });

  it('without a launch locale reads Accept-Language, most preferred language it has first', () => {
    const cases: Array<[string | null | undefined, string | undefined, 'en' | 'nb']> = [
      [null, 'nb-NO,nb;q=0.9,en;q=0.8', 'nb'],
      [undefined, 'de-DE,de;q=0.9,nn;q=0.8,en;q=0.7', 'nb'],
      ['', 'de, en;q=0.5, no;q=0.6', 'nb'],
      ['   ', 'en-US,en;q=0.9,nb;q=0.8', 'en'],
      [null, 'nb;q=0, en;q=0.1', 'en'],
      [null, '*', 'en'],
      [null, 'sv-SE', 'en'],
      [null, 'nb;q=abc, da', 'en'],
      [null, '', 'en'],
      [null, undefined, 'en'],
      [undefined, undefined, 'en'],
    ];
    assert.deepEqual(
      cases.map(([launch, accept]) => chooseLocale(launch, accept)),
      cases.map(([, , expected]) => expected),
    );
  });
});
