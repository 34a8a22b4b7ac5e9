/**
 * `{{tableRows rows}}`: the body rows of a chart's table (partials/chart.hbs), each row's first
 * cell its header (`<th scope="row">`, the date or month), every cell escaped. A helper rather than
 * `{{#each}}` in the template: a student page's tables hold a year of days, and Handlebars' loop,
 * with a lookup, a condition and an escape per cell, made up three quarters of the page's rendering
 * — here one joined string.
 */
import Handlebars from 'handlebars';

export function tableRows(rows: readonly (readonly string[])[]): Handlebars.SafeString {
  const escape = Handlebars.escapeExpression;
  const html = rows.map((cells) => {
    let row = '<tr>';
    cells.forEach((cell, i) => {
      row += i === 0 ? `<th scope="row">${escape(cell)}</th>` : `<td>${escape(cell)}</td>`;
    });
    return `${row}</tr>\n`;
  });
  return new Handlebars.SafeString(html.join(''));
}
