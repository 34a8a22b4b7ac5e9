/**
 * One batch of retention pruning: deletes up to `limit` raw events (every source, resolved or
 * not) whose event time is before `before`, walking `source_events` by `seq` from `afterSeq` so
 * that each batch continues where the last one stopped instead of scanning the table again.
 * Returns where it stopped and the attachment sha2s the deleted xAPI statements named, for
 * unreferenced-attachments.ts.
 */
import type { Queryable } from './database.js';

export interface PrunedBatch {
  deleted: number;
  /** The highest seq deleted; null when nothing was. */
  lastSeq: number | null;
  /** [platform id, sha2] named by the deleted statements, distinct. */
  attachments: Array<[string, string]>;
}

export async function pruneSourceEvents(q: Queryable, before: Date, afterSeq: number, limit: number): Promise<PrunedBatch> {
  const [row] = await q.query<{ deleted: number; last_seq: number | null; attachments: Array<[string, string]> }>(
    `with doomed as (
       select platform_id, source, source_id from source_events where seq > $2 and event_at < $1 order by seq limit $3
     ), gone as (
       delete from source_events e using doomed d
        where e.platform_id = d.platform_id and e.source = d.source and e.source_id = d.source_id
       returning e.seq, e.platform_id, e.source, e.payload->'attachments' as attachments
     )
     select (select count(*) from gone)::int as deleted, (select max(seq) from gone) as last_seq,
            coalesce((select jsonb_agg(distinct jsonb_build_array(g.platform_id, lower(a->>'sha2')))
                      from gone g, jsonb_array_elements(case when jsonb_typeof(g.attachments) = 'array' then g.attachments else '[]'::jsonb end) a
                      where g.source = 'xapi' and a->>'sha2' is not null), '[]'::jsonb) as attachments`,
    [before, afterSeq, limit],
  );
  return { deleted: row!.deleted, lastSeq: row!.last_seq === null ? null : Number(row!.last_seq), attachments: row!.attachments };
}
