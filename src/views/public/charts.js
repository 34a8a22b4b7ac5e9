// Draws the charts of the page: each <figure class="chart"> (partials/chart.hbs) carries its
// Vega-Lite spec as JSON, built on the server; this draws it into the figure's .chart-canvas.
// Runs at load and on every htmx swap; a chart an htmx swap removes is finalised (its listeners
// and timers released). Plain ES2020, no build step.
//
// CSP: no eval. `ast: true` makes Vega keep expressions as syntax trees and run them with
// vega-interpreter instead of compiling them with new Function. Our vega.min.js does not define
// vega.expressionInterpreter and vega-interpreter ships only as an ES module, but vega-embed's
// browser build bundles the interpreter and uses it when `ast` is set and `expr` is undefined.
// vega-embed and vega-tooltip would inject <style> elements (which a CSP without
// 'unsafe-inline' refuses), so both are turned off and app.css styles the chart and tooltip.
(() => {
  'use strict';

  /** canvas element → vega-embed result, for the charts drawn and not yet finalised. */
  const drawn = new Map();
  /** Canvases being drawn (embedding is asynchronous; a second swap event must not draw twice). */
  const drawing = new WeakSet();

  const OPTIONS = {
    actions: false,
    renderer: 'svg',
    ast: true,
    expr: window.vega && window.vega.expressionInterpreter,
    defaultStyle: false,
    tooltip: { disableDefaultStyle: true },
  };

  function finalise(canvas) {
    const result = drawn.get(canvas);
    if (!result) return;
    drawn.delete(canvas);
    result.finalize();
    // A tooltip open over a chart that goes away would stay on the page.
    const tooltip = document.getElementById('vg-tooltip-element');
    if (tooltip) tooltip.classList.remove('visible');
  }

  /** Gives the drawn SVG one accessible name, the summary, as a single image. */
  function label(canvas, summary) {
    const svg = canvas.querySelector('svg');
    if (!svg) return;
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', summary);
    svg.removeAttribute('aria-roledescription');
    svg.setAttribute('focusable', 'false');
  }

  async function draw(figure) {
    const canvas = figure.querySelector('.chart-canvas');
    const specElement = figure.querySelector('script.chart-spec');
    if (!canvas || !specElement || drawn.has(canvas) || drawing.has(canvas)) return;
    drawing.add(canvas);
    try {
      const spec = JSON.parse(specElement.textContent);
      // A history restore brings back the SVG of the last drawing, without its view.
      canvas.replaceChildren();
      // A chart that needs more room than a narrow figure has scrolls sideways (.chart-scroll).
      const minWidth = spec.usermeta && spec.usermeta.minWidth;
      if (typeof minWidth === 'string') canvas.style.minWidth = minWidth;
      const result = await window.vegaEmbed(canvas, spec, OPTIONS);
      if (!canvas.isConnected) {
        result.finalize();
        return;
      }
      drawn.set(canvas, result);
      const summary = figure.querySelector('.chart-summary');
      label(canvas, summary ? summary.textContent.trim() : '');
    } catch (error) {
      // The table is the chart then: open it, and leave no empty box (app.css).
      canvas.dataset.chartState = 'failed';
      const table = figure.querySelector('details.chart-table');
      if (table) table.open = true;
      console.error('CoursePulse: a chart could not be drawn', error);
    } finally {
      drawing.delete(canvas);
    }
  }

  function drawAll(root) {
    if (typeof window.vegaEmbed !== 'function') return;
    const figures = root.matches && root.matches('figure.chart') ? [root] : [...root.querySelectorAll('figure.chart')];
    figures.forEach(draw);
  }

  /** Finalises the charts no longer in the document (a swap replaced them). */
  function sweep() {
    for (const canvas of [...drawn.keys()]) if (!canvas.isConnected) finalise(canvas);
  }

  /**
   * Tables a reader opened, by their figure's id, with how far they were scrolled: a swap that
   * brings the same chart back (the 60-second refresh, a toggle) opens its table again, so the
   * reader keeps their place.
   */
  const openTables = new Map();

  function rememberOpenTables(root) {
    for (const details of root.querySelectorAll('figure.chart[id] details.chart-table[open]')) {
      const scroll = details.querySelector('.chart-table-scroll');
      openTables.set(details.closest('figure.chart').id, scroll ? scroll.scrollTop : 0);
    }
  }

  function reopenTables() {
    for (const [id, scrollTop] of openTables) {
      const details = document.querySelector(`figure.chart[id="${CSS.escape(id)}"] details.chart-table`);
      if (!details) continue;
      details.open = true;
      const scroll = details.querySelector('.chart-table-scroll');
      if (scroll) scroll.scrollTop = scrollTop;
    }
    openTables.clear();
  }

  document.addEventListener('DOMContentLoaded', () => drawAll(document));
  document.addEventListener('htmx:beforeSwap', (event) => {
    const target = event.detail && event.detail.target;
    if (target && target.querySelectorAll) rememberOpenTables(target);
  });
  document.addEventListener('htmx:afterSwap', reopenTables);
  document.addEventListener('htmx:afterSettle', (event) => {
    sweep();
    drawAll(event.target);
  });
  document.addEventListener('htmx:historyRestore', () => {
    sweep();
    drawAll(document);
  });
  // htmx cleans up every element it removes, children one by one: release the charts among them.
  document.addEventListener('htmx:beforeCleanupElement', (event) => {
    if (drawn.has(event.target)) finalise(event.target);
  });
})();
