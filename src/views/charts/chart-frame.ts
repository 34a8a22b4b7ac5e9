/** The parts of a Vega-Lite spec every chart shares: the top level, the value axis, axis labels. */
import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG } from './chart-theme.js';

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** The top level of every chart: as wide as its figure, padding included; the summary as its description. */
export function chartFrame(description: string) {
  return {
    $schema: VEGA_LITE_SCHEMA,
    description,
    width: 'container',
    autosize: { type: 'fit', contains: 'padding' },
    config: CHART_CONFIG,
  } satisfies Partial<TopLevelSpec>;
}

/**
 * A Vega expression that maps an axis or legend value to its label: the labels are formatted on
 * the server (in the reader's language), the axis only looks them up. A label given as an array
 * is drawn on several lines. Line and paragraph separators are escaped because Vega's expression
 * parser refuses them inside a string.
 */
export function labelLookup(labels: ReadonlyMap<string | number, string | string[]>): string {
  const json = JSON.stringify(Object.fromEntries(labels)).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  return `${json}[datum.value]`;
}

/**
 * A formatted date as two axis lines, split at its first space ("Tue 3 Mar" → "Tue" over "3 Mar"),
 * so that seven days fit side by side in a 360 px frame. A date without a space stays one line.
 */
export function twoLines(text: string): string | string[] {
  const space = text.indexOf(' ');
  return space < 0 ? text : [text.slice(0, space), text.slice(space + 1)];
}

/**
 * The quantitative value axis of the bar and line charts: whole-number ticks without thousands
 * separators (Vega formats numbers in English; small whole numbers read the same in every
 * language). With nothing to draw, a domain of 0–1 keeps the axis from collapsing.
 */
export function valueAxis(title: string, empty: boolean) {
  return {
    field: 'value',
    type: 'quantitative',
    title,
    // One bar or point per x value: nothing to stack.
    stack: null,
    axis: { tickMinStep: 1, format: 'd' },
    ...(empty ? { scale: { domain: [0, 1] } } : {}),
  } as const;
}
