/**
 * The look every chart shares: the page's font and colours (public/app.css), as a Vega-Lite
 * `config`. Each colour is listed with the role that sets its contrast minimum against the white
 * background (test/views/charts.test.ts computes every ratio):
 *   - `text` — axis labels and titles, legend text: 4.5:1 (WCAG 1.4.3);
 *   - `graphic` — bars, lines, points, axis lines, the two darkest heat-map levels: 3:1 (WCAG 1.4.11);
 *   - `level` — the two lightest heat-map levels: below 3:1 on purpose (a sequential scale needs
 *     light steps), so each is told apart by its size too, and outlined in a `graphic` colour;
 *   - `decorative` — grid lines and the outline of an empty heat-map day: nothing is read from
 *     them (an empty day is the absence of a square), so no minimum.
 */
import type { Config } from 'vega-lite';

export type ColourRole = 'text' | 'graphic' | 'level' | 'decorative';

export interface ThemeColour {
  hex: string;
  role: ColourRole;
}

/** The background every contrast is measured against (the page's and the charts'). */
export const BACKGROUND = '#ffffff';

export const COLOURS = {
  /** Titles (the page's --ink). */
  ink: { hex: '#1b1f24', role: 'text' },
  /** Axis and legend labels (the page's --muted). */
  label: { hex: '#4a5561', role: 'text' },
  /** Bars (the page's --accent). */
  bar: { hex: '#1f4e79', role: 'graphic' },
  /** Axis domain lines and ticks. */
  axisLine: { hex: '#767f89', role: 'graphic' },
  grid: { hex: '#e3e8ed', role: 'decorative' },
  /** The outline of a heat-map day, drawn for every day: what is left of an empty one. */
  emptyDay: { hex: '#d8dee4', role: 'decorative' },
  /** Heat-map levels 1–4, light to dark (a sequential blue ending in the bars' colour). */
  level1: { hex: '#c6dbef', role: 'level' },
  level2: { hex: '#85b4dd', role: 'level' },
  level3: { hex: '#3a78b5', role: 'graphic' },
  level4: { hex: '#1f4e79', role: 'graphic' },
  /** Outline of the heat-map squares, so that the light levels stand out from the background. */
  levelOutline: { hex: '#3a78b5', role: 'graphic' },
  /** The communication trend's three series; told apart by point shape and dash too. */
  series1: { hex: '#1f4e79', role: 'graphic' },
  series2: { hex: '#b34700', role: 'graphic' },
  series3: { hex: '#1e7a3c', role: 'graphic' },
} as const satisfies Record<string, ThemeColour>;

/** Heat-map fill of levels 1–4. */
export const LEVEL_COLOURS = [COLOURS.level1.hex, COLOURS.level2.hex, COLOURS.level3.hex, COLOURS.level4.hex];

/** The communication trend's series colours, in series order. */
export const SERIES_COLOURS = [COLOURS.series1.hex, COLOURS.series2.hex, COLOURS.series3.hex];

/** The page's font stack (app.css): charts read as part of the page. */
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/** 12 px labels, 13 px titles: the smallest the page's 16 px text sits beside without looking like footnotes. */
export const CHART_CONFIG: Config = {
  font: FONT,
  background: BACKGROUND,
  // The figure's <figcaption> is the title; the frame of the plot area adds nothing.
  view: { stroke: null },
  // Screen readers get the SVG as one image with the summary as its label (public/charts.js);
  // Vega's per-mark ARIA labels would read raw field names and values.
  aria: false,
  axis: {
    labelColor: COLOURS.label.hex,
    labelFontSize: 12,
    titleColor: COLOURS.ink.hex,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    domainColor: COLOURS.axisLine.hex,
    tickColor: COLOURS.axisLine.hex,
    gridColor: COLOURS.grid.hex,
  },
  legend: {
    labelColor: COLOURS.label.hex,
    labelFontSize: 12,
    titleColor: COLOURS.ink.hex,
    titleFontSize: 12,
    titleFontWeight: 'normal',
  },
  bar: { color: COLOURS.bar.hex },
};
