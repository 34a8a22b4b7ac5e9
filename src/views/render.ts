/**
 * The one place that decides between a full page and the partial htmx asked for. Every htmx
 * target is a partial that the full page also renders, so a reload, a history restore or a
 * browser without JavaScript gets the same content as an htmx swap. Handlers never read HX-*
 * headers themselves.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Request, Response } from 'express';
import Handlebars from 'handlebars';
import { formatHelper, translateHelper, type LocaleFormat } from '../i18n/index.js';
import { scriptJson } from './script-json.js';
import { tableRows } from './table-rows.js';

// Templates stay in src/ and resolve from src/ and dist/ alike (as the migrations do).
const VIEWS_DIR = fileURLToPath(new URL('../../src/views/', import.meta.url));

const handlebars = Handlebars.create();

// Our helpers, by name. `{{t}}` and `{{format}}` are the language layer's (src/i18n/template-helpers.ts):
// `{{t "overview.title"}}`, `{{t "overview.activeStudents" active=3 total=12}}`, `{{format "duration" seconds}}`.
// Both read `@root.i18n`, the LocaleFormat a view passes as `i18n` in its data (PageContext below):
// `i18n: localeFormat(chooseLocale(session.locale, req.get('Accept-Language')), courseTimeZone)`.
// Without it they use English in UTC, and the layout's `lang` is "en".
const HELPERS: Record<string, Handlebars.HelperDelegate> = {
  json: (value: unknown) => JSON.stringify(value),
  // A chart's spec in its <script type="application/json">, and its table's rows (partials/chart.hbs).
  scriptJson,
  tableRows,
  eq: (a: unknown, b: unknown) => a === b,
  plural: (n: number, one: string, many: string) => (n === 1 ? one : many),
  iso: (date: Date | null) => (date ? date.toISOString() : ''),
  time: (date: Date | null) => (date ? date.toISOString().slice(11, 16) : ''),
  t: translateHelper,
  format: formatHelper,
};
for (const [name, helper] of Object.entries(HELPERS)) handlebars.registerHelper(name, helper);

/**
 * How every template is compiled. `strict`: a name the data lacks throws, so a page test fails
 * instead of a page showing a blank. `knownHelpers` (+ `knownHelpersOnly`): a helper call compiles
 * to a direct call instead of a lookup through the data first, and a name that is no helper fails
 * to compile. `preventIndent`: a partial on an indented line of its own is output as it is; by
 * default Handlebars splits its output into lines to indent each — for a chart's table, hundreds
 * of rows on every page — which cost a third of a student page's rendering, for whitespace no
 * reader sees.
 */
const COMPILE_OPTIONS: CompileOptions = {
  strict: true,
  preventIndent: true,
  knownHelpersOnly: true,
  knownHelpers: Object.fromEntries(Object.keys(HELPERS).map((name) => [name, true])),
};

function load(folder: string): Map<string, Handlebars.TemplateDelegate> {
  const dir = path.join(VIEWS_DIR, folder);
  return new Map(
    fs
      .readdirSync(dir)
      .filter((file) => file.endsWith('.hbs'))
      .map((file) => [file.replace(/\.hbs$/, ''), handlebars.compile(fs.readFileSync(path.join(dir, file), 'utf8'), COMPILE_OPTIONS)]),
  );
}

const partials = load('partials');
for (const [name, template] of partials) handlebars.registerPartial(name, template);
const pages = load('pages');
const layout = load('layouts').get('page')!;

/** Data every page needs: the page title and, inside a course, the session's ltik and course. */
export interface PageContext {
  title: string;
  /** Present inside a course: htmx sends it on every request, links carry it for no-JS use. */
  ltik?: string;
  course?: { title: string | null };
  /** The reader's language and the course's time zone, for `{{t}}`, `{{format}}` and `<html lang>`. */
  i18n?: LocaleFormat;
}

export interface View<Data extends object> {
  /** A file of pages/, which includes `partial`. */
  page: string;
  /** A file of partials/: what an htmx request for this URL swaps in. */
  partial: string;
  /**
   * Smaller regions of the same page, by the id of the element htmx targets (its HX-Target
   * header): a search box swaps only the list, a toggle only its chart. Each is a partial that
   * `partial` itself includes; any other target gets `partial`.
   */
  regions?: Readonly<Record<string, string>>;
  data: Data & PageContext;
  status?: number;
}

function isHtmxSwap(req: Request): boolean {
  // A history restore (the cache missed) and a boosted link want the whole page.
  return req.get('HX-Request') === 'true' && req.get('HX-History-Restore-Request') !== 'true' && req.get('HX-Boosted') !== 'true';
}

export function renderPage<Data extends object>(name: string, data: Data & PageContext): string {
  const page = pages.get(name);
  if (!page) throw new Error(`no page template ${name}`);
  return layout({ ...data, body: page(data) });
}

export function renderPartial<Data extends object>(name: string, data: Data): string {
  const partial = partials.get(name);
  if (!partial) throw new Error(`no partial template ${name}`);
  return partial(data);
}

export function renderView<Data extends object>(req: Request, res: Response, view: View<Data>): void {
  res.vary('HX-Request');
  if (view.regions) res.vary('HX-Target');
  res.status(view.status ?? 200).type('html');
  if (!isHtmxSwap(req)) return void res.send(renderPage(view.page, view.data));
  const target = req.get('HX-Target');
  const region = target !== undefined && Object.hasOwn(view.regions ?? {}, target) ? view.regions![target]! : view.partial;
  res.send(renderPartial(region, view.data));
}

/** A refusal or failure for a person (in `i18n`'s language when given): the whole page, or for htmx the message swapped into the main region. */
export function renderProblem(req: Request, res: Response, status: number, title: string, message: string, i18n?: LocaleFormat): void {
  if (isHtmxSwap(req)) res.set({ 'HX-Retarget': '#main', 'HX-Reswap': 'innerHTML' });
  // With the reader's language, the page's lang attribute matches the words it shows.
  renderView(req, res, { page: 'problem', partial: 'problem', data: { title, message, ...(i18n ? { i18n } : {}) }, status });
}

/**
 * The answer to a form that changed something: htmx gets the updated region at once; a plain
 * browser gets 303 to `location`, so a reload does not post the form again.
 */
export function renderAfterChange<Data extends object>(req: Request, res: Response, view: View<Data>, location: string): void {
  if (isHtmxSwap(req)) return renderView(req, res, view);
  res.vary('HX-Request');
  res.redirect(303, location);
}
