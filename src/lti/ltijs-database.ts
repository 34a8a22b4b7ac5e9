/**
 * ltijs's database plugin (the `plugin` option of `Provider.setup`) over our own database, so
 * ltijs needs no MongoDB. It implements every method ltijs 5.9.9 calls, with the semantics of
 * ltijs's own Mongo class: `Get` answers `false` when nothing matches, encrypted documents come
 * back decrypted with `createdAt` in epoch milliseconds, `Replace` is an upsert. Documents of
 * the expiring collections are invisible once expired and are deleted by a periodic clean-up.
 */
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { Database } from '../models/database.js';
import {
  deleteExpiredLtiDocs,
  deleteLtiDocs,
  findLtiDocs,
  insertLtiDoc,
  replaceLtiDoc,
  updateLtiDocs,
  type LtiDoc,
} from '../models/lti-store.js';

/**
 * How long documents of each collection live, as ltijs's Mongo schemas declare them, except the
 * nonce: ltijs keeps it 10 s, but a replayed id_token is accepted for `tokenMaxAge` (60 s here),
 * so a nonce must be remembered longer than that to catch the replay.
 */
export const LTI_TTL_SECONDS: Readonly<Record<string, number>> = Object.freeze({
  idtoken: 24 * 3600,
  contexttoken: 24 * 3600,
  accesstoken: 3600,
  nonce: 600,
  state: 600,
  // Ours, not ltijs's: the login parameters kept to offer a relaunch in a new window (relaunch.ts).
  loginparams: 600,
});

export interface LtijsDatabaseOptions {
  logger?: Logger;
  /** The clock expiry is measured against (tests move it). */
  now?: () => Date;
  /** How often expired documents are deleted. */
  cleanupIntervalMs?: number;
}

type Query = Record<string, unknown>;

interface EncryptedFields {
  iv: string;
  tag: string;
  data: string;
}

function encryptionKey(secret: string): Buffer {
  return crypto.createHash('sha256').update(secret).digest();
}

/** AES-256-GCM: unlike ltijs's CBC, a tampered row fails to decrypt instead of yielding garbage. */
function encrypt(plain: string, secret: string): EncryptedFields {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', encryptionKey(secret), iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return { iv: iv.toString('hex'), tag: cipher.getAuthTag().toString('hex'), data: data.toString('hex') };
}

function decrypt(fields: EncryptedFields, secret: string): string {
  const decipher = crypto.createDecipheriv('aes-256-gcm', encryptionKey(secret), Buffer.from(fields.iv, 'hex'));
  decipher.setAuthTag(Buffer.from(fields.tag, 'hex'));
  return Buffer.concat([decipher.update(Buffer.from(fields.data, 'hex')), decipher.final()]).toString('utf8');
}

/**
 * ltijs queries are flat equality objects. A field given as `undefined` would silently widen a
 * match (Mongo drops it), which for Delete or Replace means touching other platforms' rows.
 * Reads drop such fields as Mongo does; writes refuse them.
 */
function equalityQuery(query: Query | undefined, forWrite: boolean): LtiDoc {
  const match: LtiDoc = {};
  for (const [field, value] of Object.entries(query ?? {})) {
    if (value === undefined) {
      if (forWrite) throw new Error(`MISSING_PARAMS: query field ${field} is undefined`);
      continue;
    }
    match[field] = value;
  }
  return match;
}

function withoutUndefined(item: object): LtiDoc {
  return JSON.parse(JSON.stringify(item)) as LtiDoc;
}

export class LtijsDatabase {
  readonly #db: Database;
  readonly #logger: Logger | undefined;
  readonly #now: () => Date;
  readonly #cleanupIntervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #deployed = false;

  constructor(db: Database, options: LtijsDatabaseOptions = {}) {
    this.#db = db;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
    this.#cleanupIntervalMs = options.cleanupIntervalMs ?? 10 * 60_000;
  }

  /** Called by `lti.deploy()`. The schema itself comes from the migrations. */
  async setup(): Promise<true> {
    this.#deployed = true;
    await this.cleanup();
    this.#timer = setInterval(() => {
      this.cleanup().catch((err: unknown) => this.#logger?.warn({ err }, 'could not delete expired LTI tokens'));
    }, this.#cleanupIntervalMs);
    this.#timer.unref();
    return true;
  }

  /** Called by `lti.close()`. The application owns the connection and closes it itself. */
  async Close(): Promise<true> {
    clearInterval(this.#timer);
    this.#deployed = false;
    return true;
  }

  /** Deletes every expired document; returns how many. */
  async cleanup(): Promise<number> {
    const removed = await deleteExpiredLtiDocs(this.#db, this.#now());
    if (removed > 0) this.#logger?.debug({ removed }, 'deleted expired LTI tokens');
    return removed;
  }

  async Get(key: string | false, collection: string, query?: Query): Promise<LtiDoc[] | false> {
    this.#assertDeployed(collection);
    const rows = await findLtiDocs(this.#db, collection, equalityQuery(query, false), this.#now());
    if (rows.length === 0) return false;
    return rows.map(({ doc, created_at }) =>
      key
        ? { ...(JSON.parse(decrypt(doc as unknown as EncryptedFields, key)) as LtiDoc), createdAt: created_at.getTime() }
        : { ...doc, createdAt: created_at },
    );
  }

  async Insert(key: string | false, collection: string, item: object, index?: Query): Promise<true> {
    this.#assertDeployed(collection, item, key, index);
    const now = this.#now();
    try {
      await insertLtiDoc(this.#db, collection, this.#document(key, item, index), now, this.#expiry(collection, now));
    } catch (err) {
      // ltijs reads, then inserts; two launches racing with one id_token (or a replay of a nonce
      // expired but not yet cleaned up) meet the unique index instead. Say it as ltijs would.
      if (collection === 'nonce' && (err as { code?: string }).code === '23505') throw new Error('NONCE_ALREADY_RECEIVED');
      throw err;
    }
    return true;
  }

  async Replace(key: string | false, collection: string, query: Query, item: object, index?: Query): Promise<true> {
    this.#assertDeployed(collection, item, key, index);
    const now = this.#now();
    const match = equalityQuery(query, true);
    await replaceLtiDoc(this.#db, collection, match, this.#document(key, item, index), now, this.#expiry(collection, now));
    return true;
  }

  async Modify(key: string | false, collection: string, query: Query, modification: Query): Promise<true> {
    this.#assertDeployed(collection, modification);
    const match = equalityQuery(query, true);
    const now = this.#now();
    let patch = withoutUndefined(modification);
    if (key) {
      // ltijs never modifies an encrypted document in 5.9.9; if it does, merge every field
      // (ltijs's Mongo class keeps only the first) and re-encrypt.
      const current = await this.Get(key, collection, match);
      if (!current) return true;
      const { createdAt: _createdAt, ...plain } = current[0]!;
      patch = { ...encrypt(JSON.stringify({ ...plain, ...patch }), key) };
    }
    await updateLtiDocs(this.#db, collection, match, patch, now);
    return true;
  }

  async Delete(collection: string, query: Query): Promise<true> {
    this.#assertDeployed(collection, query);
    await deleteLtiDocs(this.#db, collection, equalityQuery(query, true));
    return true;
  }

  /** ltijs's Database interface exposes these; ltijs itself never calls them. */
  async Encrypt(data: string, secret: string): Promise<EncryptedFields> {
    return encrypt(data, secret);
  }

  async Decrypt(data: string, iv: string, secret: string, tag = ''): Promise<string> {
    return decrypt({ data, iv, tag }, secret);
  }

  #document(key: string | false, item: object, index?: Query): LtiDoc {
    if (!key) return withoutUndefined(item);
    return { ...equalityQuery(index, true), ...encrypt(JSON.stringify(item), key) };
  }

  #expiry(collection: string, now: Date): Date | null {
    const ttl = LTI_TTL_SECONDS[collection];
    return ttl === undefined ? null : new Date(now.getTime() + ttl * 1000);
  }

  #assertDeployed(collection: string, item: unknown = {}, key: string | false = false, index?: Query): void {
    if (!this.#deployed) throw new Error('PROVIDER_NOT_DEPLOYED');
    if (!collection || !item || (key && !index)) throw new Error('MISSING_PARAMS');
  }
}
