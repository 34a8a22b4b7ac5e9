/**
 * xAPI attachments in `multipart/mixed` (xAPI-Communication.md §1.5.2, RFC 2046 §5.1), both ways:
 * reading a POST/PUT whose first part is the statement(s) as JSON and whose other parts are
 * attachment data, each named by the SHA-2 in its `X-Experience-API-Hash`; matching those parts
 * with the statements' attachment objects; and writing the multipart answer of a GET with
 * `attachments=true`. Pure: bytes in, values or `<where>: <what is wrong>` out.
 *
 * CRLF rules (RFC 2046 §5.1.1): a delimiter is CRLF "--" boundary, and that CRLF belongs to the
 * delimiter, not to the part before it — so a part's data is exactly the octets between its
 * header block and the next delimiter. The first delimiter may open the body without a CRLF
 * (no preamble). After a boundary, transport padding (spaces, tabs) may precede its CRLF.
 */
import crypto from 'node:crypto';
import type { Attachment, Statement } from './statement-validation.js';

/** One body part: its header fields (names in lower case) and its octets. */
export interface MimePart {
  headers: Map<string, string>;
  body: Buffer;
}

/** The data of one attachment part of a request. */
export interface AttachmentPart {
  /** 1-based position in the request (part 1 is the statements), for messages. */
  part: number;
  /** Lower-case hex, checked against the data. */
  sha2: string;
  /** The part's Content-Type, when it has one. */
  contentType: string | null;
  content: Buffer;
}

/** Attachment data ready to keep: one per distinct sha2. */
export interface AttachmentData {
  sha2: string;
  contentType: string;
  content: Buffer;
}

type Result<T> = ({ ok: true } & T) | { ok: false; error: string };

// ---------------------------------------------------------------------------------------------
// Content-Type parameters

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** RFC 2046 bchars: 1 to 70 of them, not ending in a space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/** The media type (lower case) and parameters (names in lower case) of a Content-Type value. */
export function parseContentType(value: string): { type: string; parameters: Map<string, string> } {
  const semicolon = value.indexOf(';');
  const type = (semicolon < 0 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  const parameters = new Map<string, string>();
  const pattern = /;\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g;
  for (const m of value.slice(Math.max(semicolon, 0)).matchAll(pattern)) {
    const name = m[1]!.toLowerCase();
    const raw = m[2]!.trim();
    const unquoted = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    if (TOKEN.test(name) && !parameters.has(name)) parameters.set(name, unquoted);
  }
  return { type, parameters };
}

/** The boundary of a `multipart/mixed` Content-Type, or what is wrong with it. */
export function boundaryOf(contentType: string): Result<{ boundary: string }> {
  const boundary = parseContentType(contentType).parameters.get('boundary');
  if (boundary === undefined || boundary === '') return { ok: false, error: 'Content-Type: multipart/mixed needs a boundary parameter' };
  if (!BOUNDARY.test(boundary)) return { ok: false, error: 'Content-Type: the boundary must be 1 to 70 characters of RFC 2046 (letters, digits, \'()+_,-./:=? and inner spaces)' };
  return { ok: true, boundary };
}

// ---------------------------------------------------------------------------------------------
// Splitting a body into parts

const CRLF = Buffer.from('\r\n');
const isPadding = (byte: number | undefined): boolean => byte === 0x20 || byte === 0x09;

/** Where `delimiter` next stands as a delimiter (followed by `--`, padding or CRLF), or -1. */
function nextDelimiter(body: Buffer, delimiter: Buffer, from: number): number {
  for (let i = body.indexOf(delimiter, from); i >= 0; i = body.indexOf(delimiter, i + 1)) {
    const after = i + delimiter.length;
    const a = body[after];
    if ((a === 0x2d && body[after + 1] === 0x2d) || isPadding(a) || (a === 0x0d && body[after + 1] === 0x0a)) return i;
  }
  return -1;
}

function parseHeaders(block: string, where: string): Result<{ headers: Map<string, string> }> {
  const headers = new Map<string, string>();
  // Unfold continuation lines (RFC 5322 §2.2.3) before splitting.
  for (const line of block.replace(/\r\n(?=[ \t])/g, '').split('\r\n')) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!TOKEN.test(name)) return { ok: false, error: `${where}: the header line "${line.slice(0, 60)}" is not "Name: value"` };
    if (!headers.has(name.toLowerCase())) headers.set(name.toLowerCase(), line.slice(colon + 1).trim());
  }
  return { ok: true, headers };
}

function parsePart(octets: Buffer, number: number): Result<{ part: MimePart }> {
  const where = `multipart/mixed part ${number}`;
  // A part without header fields starts with the empty line at once.
  if (octets.length === 0) return { ok: true, part: { headers: new Map(), body: octets } };
  if (octets.subarray(0, 2).equals(CRLF)) return { ok: true, part: { headers: new Map(), body: octets.subarray(2) } };
  let end = octets.indexOf('\r\n\r\n');
  // Header fields and no body at all: the delimiter's CRLF follows the last field's.
  if (end < 0 && octets.subarray(-2).equals(CRLF)) end = octets.length - 2;
  if (end < 0) return { ok: false, error: `${where}: its header fields do not end with an empty line (CRLF CRLF)` };
  const parsed = parseHeaders(octets.subarray(0, end).toString('latin1'), where);
  if (!parsed.ok) return parsed;
  return { ok: true, part: { headers: parsed.headers, body: octets.subarray(Math.min(end + 4, octets.length)) } };
}

/** The body parts of a multipart body (preamble and epilogue dropped), or what is wrong with it. */
export function splitMultipart(body: Buffer, boundary: string): Result<{ parts: MimePart[] }> {
  const dashBoundary = Buffer.from(`--${boundary}`, 'latin1');
  const delimiter = Buffer.concat([CRLF, dashBoundary]);
  let pos: number;
  if (body.subarray(0, dashBoundary.length).equals(dashBoundary)) {
    pos = dashBoundary.length;
  } else {
    const first = nextDelimiter(body, delimiter, 0);
    if (first < 0) return { ok: false, error: `multipart/mixed: the body has no boundary line --${boundary}` };
    pos = first + delimiter.length;
  }
  const parts: MimePart[] = [];
  for (;;) {
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break; // the close delimiter; what follows is the epilogue
    while (isPadding(body[pos])) pos++;
    if (!(body[pos] === 0x0d && body[pos + 1] === 0x0a)) return { ok: false, error: `multipart/mixed: a boundary line --${boundary} does not end with CRLF` };
    const start = pos + 2;
    const end = nextDelimiter(body, delimiter, start);
    if (end < 0) return { ok: false, error: `multipart/mixed: the body does not end with the close delimiter --${boundary}--` };
    const parsed = parsePart(body.subarray(start, end), parts.length + 1);
    if (!parsed.ok) return parsed;
    parts.push(parsed.part);
    pos = end + delimiter.length;
  }
  if (parts.length === 0) return { ok: false, error: 'multipart/mixed: the body has no parts (the first must be the statements as application/json)' };
  return { ok: true, parts };
}

// ---------------------------------------------------------------------------------------------
// A statements request

/** The SHA-2 variant of a hex digest, by its length. */
const SHA2_BY_HEX_LENGTH: Record<number, string> = { 56: 'sha224', 64: 'sha256', 96: 'sha384', 128: 'sha512' };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a POST/PUT of statements sent as `multipart/mixed`: the first part must be
 * `application/json` (the statement or array of statements, returned parsed); every other part
 * must carry `X-Experience-API-Hash` and `Content-Transfer-Encoding: binary`, and its data must
 * hash to that header. Whether each part belongs to a statement is {@link matchAttachments}'s.
 */
export function readMultipartStatements(body: Buffer, contentType: string): Result<{ statements: unknown; attachments: AttachmentPart[] }> {
  const boundary = boundaryOf(contentType);
  if (!boundary.ok) return boundary;
  const split = splitMultipart(body, boundary.boundary);
  if (!split.ok) return split;
  const [first, ...rest] = split.parts;

  const firstType = first!.headers.get('content-type');
  if (firstType === undefined || parseContentType(firstType).type !== 'application/json') {
    return { ok: false, error: `multipart/mixed part 1: Content-Type must be application/json (the statements), not ${firstType ?? 'absent'}` };
  }
  let statements: unknown;
  try {
    statements = JSON.parse(utf8.decode(first!.body));
  } catch {
    return { ok: false, error: 'multipart/mixed part 1: the statements are not valid JSON in UTF-8' };
  }

  const attachments: AttachmentPart[] = [];
  for (const [i, part] of rest.entries()) {
    const where = `multipart/mixed part ${i + 2}`;
    const hash = part.headers.get('x-experience-api-hash');
    if (hash === undefined) return { ok: false, error: `${where}: X-Experience-API-Hash is required (the sha2 of the attachment it holds)` };
    const encoding = part.headers.get('content-transfer-encoding');
    if (encoding?.toLowerCase() !== 'binary') {
      return { ok: false, error: `${where}: Content-Transfer-Encoding must be binary, not ${encoding ?? 'absent'}` };
    }
    const algorithm = /^[0-9a-f]+$/i.test(hash) ? SHA2_BY_HEX_LENGTH[hash.length] : undefined;
    if (algorithm === undefined) return { ok: false, error: `${where}: X-Experience-API-Hash must be the hex digits of a SHA-2 hash (224, 256, 384 or 512 bits)` };
    const actual = crypto.createHash(algorithm).update(part.body).digest('hex');
    if (actual !== hash.toLowerCase()) {
      return { ok: false, error: `${where}: X-Experience-API-Hash ${hash} is not the ${algorithm.toUpperCase()} of the part's ${part.body.length} octets (${actual})` };
    }
    attachments.push({ part: i + 2, sha2: actual, contentType: part.headers.get('content-type') ?? null, content: part.body });
  }
  return { ok: true, statements, attachments };
}

/**
 * A content type fit to be written back as a header field: printable ASCII only. An attachment
 * object's `contentType` may hold a line break before its parameters (the media-type rule allows
 * white space there), which would end the header line in a GET answer.
 */
const headerSafe = (contentType: string): string => (/^[\x20-\x7e]+$/.test(contentType) ? contentType : 'application/octet-stream');

/** A statement's attachment objects, its SubStatement's included, with their paths. */
function attachmentsOf(statement: Pick<Statement, 'attachments' | 'object'>, path: string): Array<{ path: string; attachment: Attachment }> {
  const own = (statement.attachments ?? []).map((attachment, j) => ({ path: `${path}.attachments[${j}]`, attachment }));
  const object = statement.object;
  if (object?.objectType !== 'SubStatement') return own;
  return [...own, ...(object.attachments ?? []).map((attachment, j) => ({ path: `${path}.object.attachments[${j}]`, attachment }))];
}

/**
 * Pairs the parts with the statements' attachment objects by SHA-2 — the only way the spec allows
 * (§1.5.2.s1.b4): every part must be the data of some attachment, and every attachment without a
 * `fileUrl` must have its part. Returns the data to keep, one per distinct sha2, typed by the
 * part's Content-Type or else by the first attachment naming it (application/octet-stream when
 * that is no printable ASCII).
 */
export function matchAttachments(
  statements: ReadonlyArray<{ path: string; original: Pick<Statement, 'attachments' | 'object'> }>,
  parts: readonly AttachmentPart[],
): Result<{ data: AttachmentData[] }> {
  const named = statements.flatMap((s) => attachmentsOf(s.original, s.path));
  const byHash = new Map<string, Attachment>();
  for (const { attachment } of named) if (!byHash.has(attachment.sha2.toLowerCase())) byHash.set(attachment.sha2.toLowerCase(), attachment);
  const received = new Map<string, AttachmentPart>();
  for (const part of parts) {
    if (!byHash.has(part.sha2)) {
      return { ok: false, error: `multipart/mixed part ${part.part}: X-Experience-API-Hash ${part.sha2} is the sha2 of no attachment of the statements` };
    }
    if (!received.has(part.sha2)) received.set(part.sha2, part);
  }
  for (const { path, attachment } of named) {
    if (attachment.fileUrl === undefined && !received.has(attachment.sha2.toLowerCase())) {
      return { ok: false, error: `${path}: has no fileUrl and no part of the request has its data (X-Experience-API-Hash ${attachment.sha2})` };
    }
  }
  const data = [...received.values()].map((part) => ({
    sha2: part.sha2,
    contentType: headerSafe(part.contentType ?? byHash.get(part.sha2)!.contentType),
    content: part.content,
  }));
  return { ok: true, data };
}

// ---------------------------------------------------------------------------------------------
// A GET answer

/** The sha2s (lower case) of a stored statement's attachments, its SubStatement's included. */
export function attachmentHashes(statement: Record<string, unknown>): string[] {
  return attachmentsOf(statement as unknown as Statement, 'statement').map(({ attachment }) => attachment.sha2.toLowerCase());
}

/**
 * The multipart/mixed answer of xAPI-Communication.md §2.1.3 (`attachments=true`): the JSON
 * first, then one part per attachment. The boundary is drawn until it occurs in no part, as RFC
 * 2046 requires.
 */
export function multipartMixedBody(json: string, attachments: readonly AttachmentData[], newBoundary: () => string): { boundary: string; body: Buffer } {
  const jsonOctets = Buffer.from(json, 'utf8');
  let boundary = newBoundary();
  while ([jsonOctets, ...attachments.map((a) => a.content)].some((octets) => octets.includes(boundary, 0, 'latin1'))) boundary = newBoundary();
  const chunks: Buffer[] = [Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n`), jsonOctets];
  for (const a of attachments) {
    chunks.push(Buffer.from(`\r\n--${boundary}\r\nContent-Type: ${a.contentType}\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ${a.sha2}\r\n\r\n`, 'latin1'), a.content);
  }
  chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return { boundary, body: Buffer.concat(chunks) };
}
