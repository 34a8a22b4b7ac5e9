/**
 * The database schema, as drizzle tables. `npm run db:generate` turns a change here into the
 * next SQL file in `migrations/`; the files are what runs, this is what the code is typed by.
 */
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, check, customType, date, doublePrecision, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

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

/**
 * Credentials an LMS sends activity with (xAPI Basic auth, Caliper Bearer): one platform each.
 * The secret is stored only as a scrypt hash; the key is public.
 */
export const ingestCredentials = pgTable(
  'ingest_credentials',
  {
    key: text('key').primaryKey(),
    platformId: text('platform_id').notNull(),
    /** `scrypt$<N>$<r>$<p>$<salt b64url>$<hash b64url>` */
    secretHash: text('secret_hash').notNull(),
    label: text('label'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('ingest_credentials_platform').on(t.platformId)],
);

/**
 * Everything that came in, as it came: xAPI statements (the LRS store), Caliper events and
 * students' launches, one row each, per platform — with what the mapping made of it. Derived
 * figures are a pure function of these rows. A row's course and person stay NULL until they can
 * be resolved (a statement may arrive before the course's first launch or roster read).
 */
export const sourceEvents = pgTable(
  'source_events',
  {
    platformId: text('platform_id').notNull(),
    source: text('source', { enum: ['xapi', 'caliper', 'lti-launch'] }).notNull(),
    /** The statement id (sent or derived, lower case), the Caliper event id, the launch's id. */
    sourceId: text('source_id').notNull(),
    /** Arrival order: the LRS's `stored` order and the cursor of `more` links. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    /** The statement as stored (with id, stored, authority), the Caliper event, the launch's claims. */
    payload: jsonb('payload').notNull(),
    storedAt: timestamp('stored_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** The event time: the statement's timestamp, else when it was stored. */
    eventAt: timestamp('event_at', { withTimezone: true, mode: 'date' }).notNull(),
    credentialKey: text('credential_key'),
    // What the xAPI GET filters on.
    verbId: text('verb_id'),
    actorKey: text('actor_key'),
    activityId: text('activity_id'),
    registration: text('registration'),
    /** For a voiding statement, the statement id it voids. */
    voids: text('voids'),
    /** Set when a voiding statement for this one is stored (it may come first: then set on arrival). */
    voided: boolean('voided').notNull().default(false),
    // What the mapping made of it (src/ingest/).
    kind: text('kind'),
    ignored: text('ignored'),
    durationSeconds: doublePrecision('duration_seconds'),
    courseRef: jsonb('course_ref'),
    personRef: jsonb('person_ref'),
    /** The resolved course and person; NULL while unresolved. */
    contextId: text('context_id'),
    userId: text('user_id'),
  },
  (t) => [
    primaryKey({ columns: [t.platformId, t.source, t.sourceId] }),
    uniqueIndex('source_events_seq').on(t.seq),
    index('source_events_platform_seq').on(t.platformId, t.seq),
    index('source_events_person_time').on(t.platformId, t.contextId, t.userId, t.eventAt),
    index('source_events_voids').on(t.platformId, t.voids),
    index('source_events_unresolved').on(t.platformId).where(sql`${t.userId} is null`),
  ],
);

/** One student's visits in a course (derived: sessions.ts over the student's events). */
export const studentVisits = pgTable(
  'student_visits',
  {
    platformId: text('platform_id').notNull(),
    contextId: text('context_id').notNull(),
    userId: text('user_id').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastEventAt: timestamp('last_event_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** The local day (course time zone) of its first event. */
    day: date('day', { mode: 'string' }).notNull(),
    events: integer('events').notNull(),
    durationSeconds: integer('duration_seconds').notNull(),
    capped: boolean('capped').notNull(),
  },
  (t) => [primaryKey({ columns: [t.platformId, t.contextId, t.userId, t.startedAt] })],
);

/** One student's figures for one local day of a course (derived: daily-rollup.ts). */
export const studentDays = pgTable(
  'student_days',
  {
    platformId: text('platform_id').notNull(),
    contextId: text('context_id').notNull(),
    userId: text('user_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    visits: integer('visits').notNull(),
    durationSeconds: integer('duration_seconds').notNull(),
    actions: integer('actions').notNull(),
    resources: integer('resources').notNull(),
    activities: integer('activities').notNull(),
    communication: integer('communication').notNull(),
    threads: integer('threads').notNull(),
    posts: integer('posts').notNull(),
    comments: integer('comments').notNull(),
    firstEventAt: timestamp('first_event_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastEventAt: timestamp('last_event_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.platformId, t.contextId, t.userId, t.day] }),
    // The overview reads a course's days across students; migration 0006 makes it cover that read
    // (INCLUDE user_id, visits, duration_seconds), which drizzle cannot declare.
    index('student_days_course_day').on(t.platformId, t.contextId, t.day),
  ],
);

/**
 * One student's totals in a course since it started — Σ `student_days` visits and duration, and
 * the start of the latest `student_visits` row — for the overview's list: a year of a thousand
 * students' days is too many rows to sum per request, and a thousand index probes for the last
 * visits too slow. Derived, kept exact by statement triggers on `student_days` and
 * `student_visits` (migration 0005), so every writer of those keeps it without knowing of it.
 */
export const studentTotals = pgTable(
  'student_totals',
  {
    platformId: text('platform_id').notNull(),
    contextId: text('context_id').notNull(),
    userId: text('user_id').notNull(),
    visits: bigint('visits', { mode: 'number' }).notNull(),
    durationSeconds: bigint('duration_seconds', { mode: 'number' }).notNull(),
    /** Null: no visit stored. */
    lastVisitAt: timestamp('last_visit_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [primaryKey({ columns: [t.platformId, t.contextId, t.userId] })],
);

/**
 * A course's figures for one local day, summed over its *current students* (Active Learners of
 * the latest roster): what the overview's 7-day chart and course-wide averages read without
 * touching every student's rows. Derived from `student_days` and `members`; rewritten for the days
 * a batch touched and, after a launch or roster read (students joining or leaving), for the whole
 * course. Days without visits or actions have no row.
 */
export const courseDays = pgTable(
  'course_days',
  {
    platformId: text('platform_id').notNull(),
    contextId: text('context_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    visits: integer('visits').notNull(),
    /** Students with at least one visit starting that day. */
    visitors: integer('visitors').notNull(),
    durationSeconds: bigint('duration_seconds', { mode: 'number' }).notNull(),
    actions: integer('actions').notNull(),
    resources: integer('resources').notNull(),
    activities: integer('activities').notNull(),
    communication: integer('communication').notNull(),
    threads: integer('threads').notNull(),
    posts: integer('posts').notNull(),
    comments: integer('comments').notNull(),
  },
  (t) => [primaryKey({ columns: [t.platformId, t.contextId, t.day] })],
);

/**
 * What the derived tables (student_visits, student_days, course_days) and the mapping columns of
 * source_events were computed with: G, T, caps, time zone and the kind rules' version. The server
 * compares it with its configuration at start and rebuilds when they differ
 * (`coursepulse rebuild` does the same by hand).
 */
export const derivedSettings = pgTable('derived_settings', {
  /** Always `rollups`: one row. */
  name: text('name').primaryKey(),
  settings: jsonb('settings').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
});

/**
 * Progress of `coursepulse import` runs, so that an interrupted import resumes where its last
 * committed batch ended: the byte offset is written in the same transaction as the batch.
 */
export const importRuns = pgTable(
  'import_runs',
  {
    platformId: text('platform_id').notNull(),
    /** SHA-256 of the file's size and first 64 KiB: the same file under another name resumes too. */
    fileKey: text('file_key').notNull(),
    fileName: text('file_name').notNull(),
    bytesTotal: bigint('bytes_total', { mode: 'number' }).notNull(),
    /** Bytes (whole lines / array items) whose statements are committed. */
    bytesDone: bigint('bytes_done', { mode: 'number' }).notNull(),
    /** Statements read so far (valid or not). */
    statementsRead: bigint('statements_read', { mode: 'number' }).notNull(),
    /** Counters for the summary: { stored, duplicates, unresolved, rejected, reasons: {reason: n} }. */
    summary: jsonb('summary').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [primaryKey({ columns: [t.platformId, t.fileKey] })],
);

/** PostgreSQL `bytea` (drizzle-orm has no built-in column for it). */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/**
 * The raw data of xAPI attachments sent in multipart/mixed requests (xAPI-Communication.md
 * §1.5.2), per platform like everything else, keyed by the SHA-2 the statements name it by: the
 * same content sent again, or named by several statements, is stored once. GET with
 * `attachments=true` returns it for the statements that name it, never across platforms.
 */
export const statementAttachments = pgTable(
  'statement_attachments',
  {
    platformId: text('platform_id').notNull(),
    /** Lower-case hex SHA-2 (224, 256, 384 or 512) of `content`, checked on arrival. */
    sha2: text('sha2').notNull(),
    /** The part's Content-Type (else the attachment object's). */
    contentType: text('content_type').notNull(),
    /** Octets in `content`. */
    length: integer('length').notNull(),
    content: bytea('content').notNull(),
    storedAt: timestamp('stored_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.platformId, t.sha2] })],
);

/**
 * The audit log of report views: who (the launch's user and roles) saw which course's report —
 * and which student's, for the Activity Details — when, in which form, under which request id.
 * Written once the report was built and before it is sent (src/routes/report-view-audit.ts), read
 * by admins (`GET /admin/api/audit`). Kept: nothing prunes it. Migration 0007 is hand-written
 * (migrations/meta has no snapshot of it): drizzle-kit's next `db:generate` proposes this table
 * again, which is to be dropped from its output.
 */
export const reportViews = pgTable(
  'report_views',
  {
    platformId: text('platform_id').notNull(),
    contextId: text('context_id').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    viewedAt: timestamp('viewed_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** The LTI user id (`sub`) of the launch the ltik belongs to. */
    viewerUserId: text('viewer_user_id').notNull(),
    viewerRoles: text('viewer_roles').array().notNull(),
    /** The student whose Activity Details were shown; null for the course's overview. */
    studentUserId: text('student_user_id'),
    /** overview-page, overview-json, overview-csv, student-page, student-json or student-days-csv. */
    view: text('view').notNull(),
    /** The request's X-Request-Id, to find its log line. */
    requestId: text('request_id'),
  },
  (t) => [
    primaryKey({ columns: [t.platformId, t.contextId, t.id] }),
    index('report_views_course_time').on(t.platformId, t.contextId, t.viewedAt),
    index('report_views_time').on(t.viewedAt),
  ],
);

/**
 * The web origins a platform's launches come from (the signed return_url's origin, the launch
 * POST's Origin header), recorded at each teacher's launch: with the issuer's origin, they may
 * frame the pages of that platform's courses (src/routes/security-headers.ts). Canvas frames tools
 * at the institution's host, not at its issuer. Hand-written migration (0008).
 */
export const platformOrigins = pgTable(
  'platform_origins',
  {
    platformId: text('platform_id').notNull(),
    origin: text('origin').notNull(),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.platformId, t.origin] })],
);
