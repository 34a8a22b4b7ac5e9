/**
 * CSV downloads: RFC 4180 text (CRLF lines, quoted where needed) with a UTF-8 byte-order mark so
 * that Excel reads names in UTF-8, cells made safe from formula injection, and a
 * Content-Disposition that keeps a non-ASCII file name for browsers that understand RFC 6266.
 */
import type { Response } from 'express';

export type CsvCell = string | number;

/**
 * One cell. A text cell a spreadsheet would take for a formula (starting with = + - @, a tab or a
 * carriage return; OWASP's list) gets a leading apostrophe, which spreadsheets show as text.
 * Numbers are written as numbers: a negative number is data, not a formula.
 */
export function csvCell(value: CsvCell): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`not a CSV number: ${value}`);
    return String(value);
  }
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The whole file: BOM, header, rows, each line ended by CRLF. */
export function csvText(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return `\uFEFF${[header, ...rows].map((row) => `${row.map(csvCell).join(',')}\r\n`).join('')}`;
}

/** `attachment` with the name as ASCII (for old clients) and as UTF-8 (`filename*`). */
export function attachmentDisposition(fileName: string): string {
  // Path separators, quotes and control characters have no place in a saved file's name.
  const clean = fileName.replace(/[\\/:*?"<>|\p{Cc}]/gu, '_');
  const ascii = clean.normalize('NFKD').replace(/\p{M}/gu, '').replace(/[^A-Za-z0-9._ -]/g, '_');
  const encoded = encodeURIComponent(clean).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export function sendCsv(res: Response, fileName: string, header: readonly string[], rows: readonly (readonly CsvCell[])[]): void {
  res
    .status(200)
    .set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': attachmentDisposition(fileName), 'Cache-Control': 'private, no-store' })
    .send(csvText(header, rows));
}
