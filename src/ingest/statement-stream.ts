/**
 * Reads a file of xAPI statements one item at a time, in constant memory: what `coursepulse
 * import` backfills from. Two formats, told apart by the first byte that is not white space (a
 * UTF-8 byte order mark is skipped):
 *
 * - `[` — one JSON array of statements (an LRS export). Items are found by scanning bytes
 *   (strings, escapes and nesting depth), then each item alone is `JSON.parse`d. A syntax error
 *   cannot be stepped over in an array (where the next item starts is unknown once the structure
 *   is broken), so it ends the reading with a {@link StatementFileError} naming the line, column
 *   and byte — after every item before it was yielded, so the caller can commit them.
 * - anything else — NDJSON, one statement per line. A line that is not JSON is yielded as a
 *   {@link NotJson} item (the caller rejects it alone) and reading goes on with the next line.
 *
 * Each item comes with the 1-based line where it starts and `endOffset`, the byte just after it
 * (after an NDJSON line's newline). Reading can start at such an offset — which is how an import
 * resumes — with the line number that goes with it.
 *
 * Memory: the reader holds the bytes of the current item plus one chunk (64 KiB). An item larger
 * than `maxItemBytes` (16 MiB) is refused rather than buffered: an NDJSON line is skipped as a
 * NotJson item, an array item ends the reading. Scanning resumes where it stopped when more bytes
 * come in, so a large item costs linear time. Bytes, not characters, are scanned: every
 * structural character is ASCII, and no byte of a multi-byte UTF-8 character is below 0x80, so
 * offsets are exact byte offsets.
 */
import fs from 'node:fs/promises';

export type StatementFileFormat = 'json-array' | 'ndjson';

/** An NDJSON line that is not JSON (or too long to read): rejected on its own, reading goes on. */
export class NotJson {
  constructor(readonly message: string) {}
}

/** One item of the file: the parsed JSON value (or {@link NotJson}), where it starts and the byte just after it. */
export interface StatementFileItem {
  item: unknown;
  /** 1-based line where the item starts. */
  line: number;
  /** Byte offset just after the item: where reading resumes. */
  endOffset: number;
  /** The line `endOffset` is on: the line to resume with. */
  endLine: number;
}

/** The file cannot be read on (a JSON array's syntax is broken, or it is cut short). */
export class StatementFileError extends Error {
  constructor(
    message: string,
    readonly line: number,
    /** Unknown on the first line of a resumed read. */
    readonly column: number | undefined,
    readonly offset: number,
  ) {
    super(`line ${line}${column === undefined ? '' : `, column ${column}`} (byte ${offset}): ${message}`);
    this.name = 'StatementFileError';
  }
}

export interface StatementReaderStats {
  format?: StatementFileFormat;
  /** The most bytes the reader held at once (its window: the current item plus a chunk). */
  peakBufferedBytes: number;
}

export interface ReadStatementsOptions {
  /** Where to start: a previous item's `endOffset` and the line that goes with it (default: the beginning). */
  start?: { offset: number; line: number };
  /** Bytes read at a time (default 64 KiB). */
  chunkBytes?: number;
  /** The largest item read (default 16 MiB). */
  maxItemBytes?: number;
  /** Filled in while reading (the format, the peak window size): for tests and benchmarks. */
  stats?: StatementReaderStats;
}

const DEFAULT_CHUNK = 64 * 1024;
const DEFAULT_MAX_ITEM = 16 * 1024 * 1024;

const NEWLINE = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

const isSpace = (b: number) => b === SPACE || b === NEWLINE || b === CR || b === TAB;

/**
 * A sliding window over the file: `buf` holds the bytes from file offset `base` on. `more(keep)`
 * reads the next chunk and drops everything before offset `keep`.
 */
class Window {
  buf: Buffer = Buffer.alloc(0);
  base: number;
  eof = false;

  constructor(
    private readonly file: fs.FileHandle,
    position: number,
    private readonly chunkBytes: number,
    private readonly stats: StatementReaderStats,
  ) {
    this.base = position;
  }

  get end(): number {
    return this.base + this.buf.length;
  }

  /** The byte at file offset `at` (which must be inside the window). */
  at(at: number): number {
    return this.buf[at - this.base]!;
  }

  async more(keep: number): Promise<boolean> {
    if (this.eof) return false;
    const chunk = Buffer.allocUnsafe(this.chunkBytes);
    const oldEnd = this.end;
    const { bytesRead } = await this.file.read(chunk, 0, this.chunkBytes, oldEnd);
    if (bytesRead === 0) {
      this.eof = true;
      return false;
    }
    const keepFrom = Math.min(Math.max(keep, this.base), oldEnd);
    const kept = this.buf.subarray(keepFrom - this.base);
    const fresh = chunk.subarray(0, bytesRead);
    this.buf = kept.length > 0 ? Buffer.concat([kept, fresh]) : fresh;
    this.base = keepFrom;
    this.stats.peakBufferedBytes = Math.max(this.stats.peakBufferedBytes, this.buf.length);
    return true;
  }

  /** The bytes from `from` to `to` (file offsets) as UTF-8 text. */
  text(from: number, to: number): string {
    return this.buf.toString('utf8', from - this.base, to - this.base);
  }
}

/** V8's JSON.parse message without the (possibly long) quoted input it sometimes repeats. */
function parseProblem(err: unknown, text: string): { message: string; index: number | undefined } {
  const raw = (err as Error).message;
  const position = /\s+in JSON at position (\d+)/.exec(raw);
  if (position) return { message: raw.slice(0, position.index), index: Number(position[1]) };
  const token = /^(Unexpected token .+?), ".*" is not valid JSON$/s.exec(raw);
  if (token) return { message: token[1]!, index: undefined };
  if (/end of JSON input/.test(raw)) return { message: raw, index: text.length };
  return { message: raw, index: undefined };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string; index: number | undefined } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, ...parseProblem(err, text) };
  }
}

/** Where the first non-space byte of the file is (after a BOM), and so the format. */
async function detectFormat(file: fs.FileHandle): Promise<StatementFileFormat> {
  const head = Buffer.alloc(4096);
  let position = 0;
  for (;;) {
    const { bytesRead } = await file.read(head, 0, head.length, position);
    if (bytesRead === 0) return 'ndjson';
    let i = position === 0 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
    for (; i < bytesRead; i++) {
      if (!isSpace(head[i]!)) return head[i] === OPEN_BRACKET ? 'json-array' : 'ndjson';
    }
    position += bytesRead;
  }
}

/**
 * The items of the statement file at `path`, in file order (see the module comment). Throws
 * {@link StatementFileError} when a JSON array's syntax is broken, after yielding what came before.
 */
export async function* readStatementFile(path: string, options: ReadStatementsOptions = {}): AsyncGenerator<StatementFileItem> {
  const stats = options.stats ?? { peakBufferedBytes: 0 };
  const file = await fs.open(path, 'r');
  try {
    const format = await detectFormat(file);
    stats.format = format;
    const start = options.start ?? { offset: 0, line: 1 };
    const window = new Window(file, start.offset, options.chunkBytes ?? DEFAULT_CHUNK, stats);
    const maxItem = options.maxItemBytes ?? DEFAULT_MAX_ITEM;
    if (format === 'ndjson') yield* ndjson(window, start, maxItem);
    else yield* jsonArray(window, start, maxItem);
  } finally {
    await file.close();
  }
}

async function* ndjson(window: Window, start: { offset: number; line: number }, maxItem: number): AsyncGenerator<StatementFileItem> {
  let offset = start.offset;
  let line = start.line;
  for (;;) {
    // Find the end of the line that starts at `offset`, reading on as needed.
    let scanned = offset;
    let newline = -1;
    let tooLong = false;
    for (;;) {
      const index = window.buf.indexOf(NEWLINE, scanned - window.base);
      if (index >= 0) {
        newline = window.base + index;
        break;
      }
      scanned = window.end;
      if (!tooLong && scanned - offset > maxItem) tooLong = true;
      // A line too long to hold is skipped: keep nothing of it while looking for its end.
      if (!(await window.more(tooLong ? scanned : offset))) break;
    }
    const lineEnd = newline >= 0 ? newline : window.end;
    const endOffset = newline >= 0 ? newline + 1 : window.end;
    if (lineEnd === offset && newline < 0) return; // end of file
    if (tooLong || lineEnd - offset > maxItem) {
      yield { item: new NotJson(`the line is longer than ${maxItem} bytes`), line, endOffset, endLine: newline >= 0 ? line + 1 : line };
    } else {
      let from = offset;
      if (from === 0 && window.at(0) === 0xef && window.at(1) === 0xbb && window.at(2) === 0xbf) from = 3;
      const text = window.text(from, lineEnd).trim();
      if (text !== '') {
        const parsed = parseJson(text);
        yield { item: parsed.ok ? parsed.value : new NotJson(parsed.message), line, endOffset, endLine: newline >= 0 ? line + 1 : line };
      }
    }
    if (newline < 0) return;
    offset = endOffset;
    line++;
  }
}

async function* jsonArray(window: Window, start: { offset: number; line: number }, maxItem: number): AsyncGenerator<StatementFileItem> {
  let pos = start.offset;
  let line = start.line;
  /** File offset of the first byte of the current line (for columns); unknown on a resumed read's first line. */
  let lineStart = start.offset === 0 ? 0 : -1;
  const column = (at: number) => (lineStart < 0 ? undefined : at - lineStart + 1);
  const fail = (message: string, at: number): never => {
    throw new StatementFileError(message, line, column(at), at);
  };
  const shown = (b: number) => (b >= 0x21 && b < 0x7f ? `"${String.fromCharCode(b)}"` : `byte 0x${b.toString(16).padStart(2, '0')}`);

  /** The next non-space byte at or after `pos` (counting lines), or -1 at the end of the file. */
  const nextByte = async (): Promise<number> => {
    for (;;) {
      while (pos < window.end) {
        const b = window.at(pos);
        if (b === NEWLINE) {
          line++;
          lineStart = pos + 1;
        } else if (!isSpace(b)) return b;
        pos++;
      }
      if (!(await window.more(pos))) return -1;
    }
  };

  // Where the last item ended: resumed reads start after an item, expecting "," or "]".
  type State = 'open' | 'first' | 'after-item' | 'after-comma';
  let state: State = start.offset === 0 ? 'open' : 'after-item';
  if (state === 'open') {
    await window.more(0);
    if (window.buf.length >= 3 && window.at(0) === 0xef && window.at(1) === 0xbb && window.at(2) === 0xbf) pos = 3;
  }
  for (;;) {
    const b = await nextByte();
    if (state === 'open') {
      // detectFormat saw "[" first.
      pos++;
      state = 'first';
      continue;
    }
    if (state === 'after-item') {
      if (b === COMMA) {
        pos++;
        state = 'after-comma';
        continue;
      }
      if (b === CLOSE_BRACKET) {
        pos++;
        const after = await nextByte();
        if (after >= 0) fail(`unexpected ${shown(after)} after the array's closing "]"`, pos);
        return;
      }
      if (b < 0) fail('the file ends before the array\'s closing "]" (is it cut short?)', pos);
      fail(`expected "," or "]" after an item, found ${shown(b)}`, pos);
    }
    if (b < 0) fail('the file ends before the array\'s closing "]" (is it cut short?)', pos);
    if (b === CLOSE_BRACKET) {
      if (state === 'after-comma') fail('a "," must be followed by another item, not by "]"', pos);
      pos++;
      const after = await nextByte();
      if (after >= 0) fail(`unexpected ${shown(after)} after the array's closing "]"`, pos);
      return;
    }
    if (b === COMMA) fail('expected an item, found ","', pos);

    // An item starts at `pos`: find its end.
    const itemStart = pos;
    const itemLine = line;
    const itemLineStart = lineStart;
    let end = -1;
    let depth = 0;
    let inString = false;
    let escaped = false;
    const opener = b;
    const literal = opener !== OPEN_BRACE && opener !== OPEN_BRACKET && opener !== QUOTE;
    let scan = pos;
    scanning: for (;;) {
      while (scan < window.end) {
        const c = window.at(scan);
        if (literal && (c === COMMA || c === CLOSE_BRACKET || isSpace(c))) {
          // A bare literal (number, true, false, null) ends where the structure resumes.
          end = scan;
          break scanning;
        }
        if (c === NEWLINE) {
          line++;
          lineStart = scan + 1;
        }
        if (inString) {
          if (escaped) escaped = false;
          else if (c === BACKSLASH) escaped = true;
          else if (c === QUOTE) {
            inString = false;
            if (opener === QUOTE) {
              end = scan + 1;
              break scanning;
            }
          }
        } else if (opener === OPEN_BRACE || opener === OPEN_BRACKET) {
          if (c === QUOTE) inString = true;
          else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
          else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
            depth--;
            if (depth === 0) {
              end = scan + 1;
              break scanning;
            }
          }
        } else if (opener === QUOTE && scan === itemStart) inString = true;
        scan++;
      }
      if (scan - itemStart > maxItem) {
        line = itemLine;
        lineStart = itemLineStart;
        fail(`the item is longer than ${maxItem} bytes`, itemStart);
      }
      if (!(await window.more(itemStart))) {
        if (literal) {
          end = window.end;
          break;
        }
        line = itemLine;
        lineStart = itemLineStart;
        fail('the file ends inside this item (is it cut short?)', itemStart);
      }
    }
    if (end - itemStart > maxItem) {
      line = itemLine;
      lineStart = itemLineStart;
      fail(`the item is longer than ${maxItem} bytes`, itemStart);
    }
    const text = window.text(itemStart, end);
    const parsed = parseJson(text);
    if (!parsed.ok) {
      // Point at the character JSON.parse stopped at, when it says.
      line = itemLine;
      lineStart = itemLineStart;
      let at = itemStart;
      if (parsed.index !== undefined) {
        const before = text.slice(0, parsed.index);
        const newlines = before.split('\n').length - 1;
        at = itemStart + Buffer.byteLength(before);
        if (newlines > 0) {
          line += newlines;
          lineStart = itemStart + Buffer.byteLength(before.slice(0, before.lastIndexOf('\n') + 1));
        }
      }
      return fail(`${parsed.message} (in the item that starts on line ${itemLine})`, at);
    }
    pos = end;
    state = 'after-item';
    yield { item: parsed.value, line: itemLine, endOffset: end, endLine: line };
  }
}
