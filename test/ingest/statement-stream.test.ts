/**
 * The statement file reader: NDJSON and JSON arrays item by item with their lines and byte
 * offsets, resuming from any item's end, bad NDJSON lines as items, broken arrays as a clear
 * error after what came before, and a window that stays one item plus a chunk on a big file.
 * Every case runs with several chunk sizes, down to one byte, so chunk boundaries fall everywhere.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NotJson, readStatementFile, StatementFileError, type ReadStatementsOptions, type StatementFileItem, type StatementReaderStats } from '../../src/ingest/statement-stream.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coursepulse-stream-'));
let fileCount = 0;
function file(content: string | Buffer): string {
  const p = path.join(dir, `f${++fileCount}`);
  fs.writeFileSync(p, content);
  return p;
}

async function read(p: string, options: ReadStatementsOptions = {}): Promise<StatementFileItem[]> {
  const items: StatementFileItem[] = [];
  for await (const item of readStatementFile(p, options)) items.push(item);
  return items;
}

/** Reads until the error; returns the items before it and the error. */
async function readToError(p: string, options: ReadStatementsOptions = {}): Promise<{ items: StatementFileItem[]; error: StatementFileError }> {
  const items: StatementFileItem[] = [];
  try {
    for await (const item of readStatementFile(p, options)) items.push(item);
  } catch (err) {
    assert.ok(err instanceof StatementFileError, String(err));
    return { items, error: err };
  }
  assert.fail('no error');
}

const CHUNKS = [1, 7, 64 * 1024];
const byteOffset = (text: string, marker: string) => Buffer.byteLength(text.slice(0, text.indexOf(marker) + marker.length));

describe('reading a statement file', () => {
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads NDJSON line by line: lines, byte offsets, blank lines and CRLF skipped, a bad line as NotJson, a last line without newline', async () => {
    const text = '\uFEFF{"n":1,"s":"é"}\r\n\n  \n{"n":2, "emoji":"😀"}\n{"n": 3,,}\n[1,2]\n{"n":4}';
    const p = file(text);
    for (const chunkBytes of CHUNKS) {
      const stats: StatementReaderStats = { peakBufferedBytes: 0 };
      const items = await read(p, { chunkBytes, stats });
      assert.deepEqual(items, [
        { item: { n: 1, s: 'é' }, line: 1, endOffset: byteOffset(text, '\r\n'), endLine: 2 },
        { item: { n: 2, emoji: '😀' }, line: 4, endOffset: byteOffset(text, '"😀"}\n'), endLine: 5 },
        { item: new NotJson('Expected double-quoted property name'), line: 5, endOffset: byteOffset(text, ',,}\n'), endLine: 6 },
        { item: [1, 2], line: 6, endOffset: byteOffset(text, '[1,2]\n'), endLine: 7 },
        { item: { n: 4 }, line: 7, endOffset: Buffer.byteLength(text), endLine: 7 },
      ]);
      assert.equal(stats.format, 'ndjson');
    }
  });

  it('reads a JSON array item by item, multi-line items at the line they start, whatever the white space and the item types', async () => {
    const text = '\n  [\n  {\n    "n": 1,\n    "s": "a ] } , \\" [ é"\n  } ,{"n":[2,{"x":"😀"}]}\n,\n"text", 12.5e1 ,null,true\n]\n\n';
    const p = file(text);
    for (const chunkBytes of CHUNKS) {
      const stats: StatementReaderStats = { peakBufferedBytes: 0 };
      const items = await read(p, { chunkBytes, stats });
      assert.deepEqual(items, [
        { item: { n: 1, s: 'a ] } , " [ é' }, line: 3, endOffset: byteOffset(text, 'é"\n  }'), endLine: 6 },
        { item: { n: [2, { x: '😀' }] }, line: 6, endOffset: byteOffset(text, '"😀"}]}'), endLine: 6 },
        { item: 'text', line: 8, endOffset: byteOffset(text, '"text"'), endLine: 8 },
        { item: 125, line: 8, endOffset: byteOffset(text, '12.5e1'), endLine: 8 },
        { item: null, line: 8, endOffset: byteOffset(text, 'null'), endLine: 8 },
        { item: true, line: 8, endOffset: byteOffset(text, 'true'), endLine: 8 },
      ]);
      assert.equal(stats.format, 'json-array');
    }
    assert.deepEqual(await read(file(' [ ] ')), []);
    assert.deepEqual(await read(file('')), []);
  });

  it('resumes from the end of any item with the same items and lines as the whole read', async () => {
    const ndjson = '{"n":1}\n\n{"n":2}\nnot json\n{"n":3}\n';
    const array = '[{"n":1},\n {"n":\n 2}, {"n":3}\n,\n{"n":4}]';
    for (const text of [ndjson, array]) {
      const p = file(text);
      const all = await read(p);
      for (const [i, item] of all.entries()) {
        for (const chunkBytes of CHUNKS) {
          const rest = await read(p, { start: { offset: item.endOffset, line: item.endLine }, chunkBytes });
          assert.deepEqual(rest, all.slice(i + 1), `${JSON.stringify(text)} after item ${i}, chunk ${chunkBytes}`);
        }
      }
    }
  });

  it('ends a broken JSON array with an error naming line, column and byte, after the items before it', async () => {
    const cases: Array<[string, number, string]> = [
      ['[{"n":1}\n {"n":2}]', 1, 'line 2, column 2 (byte 10): expected "," or "]" after an item, found "{"'],
      ['[{"n":1},\n]', 1, 'line 2, column 1 (byte 10): a "," must be followed by another item, not by "]"'],
      ['[{"n":1},,{"n":2}]', 1, 'line 1, column 10 (byte 9): expected an item, found ","'],
      // V8 does not say where an unexpected token is: the item's start it is.
      ['[{"n":1},\n  {"n": 2,\n   "m": x}]', 1, 'line 2, column 3 (byte 12): Unexpected token \'x\' (in the item that starts on line 2)'],
      ['[{"n":1},\n  {"n": 2,\n   "m": 3,}]', 1, 'line 3, column 11 (byte 31): Expected double-quoted property name (in the item that starts on line 2)'],
      ['[{"n":1},\n  {"n": 2,\n   "m": "cut', 1, 'line 2, column 3 (byte 12): the file ends inside this item (is it cut short?)'],
      ['[{"n":1},{"n":2}\n', 2, 'line 2, column 1 (byte 17): the file ends before the array\'s closing "]" (is it cut short?)'],
      ['[{"n":1}]\n{"n":2}', 1, 'line 2, column 1 (byte 10): unexpected "{" after the array\'s closing "]"'],
      ['[nul]', 0, 'line 1, column 5 (byte 4): Unexpected end of JSON input (in the item that starts on line 1)'],
    ];
    for (const [text, before, message] of cases) {
      for (const chunkBytes of CHUNKS) {
        const { items, error } = await readToError(file(text), { chunkBytes });
        assert.equal(items.length, before, text);
        assert.equal(error.message, message, `${text} (chunk ${chunkBytes})`);
      }
    }
  });

  it('refuses an item longer than maxItemBytes: an NDJSON line is skipped as NotJson, an array item ends the reading', async () => {
    const long = JSON.stringify({ s: 'x'.repeat(500) });
    const ndjson = file(`{"n":1}\n${long}\n{"n":2}\n`);
    for (const chunkBytes of [7, 64, 4096]) {
      const items = await read(ndjson, { chunkBytes, maxItemBytes: 100 });
      assert.deepEqual(
        items.map((i) => i.item),
        [{ n: 1 }, new NotJson('the line is longer than 100 bytes'), { n: 2 }],
      );
      assert.deepEqual(items.map((i) => i.line), [1, 2, 3]);
      const { items: before, error } = await readToError(file(`[{"n":1},\n${long}]`), { chunkBytes, maxItemBytes: 100 });
      assert.equal(before.length, 1);
      assert.equal(error.message, 'line 2, column 1 (byte 10): the item is longer than 100 bytes');
    }
  });

  it('holds one item plus a chunk, never the file: a 6 MB file in both formats', async () => {
    const statement = (i: number) => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      actor: { account: { homePage: 'https://lms.example.edu', name: `user-${i % 50}` } },
      verb: { id: 'http://id.tincanapi.com/verb/viewed' },
      object: { id: `https://lms.example.edu/mod/page/view.php?id=${i}`, definition: { name: { en: 'é'.repeat(200) } } },
      timestamp: '2026-03-02T10:00:00Z',
    });
    const count = 10_000;
    const lines: string[] = [];
    for (let i = 0; i < count; i++) lines.push(JSON.stringify(statement(i)));
    const largest = Math.max(...lines.map((l) => Buffer.byteLength(l)));
    for (const text of [`${lines.join('\n')}\n`, `[\n${lines.join(',\n')}\n]\n`]) {
      const p = file(text);
      assert.ok(fs.statSync(p).size > 6_000_000);
      const stats: StatementReaderStats = { peakBufferedBytes: 0 };
      let n = 0;
      for await (const { item, line } of readStatementFile(p, { stats })) {
        assert.deepEqual(item, statement(n), `item ${n}`);
        assert.equal(line, n + (text.startsWith('[') ? 2 : 1));
        n++;
      }
      assert.equal(n, count);
      assert.ok(stats.peakBufferedBytes <= 64 * 1024 + largest, `window of ${stats.peakBufferedBytes} bytes`);
    }
  });
});
