/**
 * Where a student's counted events lie near a time window: for each probe (one student, an
 * interval [from, to)), the earliest and latest counted event inside it. recompute.ts widens a
 * student's window until no counted event lies within G of either edge, so that the window holds
 * whole visits. One query for all probes of a batch, on the (platform, course, user, time) index.
 */
import type { Queryable } from './database.js';

export interface EdgeProbe {
  contextId: string;
  userId: string;
  from: Date;
  to: Date;
}

export interface ProbeHit {
  /** Index of the probe in the array given. */
  probe: number;
  earliest: Date;
  latest: Date;
}

/** The probes that found counted events (resolved, not voided, not ignored), with the first and last one. */
export async function countedEventEdges(q: Queryable, platformId: string, probes: readonly EdgeProbe[]): Promise<ProbeHit[]> {
  if (probes.length === 0) return [];
  const rows = await q.query<{ probe: string; earliest: Date; latest: Date }>(
    `select p.i - 1 as probe, min(e.event_at) as earliest, max(e.event_at) as latest
     from unnest($2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[]) with ordinality as p(context_id, user_id, lo, hi, i)
     join source_events e
       on e.platform_id = $1 and e.context_id = p.context_id and e.user_id = p.user_id and e.event_at >= p.lo and e.event_at < p.hi
     where not e.voided and e.ignored is null and e.kind is not null
     group by p.i`,
    [platformId, probes.map((p) => p.contextId), probes.map((p) => p.userId), probes.map((p) => p.from.toISOString()), probes.map((p) => p.to.toISOString())],
  );
  return rows.map((row) => ({ probe: Number(row.probe), earliest: row.earliest, latest: row.latest }));
}
