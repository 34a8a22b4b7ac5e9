/**
 * Which of CoursePulse's languages a person reads: English or Norwegian Bokmål.
 *
 * The LMS's launch locale (LTI `launch_presentation.locale`) decides when it is given: it is the
 * language the person chose in the LMS, and CoursePulse appears inside the LMS's pages. A
 * language we do not have (de-DE, sv-SE …) gives English. Only without a launch locale — pages
 * outside a launch, such as the admin page or a refusal before a session exists — does the
 * browser's Accept-Language choose, its most preferred language we have first.
 *
 * Norwegian in any written form gives Bokmål: `nb` and `no` (Moodle's code for Bokmål), and also
 * `nn` — Nynorsk readers read Bokmål, which every Norwegian pupil learns, far more easily than
 * English, so until there is a Nynorsk catalogue Bokmål serves them better.
 */

export type Locale = 'en' | 'nb';

export const LOCALES: readonly Locale[] = ['en', 'nb'];

/** The language of a BCP 47 tag in any casing, with `-` or `_` (`nb_NO`, `NB-no`), or null for none we have. */
function localeOfTag(tag: string): Locale | null {
  const language = tag.trim().toLowerCase().split(/[-_]/)[0];
  if (language === 'nb' || language === 'no' || language === 'nn') return 'nb';
  if (language === 'en') return 'en';
  return null;
}

/** The languages of an Accept-Language header, most preferred first (q=0 and `*` left out). */
function acceptedTags(header: string): string[] {
  return header
    .split(',')
    .map((item, index) => {
      const [tag = '', ...parameters] = item.split(';').map((p) => p.trim());
      const q = parameters.find((p) => /^q=/i.test(p));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { tag, weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry) => entry.tag && entry.tag !== '*' && entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .map((entry) => entry.tag);
}

/** The language of the pages for a launch's locale, or else for the browser's Accept-Language. */
export function chooseLocale(launchLocale: string | null | undefined, acceptLanguage?: string): Locale {
  if (launchLocale && launchLocale.trim()) return localeOfTag(launchLocale) ?? 'en';
  for (const tag of acceptedTags(acceptLanguage ?? '')) {
    const locale = localeOfTag(tag);
    if (locale) return locale;
  }
  return 'en';
}
