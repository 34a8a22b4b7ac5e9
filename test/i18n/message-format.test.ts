import assert from 'node:assert/strict';
import { messageParameters, parseMessage } from '../../src/i18n/index.js';
import { formatMessage, type MessageLocale } from '../../src/i18n/message-format.js';

// A stand-in locale that shows what formatting did: numbers in brackets, English plural rules.
const marked: MessageLocale = { number: (n) => `[${n}]`, pluralCategory: (n) => new Intl.PluralRules('en').select(n) };
const format = (text: string, params: Record<string, string | number>) => formatMessage(parseMessage(text), params, marked, 'test');

describe('message syntax (a subset of ICU MessageFormat)', () => {
  it('parses text, parameters and plural choices with nested parameters', () => {
    assert.deepEqual(parseMessage('Hi {name}, {n, plural, =0 {none} one {# of {total}} other {# of {total}}}!'), [
      { kind: 'text', text: 'Hi ' },
      { kind: 'parameter', name: 'name' },
      { kind: 'text', text: ', ' },
      {
        kind: 'plural',
        name: 'n',
        branches: new Map([
          ['=0', [{ kind: 'text', text: 'none' }]],
          ['one', [{ kind: 'count' }, { kind: 'text', text: ' of ' }, { kind: 'parameter', name: 'total' }]],
          ['other', [{ kind: 'count' }, { kind: 'text', text: ' of ' }, { kind: 'parameter', name: 'total' }]],
        ]),
      },
      { kind: 'text', text: '!' },
    ]);
  });

  it('lists each parameter once, sorted, including those inside plural branches', () => {
    assert.deepEqual(messageParameters(parseMessage('{b} {a, plural, one {{c}} other {{b}{d, plural, other {#}}}} # {a}')), ['a', 'b', 'c', 'd']);
  });

  it('fills parameters, formats numbers through the locale and picks =N, then the category, then other', () => {
    const text = '{who}: {n, plural, =0 {no visits} one {# visit} other {# visits}}, # stays';
    assert.deepEqual(
      [0, 1, 2, 1.5].map((n) => format(text, { who: 'Ada', n })),
      ['Ada: no visits, # stays', 'Ada: [1] visit, # stays', 'Ada: [2] visits, # stays', 'Ada: [1.5] visits, # stays'],
    );
    assert.equal(format('{a} and {b}', { a: 3, b: 'x', unused: 'y' }), '[3] and x');
  });

  it('refuses to print a message with a missing, null or non-finite parameter, or a plural by text', () => {
    assert.throws(() => format('Hello {name}', {}), /test needs the parameter "name".*got nothing/);
    assert.throws(() => format('Hello {name}', { name: null as unknown as string }), /needs the parameter "name".*got null/);
    assert.throws(() => format('{n} left', { n: Number.NaN }), /needs the parameter "n"/);
    assert.throws(() => format('{n, plural, other {#}}', { n: '3' }), /"n" chooses a plural form and must be a number/);
  });

  it('reports mistakes in a message with their place', () => {
    const mistakes: Array<[string, RegExp]> = [
      ['a } b', /unmatched "}" at character 2/],
      ['a {b', /unclosed "{"/],
      ['{}', /bad parameter name ""/],
      ['{a b}', /bad parameter name "a b"/],
      ['{a{b}}', /"{" inside a parameter/],
      ['{n, select, a {x} other {y}}', /only "plural" choices/],
      ['{n, plural, one {x}}', /plural {n} has no "other" branch/],
      ['{n, plural, few {x} few {y} other {z}}', /plural selector few twice/],
      ['{n, plural, lots {x} other {y}}', /bad plural selector "lots"/],
      ['{n, plural, other {x}', /unclosed "{"/],
      ['{n, plural, other {x}, one}', /plural selector ", one" without a branch/],
      ['{n, plural, other {x', /unclosed plural branch/],
    ];
    for (const [text, problem] of mistakes) assert.throws(() => parseMessage(text), problem, text);
  });
});
