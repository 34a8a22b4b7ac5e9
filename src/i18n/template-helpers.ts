/**
 * The Handlebars helpers of the language layer, registered in src/views/render.ts:
 *
 * - `{{t "overview.title"}}`, `{{t "overview.activeStudents" active=3 total=12}}`: a catalogue
 *   text; the hash is its parameters. Handlebars escapes the result like any other value.
 * - `{{format "duration" 1560}}`, `{{format "date" day "long"}}`, `{{format "percent" change}}`:
 *   one of LocaleFormat's formatters (date, month, dateTime, time, number, duration, percent).
 *
 * Both read the reader's formats from the template's root context, `@root.i18n`: the
 * LocaleFormat a view passes as `i18n` in its data (`localeFormat(chooseLocale(…), timeZone)`).
 * Without it — pages outside a course, such as the admin page — they use English in UTC.
 */
import type { HelperOptions } from 'handlebars';
import { localeFormat, type LocaleFormat } from './locale-format.js';
import { messagesEn, type MessageKey } from './messages-en.js';
import type { MessageParams } from './message-format.js';

const FORMATTERS = ['date', 'month', 'dateTime', 'time', 'number', 'duration', 'percent'] as const;
type FormatterName = (typeof FORMATTERS)[number];

function formatsOf(options: HelperOptions): LocaleFormat {
  const root = (options.data as { root?: { i18n?: LocaleFormat } } | undefined)?.root;
  return root?.i18n ?? localeFormat('en', 'UTC');
}

function isMessageKey(key: unknown): key is MessageKey {
  return typeof key === 'string' && Object.hasOwn(messagesEn, key);
}

/** `{{t key name=value …}}`. An unknown key or a missing parameter throws, so a page test fails. */
export function translateHelper(key: unknown, options: HelperOptions): string {
  if (!isMessageKey(key)) throw new RangeError(`{{t}}: no message ${JSON.stringify(key)}`);
  return formatsOf(options).t(key, options.hash as MessageParams);
}

/** `{{format name value [style]}}`: a null value (no figure) is an empty string, except for percent ("–"). */
export function formatHelper(name: unknown, value: unknown, ...rest: unknown[]): string {
  if (rest.length === 0) throw new TypeError('{{format}} needs a formatter name and a value');
  const options = rest.pop() as HelperOptions;
  if (!FORMATTERS.includes(name as FormatterName)) throw new RangeError(`{{format}}: no formatter ${JSON.stringify(name)}`);
  const formats = formatsOf(options);
  const style = rest[0];
  switch (name as FormatterName) {
    case 'percent':
      return formats.percent(value as number | null);
    case 'date':
      return value == null ? '' : formats.date(value as string, (style as 'short' | 'long' | 'weekday' | undefined) ?? 'short');
    case 'number':
      return value == null ? '' : formats.number(value as number, (style as number | undefined) ?? 0);
    default:
      return value == null ? '' : formats[name as Exclude<FormatterName, 'percent' | 'date' | 'number'>](value as never);
  }
}
