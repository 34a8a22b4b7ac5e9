/**
 * The database schema, as drizzle tables. `npm run db:generate` turns a change here into the
 * next SQL file in `migrations/`; the files are what runs, this is what the code is typed by.
 */
import { sql } from 'drizzle-orm';
import { bigserial, check, foreignKey, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

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

/**
 * A course: one LTI context on one platform. Every course-scoped table's key starts with
 * (platform_id, context_id), so data of two courses never mixes and tables can be distributed
 * by course later. `platform_id` is the ltijs platform id (kid) of the registration.
 */
export const courses = pgTable(
  'courses',
  {
    platformId: text('platform_id').notNull(),
    contextId: text('context_id').notNull(),
    /** The deployment of the latest launch (recorded; statements do not carry it). */
    deploymentId: text('deployment_id').notNull(),
    title: text('title'),
    label: text('label'),
    /** IANA zone of this course; NULL means the TIMEZONE setting. */
    timezone: text('timezone'),
    /** NRPS endpoint from the launch, kept for background roster refreshes. */
    membershipsUrl: text('memberships_url'),
    /** The Course Groups Service claim from the launch, where the platform offers it. */
    groupsService: jsonb('groups_service'),
    /** The custom claim of the latest launch (Canvas group ids and other substitutions). */
    custom: jsonb('custom'),
    firstLaunchAt: timestamp('first_launch_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastLaunchAt: timestamp('last_launch_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** Last time a teacher launched or read this course's reports: the roster is refreshed while it is recent. */
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** The latest good roster read. */
    rosterSyncedAt: timestamp('roster_synced_at', { withTimezone: true, mode: 'date' }),
    /** The latest roster read, good or failed: also the refresher's claim on the course. */
    rosterAttemptedAt: timestamp('roster_attempted_at', { withTimezone: true, mode: 'date' }),
    /** Why the latest roster read failed, or NULL after a good one. */
    rosterError: text('roster_error'),
  },
  (t) => [primaryKey({ columns: [t.platformId, t.contextId] })],
);

/**
 * A person on a course's roster (NRPS) or who launched it. Members who leave are kept with
 * `left_at` set: their events stay, they are no longer listed or counted.
 */
export const members = pgTable(
  'members',
  {
    platformId: text('platform_id').notNull(),
    contextId: text('context_id').notNull(),
    /** The LTI user id (`sub`). */
    userId: text('user_id').notNull(),
    name: text('name'),
    givenName: text('given_name'),
    familyName: text('family_name'),
    email: text('email'),
    picture: text('picture'),
    roles: text('roles').array().notNull(),
    /** NRPS status: Active, Inactive or Deleted. */
    status: text('status').notNull(),
    sourcedId: text('sourced_id'),
    leftAt: timestamp('left_at', { withTimezone: true, mode: 'date' }),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.platformId, t.contextId, t.userId] })],
);

/** Every successful launch: who opened which course with which roles, and when. */
export const launches = pgTable(
  'launches',
  {
    platformId: text('platform_id').notNull(),
    contextId: text('context_id').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    userId: text('user_id').notNull(),
    roles: text('roles').array().notNull(),
    resourceLinkId: text('resource_link_id'),
    launchedAt: timestamp('launched_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.platformId, t.contextId, t.id] })],
);

/**
 * A group of students in a course: from the platform's Course Groups Service (`lti-gs`), from
 * Canvas group rosters (`canvas`), or defined by the course's teachers in CoursePulse
 * (`coursepulse`). `group_id` is ours and unique in the course (`<source>:<external id>` for the
 * platform's groups, `coursepulse:<uuid>` for ours).
 */
export const groups = pgTable(
  'groups',
  {
    platformId: text('platform_id').notNull(),
    contextId: text('context_id').notNull(),
    groupId: text('group_id').notNull(),
    source: text('source', { enum: ['lti-gs', 'canvas', 'coursepulse'] }).notNull(),
    /** The platform's id of the group; NULL for groups defined in CoursePulse. */
    externalId: text('external_id'),
    name: text('name').notNull(),
    setId: text('set_id'),
    setName: text('set_name'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.platformId, t.contextId, t.groupId] }),
    check('groups_source', sql`${t.source} in ('lti-gs', 'canvas', 'coursepulse')`),
  ],
);

export const groupMembers = pgTable(
  'group_members',
  {
    platformId: text('platform_id').notNull(),
    contextId: text('context_id').notNull(),
    groupId: text('group_id').notNull(),
    userId: text('user_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.platformId, t.contextId, t.groupId, t.userId] }),
    foreignKey({
      columns: [t.platformId, t.contextId, t.groupId],
      foreignColumns: [groups.platformId, groups.contextId, groups.groupId],
    }).onDelete('cascade'),
  ],
);
