/**
 * The database schema, as drizzle tables. `npm run db:generate` turns a change here into the
 * next SQL file in `migrations/`; the files are what runs, this is what the code is typed by.
 */
import { sql } from 'drizzle-orm';
import { bigserial, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * ltijs's storage (platforms, their keys, launch tokens, nonces, OIDC states): one row per
 * ltijs document, in the collection ltijs names. ltijs only ever looks documents up by
 * equality of top-level fields, which is exactly jsonb containment (`doc @> query`).
 */
export const ltiStore = pgTable(
  'lti_store',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    collection: text('collection').notNull(),
    /** The plain document, or `{...index, iv, tag, data}` when ltijs asks for encryption. */
    doc: jsonb('doc').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** NULL: kept until deleted. */
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('lti_store_doc').using('gin', t.doc.op('jsonb_path_ops')),
    index('lti_store_collection_expiry').on(t.collection, t.expiresAt),
    // A nonce seen twice is a replayed launch; the unique index catches it even when two
    // instances check at the same moment (ltijs reads, then inserts).
    uniqueIndex('lti_store_nonce').on(sql`(${t.doc}->>'nonce')`).where(sql`${t.collection} = 'nonce'`),
    uniqueIndex('lti_store_state').on(sql`(${t.doc}->>'state')`).where(sql`${t.collection} = 'state'`),
  ],
);
