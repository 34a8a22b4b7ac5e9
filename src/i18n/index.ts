/**
 * The language layer: the catalogues (English, Norwegian Bokmål), the choice of language for a
 * launch and the formats of dates, times, numbers, durations and percentages for a reader and a
 * course's time zone. The rest of the app imports from here, never from the files behind it.
 */
export { chooseLocale, LOCALES, type Locale } from './locale.js';
export { localeFormat, NO_CHANGE, type DateStyle, type LocaleFormat } from './locale-format.js';
export { messagesEn, type MessageKey, type Messages } from './messages-en.js';
export { messagesNb } from './messages-nb.js';
export { messageParameters, parseMessage, type MessageParams } from './message-format.js';
export { formatHelper, translateHelper } from './template-helpers.js';
