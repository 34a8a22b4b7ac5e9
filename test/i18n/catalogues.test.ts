import assert from 'node:assert/strict';
import { messageParameters, messagesEn, messagesNb, parseMessage, type Messages } from '../../src/i18n/index.js';

const catalogues: Record<string, Messages> = { en: messagesEn, nb: messagesNb };

/**
 * Texts the same in both languages on purpose: no words, or a unit both write alike. Anything
 * else equal to its English text is a string someone forgot to translate.
 */
const SAME_IN_BOTH = ['duration.minutes', 'duration.seconds', 'page.withCourse'];

const parametersOf = (messages: Messages) =>
  Object.fromEntries(Object.entries(messages).map(([key, text]) => [key, messageParameters(parseMessage(text))]));

describe('the catalogues', () => {
  it('have the same keys', () => {
    assert.deepEqual(Object.keys(messagesNb).sort(), Object.keys(messagesEn).sort());
  });

  it('give every key the same parameters in both languages', () => {
    assert.deepEqual(parametersOf(messagesNb), parametersOf(messagesEn));
  });

  it('hold only well-formed, non-empty texts without stray spaces', () => {
    const problems: string[] = [];
    for (const [locale, messages] of Object.entries(catalogues)) {
      for (const [key, text] of Object.entries(messages)) {
        try {
          parseMessage(text);
        } catch (error) {
          problems.push(`${locale} ${key}: ${(error as Error).message}`);
        }
        if (!text.trim()) problems.push(`${locale} ${key}: empty`);
        if (text !== text.trim() || /  /.test(text)) problems.push(`${locale} ${key}: stray spaces`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('translate every text but the allowed few', () => {
    const same = Object.keys(messagesEn).filter((key) => messagesEn[key as keyof Messages] === messagesNb[key as keyof Messages]);
    assert.deepEqual(same.sort(), [...SAME_IN_BOTH].sort());
  });

  it('write Norwegian in the Bokmål words of the reports', () => {
    // The vocabulary of the brief, so that the pages speak one language: a spot check of key terms.
    assert.deepEqual(
      [
        messagesNb['overview.activeStudents.label'],
        messagesNb['tooltip.visits'],
        messagesNb['overview.averageVisitDuration'],
        messagesNb['tooltip.actions'],
        messagesNb['tooltip.resources'],
        messagesNb['tooltip.activities'],
        messagesNb['tooltip.communication'],
        messagesNb['details.month.previous'],
        messagesNb['details.back'],
      ],
      ['Aktive studenter', 'Besøk', 'Gjennomsnittlig besøkstid', 'Handlinger', 'Ressurser', 'Aktiviteter', 'Kommunikasjon', 'Forrige måned', 'Tilbake til oversikten'],
    );
  });
});
