import assert from 'node:assert/strict';
import Handlebars from 'handlebars';
import { formatHelper, localeFormat, translateHelper } from '../../src/i18n/index.js';
import { renderPage } from '../../src/views/render.js';

// The helpers as render.ts registers them, in an engine of their own so a test template needs no file.
const engine = Handlebars.create();
engine.registerHelper('t', translateHelper);
engine.registerHelper('format', formatHelper);
const render = (template: string, data: object) => engine.compile(template, { strict: true })(data);

const NBSP = '\u00a0';

describe('the {{t}} and {{format}} template helpers', () => {
  const template =
    '<h1>{{t "overview.title"}}</h1><p>{{t "overview.activeStudents" active=active total=total}}</p>' +
    '{{#each students}}<li>{{name}}: {{format "duration" seconds}}, {{format "date" day "weekday"}}</li>{{/each}}' +
    '<p>{{format "percent" change}} {{format "number" perDay 2}} {{format "dateTime" at}}</p>';
  const data = {
    active: 3,
    total: 12,
    students: [{ name: 'Åse <b>', seconds: 3660, day: '2026-03-03' }],
    change: -12.5,
    perDay: 1.5,
    at: '2026-03-03T08:25:00Z',
  };

  it('read the language and zone from @root.i18n, also inside {{#each}}, and escape like any value', () => {
    assert.deepEqual(
      [render(template, { ...data, i18n: localeFormat('nb', 'Europe/Oslo') }), render(template, { ...data, i18n: localeFormat('en', 'America/New_York') })],
      [
        '<h1>Aktivitetsoversikt</h1><p>3 av 12 studenter har vært aktive de siste 7 dagene</p>' +
          `<li>Åse &lt;b&gt;: 1${NBSP}t 1${NBSP}min, tir. 3. mars</li>` +
          `<p>\u221212,5${NBSP}% 1,5 3. mars 2026, 09:25</p>`,
        '<h1>Activity overview</h1><p>3 of 12 students active in the last 7 days</p>' +
          `<li>Åse &lt;b&gt;: 1${NBSP}h 1${NBSP}min, Tue 3 Mar</li>` +
          '<p>-12.5% 1.5 3 Mar 2026, 03:25</p>',
      ],
    );
  });

  it('use English in UTC when the view passes no i18n', () => {
    assert.equal(
      render(template, data),
      '<h1>Activity overview</h1><p>3 of 12 students active in the last 7 days</p>' +
        `<li>Åse &lt;b&gt;: 1${NBSP}h 1${NBSP}min, Tue 3 Mar</li>` +
        '<p>-12.5% 1.5 3 Mar 2026, 08:25</p>',
    );
  });

  it('show nothing for a missing figure, and "–" for a change that cannot be computed', () => {
    assert.equal(
      render('[{{format "duration" d}}][{{format "date" day}}][{{format "number" n}}][{{format "percent" c}}]', { d: null, day: null, n: null, c: null }),
      '[][][][–]',
    );
  });

  it('fail loudly on an unknown key, a missing parameter or an unknown formatter', () => {
    assert.throws(() => render('{{t "overview.nope"}}', {}), /\{\{t\}\}: no message "overview.nope"/);
    assert.throws(() => render('{{t "overview.activeStudents" active=1}}', {}), /needs the parameter "total"/);
    assert.throws(() => render('{{format "weekday" day}}', { day: '2026-03-03' }), /\{\{format\}\}: no formatter "weekday"/);
    assert.throws(() => render('{{format "duration"}}', {}), /needs a formatter name and a value/);
  });
});

describe('the page layout’s language', () => {
  it('is the i18n locale, and "en" with the page otherwise unchanged when a view passes none', () => {
    const data = { title: 'Your CoursePulse session has ended', message: 'Open CoursePulse again from your course’s menu in the LMS.' };
    const plain = renderPage('problem', data);
    assert.match(plain, /^<!doctype html>\n<html lang="en">\n/);
    assert.deepEqual(
      [renderPage('problem', { ...data, i18n: localeFormat('nb', 'Europe/Oslo') }), renderPage('problem', { ...data, i18n: localeFormat('en', 'UTC') })],
      [plain.replace('<html lang="en">', '<html lang="nb">'), plain],
    );
  });
});
