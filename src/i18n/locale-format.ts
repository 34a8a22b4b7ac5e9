/**
 * Words and formats for one reader: a language (locale.ts) and the course's time zone. Pages,
 * charts, CSV files and errors all format through this, so that a figure reads the same
 * everywhere. Pure apart from Intl; the Intl formatters are built once per locale, zone and
 * style (building one costs far more than formatting with it, and a page formats thousands).
 *
 * Conventions, as an instructor reads them:
 * - English formats as en-GB, whatever the English variant of the LMS: day month year and a
 *   24-hour clock ("3 Mar 2026, 09:25"), which no reader takes for another date, where en-US's
 *   "3/3/2026, 9:25 AM" order is read the other way round in most of the world. Bokmål formats
 *   as nb-NO ("3. mars 2026, 09:25", "1 234,5" with a no-break space, "−" for minus).
 * - A day (`YYYY-MM-DD`) is a calendar day already in the course's zone: it is formatted as is,
 *   never shifted. An instant (a Date, or an ISO string with Z or an offset) is shown in the
 *   course's zone.
 * - Durations: 0 → "0 min"; under a minute in seconds ("45 s"); then whole minutes, rounded
 *   ("26 min"); from an hour on, hours and minutes ("1 h 5 min", "8 h"; Bokmål "1 t 5 min").
 *   A no-break space keeps each number with its unit.
 * - A change in percent has its sign and at most one decimal ("+12.5%", Bokmål "+12,5 %");
 *   null (nothing to compare with, e.g. no visits last week) is "–", and the page says why
 *   beside it (`details.weekToWeek.noComparison`).
 */
import { type Locale } from './locale.js';
import { formatMessage, parseMessage, type MessagePart, type MessageParams } from './message-format.js';
import { messagesEn, type MessageKey, type Messages } from './messages-en.js';
import { messagesNb } from './messages-nb.js';

export type DateStyle = 'short' | 'long' | 'weekday';

export interface LocaleFormat {
  /** `en` or `nb`: also the `lang` of the page. */
  readonly locale: Locale;
  /** The IANA zone instants are shown in. */
  readonly timeZone: string;
  /** The catalogue's text for `key`; throws when a parameter it uses is missing. */
  t(key: MessageKey, params?: MessageParams): string;
  /** A calendar day: short "3 Mar 2026" / "3. mars 2026", long "3 March 2026", weekday "Tue 3 Mar" / "tir. 3. mars". */
  date(day: string, style?: DateStyle): string;
  /** A month, `YYYY-MM`: "March 2026" / "mars 2026". */
  month(month: string): string;
  /** An instant in the course's zone: "3 Mar 2026, 09:25" / "3. mars 2026, 09:25". */
  dateTime(at: Date | string): string;
  /** The time of day of an instant in the course's zone: "09:25". */
  time(at: Date | string): string;
  /** A number with at most `decimals` decimals (default 0), rounded half away from zero, no trailing zeros. */
  number(n: number, decimals?: number): string;
  /** A duration in seconds as instructors read it (rules above). */
  duration(seconds: number): string;
  /** A change in percent (12.5 means +12.5 %), or null for "no comparison". */
  percent(change: number | null): string;
}

/** What each of our languages formats as in Intl. */
const INTL_LOCALE: Record<Locale, string> = { en: 'en-GB', nb: 'nb-NO' };
const CATALOGUES: Record<Locale, Messages> = { en: messagesEn, nb: messagesNb };

/** Shown for a change that cannot be computed (percent(null)). */
export const NO_CHANGE = '–';

// Built lazily, kept for the life of the process: a few per locale, zone and style.
const intlCache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.PluralRules>();
function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.PluralRules>(key: string, make: () => T): T {
  let value = intlCache.get(key) as T | undefined;
  if (!value) {
    value = make();
    intlCache.set(key, value);
  }
  return value;
}

const DATE_OPTIONS: Record<DateStyle, Intl.DateTimeFormatOptions> = {
  short: { day: 'numeric', month: 'short', year: 'numeric' },
  long: { day: 'numeric', month: 'long', year: 'numeric' },
  weekday: { weekday: 'short', day: 'numeric', month: 'short' },
};
const FIXED = { calendar: 'gregory', numberingSystem: 'latn' } as const;

function dateFormatter(locale: Locale, timeZone: string, name: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return cached(`date|${locale}|${timeZone}|${name}`, () => new Intl.DateTimeFormat(INTL_LOCALE[locale], { ...FIXED, ...options, timeZone }));
}

function numberFormatter(locale: Locale, decimals: number): Intl.NumberFormat {
  return cached(
    `number|${locale}|${decimals}`,
    () => new Intl.NumberFormat(INTL_LOCALE[locale], { numberingSystem: 'latn', minimumFractionDigits: 0, maximumFractionDigits: decimals }),
  );
}

// Parsed once per catalogue and key, on first use.
const parsed = new Map<string, MessagePart[]>();
function messageParts(locale: Locale, key: MessageKey): MessagePart[] {
  const id = `${locale}|${key}`;
  let parts = parsed.get(id);
  if (!parts) {
    const text = CATALOGUES[locale][key];
    if (text === undefined) throw new RangeError(`No message "${key}" in the ${locale} catalogue`);
    parts = parseMessage(text);
    parsed.set(id, parts);
  }
  return parts;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^\d{4}-\d{2}$/;
// An instant must say its offset: a bare "2026-03-03T09:25" would be read in the server's zone.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Midnight UTC of a calendar day, checked to be a real day (no 2026-02-30). */
function utcDay(day: string, what: string): Date {
  const at = new Date(`${day}T00:00:00Z`);
  if (!DAY.test(day) || Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== day) {
    throw new RangeError(`Not a ${what}: ${JSON.stringify(day)}`);
  }
  return at;
}

function instant(at: Date | string): Date {
  const date = typeof at === 'string' && INSTANT.test(at) ? new Date(at) : at;
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new RangeError(`Not an instant with a zone: ${JSON.stringify(at)}`);
  return date;
}

function checkedNumber(n: number, what: string): number {
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new RangeError(`${what} must be a finite number, got ${String(n)}`);
  return n;
}

/**
 * `format` remembered for the last `limit` distinct inputs. A report formats the same few hundred
 * days and durations for every student (a year's heat map is 365 dates, each through Intl); an
 * input that throws is not remembered.
 */
function remembered<In extends string | number>(limit: number, format: (input: In) => string): (input: In) => string {
  const known = new Map<In, string>();
  return (input) => {
    let text = known.get(input);
    if (text === undefined) {
      text = format(input);
      if (known.size >= limit) known.clear();
      known.set(input, text);
    }
    return text;
  };
}

function isEmpty(params: MessageParams): boolean {
  for (const name in params) if (Object.hasOwn(params, name)) return false;
  return true;
}

function makeLocaleFormat(locale: Locale, timeZone: string): LocaleFormat {
  const dateTimeFormat = dateFormatter(locale, timeZone, 'dateTime', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const timeFormat = dateFormatter(locale, timeZone, 'time', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const monthFormat = dateFormatter(locale, 'UTC', 'month', { month: 'long', year: 'numeric' });
  const percentFormat = cached(
    `percent|${locale}`,
    () => new Intl.NumberFormat(INTL_LOCALE[locale], { numberingSystem: 'latn', style: 'unit', unit: 'percent', signDisplay: 'exceptZero', maximumFractionDigits: 1 }),
  );
  const plurals = cached(`plural|${locale}`, () => new Intl.PluralRules(INTL_LOCALE[locale]));

  // Whole numbers are most of what a page formats (counts of visits, actions, students), the same
  // few hundred on every page, and a whole number reads the same whatever the decimals allowed.
  const wholeNumber = remembered(5000, (n: number) => numberFormatter(locale, 0).format(n));
  const number = (n: number, decimals = 0): string => {
    checkedNumber(n, 'number');
    if (!Number.isInteger(decimals) || decimals < 0 || decimals > 20) throw new RangeError(`decimals must be 0–20, got ${decimals}`);
    // What rounds to zero prints as 0, not Intl's "-0" (`|| 0` makes -0 a 0).
    if (Number.isInteger(n)) return wholeNumber(n || 0);
    return numberFormatter(locale, decimals).format(Math.abs(n) < 0.5 / 10 ** decimals ? 0 : n);
  };
  const wholeCategory = remembered(5000, (n: number) => plurals.select(n));
  // Parameters and plural counts: whole numbers as such, others with up to two decimals.
  const messageLocale = {
    number: (n: number) => number(n, 2),
    pluralCategory: (n: number) => (Number.isInteger(n) ? wholeCategory(n || 0) : plurals.select(n)),
  };
  const format = (key: MessageKey, params: MessageParams): string =>
    formatMessage(messageParts(locale, key), params, messageLocale, `Message "${key}" (${locale})`);
  // A text without parameters is the same every time: a page's headings and labels, once per row.
  const plain = remembered(5000, (key: MessageKey) => format(key, {}));
  const t = (key: MessageKey, params?: MessageParams): string => (params === undefined || isEmpty(params) ? plain(key) : format(key, params));

  const formatDate = remembered(2000, (styleAndDay: string) => {
    const [style, day] = styleAndDay.split('|') as [DateStyle, string];
    return dateFormatter(locale, 'UTC', style, DATE_OPTIONS[style]).format(utcDay(day, 'day (YYYY-MM-DD)'));
  });
  const formatDuration = remembered(5000, (whole: number) => {
    if (whole === 0) return t('duration.minutes', { minutes: 0 });
    if (whole < 60) return t('duration.seconds', { seconds: whole });
    const minutes = Math.round(whole / 60);
    if (minutes < 60) return t('duration.minutes', { minutes });
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    return rest === 0 ? t('duration.hours', { hours }) : t('duration.hoursMinutes', { hours, minutes: rest });
  });

  // Each student's last visit, on every overview (a list of a thousand, one Intl call each).
  const formatDateTime = remembered(5000, (ms: number) => dateTimeFormat.format(ms));

  return Object.freeze({
    locale,
    timeZone,
    t,
    date: (day: string, style: DateStyle = 'short') => {
      const options = DATE_OPTIONS[style];
      if (!options) throw new RangeError(`Unknown date style ${JSON.stringify(style)}`);
      return formatDate(`${style}|${day}`);
    },
    month: (month: string) => {
      if (!MONTH.test(month)) throw new RangeError(`Not a month (YYYY-MM): ${JSON.stringify(month)}`);
      return monthFormat.format(utcDay(`${month}-01`, 'month (YYYY-MM)'));
    },
    dateTime: (at: Date | string) => formatDateTime(instant(at).getTime()),
    time: (at: Date | string) => timeFormat.format(instant(at)),
    number,
    duration: (seconds: number) => {
      checkedNumber(seconds, 'A duration');
      if (seconds < 0) throw new RangeError(`A duration cannot be negative: ${seconds}`);
      return formatDuration(Math.round(seconds));
    },
    percent: (change: number | null) => (change === null ? NO_CHANGE : percentFormat.format(checkedNumber(change, 'A change in percent'))),
  });
}

const formats = new Map<string, LocaleFormat>();

/**
 * The formats of `locale` in `timeZone` (an IANA name; an unknown one throws a RangeError).
 * The same object for the same arguments, so a view may call this per request at no cost.
 */
export function localeFormat(locale: Locale, timeZone: string): LocaleFormat {
  const id = `${locale}|${timeZone}`;
  let format = formats.get(id);
  if (!format) {
    if (!(locale in CATALOGUES)) throw new RangeError(`Unknown locale ${JSON.stringify(locale)}`);
    try {
      format = makeLocaleFormat(locale, timeZone);
    } catch (error) {
      if (error instanceof RangeError) throw new RangeError(`Unknown time zone: ${JSON.stringify(timeZone)}`);
      throw error;
    }
    formats.set(id, format);
  }
  return format;
}
