/** The language of the teacher reading a course page: the launch's locale, else the browser's. */
import type { Request, Response } from 'express';
import { chooseLocale, localeFormat, type Locale, type LocaleFormat } from '../i18n/index.js';
import { sessionOf } from './require-course.js';

export const readerLocale = (req: Request, res: Response): Locale => chooseLocale(sessionOf(res).locale, req.get('Accept-Language'));

/** The reader's language in UTC: for refusals and errors, which show no dates. */
export const readerFormat = (req: Request, res: Response): LocaleFormat => localeFormat(readerLocale(req, res), 'UTC');
