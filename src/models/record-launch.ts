/**
 * Records a staff launch in one transaction: the course (created on its first launch, its
 * title, deployment and service endpoints refreshed on every later one), the launching member,
 * and a row in `launches`.
 */
import type { LaunchClaims } from '../lti/launch-claims.js';
import type { Database } from './database.js';
import { upsertRosterMembers } from './upsert-roster.js';

export async function recordLaunch(db: Database, launch: LaunchClaims, now: Date): Promise<void> {
  const { platformId, contextId, person } = launch;
  await db.transaction(async (tx) => {
    await tx.query(
      `insert into courses (platform_id, context_id, deployment_id, title, label, memberships_url, groups_service, custom,
                            first_launch_at, last_launch_at, last_used_at)
       values ($1, $2, $3, $4, $5, $6, $7::jsonb, $9::jsonb, $8, $8, $8)
       on conflict (platform_id, context_id) do update set
         deployment_id = excluded.deployment_id,
         title = coalesce(excluded.title, courses.title),
         label = coalesce(excluded.label, courses.label),
         memberships_url = coalesce(excluded.memberships_url, courses.memberships_url),
         groups_service = coalesce(excluded.groups_service, courses.groups_service),
         custom = excluded.custom,
         last_launch_at = greatest(courses.last_launch_at, excluded.last_launch_at),
         last_used_at = greatest(courses.last_used_at, excluded.last_used_at)`,
      [
        platformId,
        contextId,
        launch.deploymentId,
        launch.course.title,
        launch.course.label,
        launch.membershipsUrl,
        launch.groupsService ? JSON.stringify(launch.groupsService) : null,
        now,
        JSON.stringify(launch.custom),
      ],
    );
    // The launcher is a member now, whatever the last roster said: the same upsert as a roster
    // read of one Active member (names given win, names withheld keep what was known).
    await upsertRosterMembers(tx, { platformId, contextId }, [
      {
        userId: launch.userId,
        name: person.name,
        givenName: person.givenName,
        familyName: person.familyName,
        email: person.email,
        picture: person.picture,
        roles: launch.roles,
        status: 'Active',
        sourcedId: launch.sourcedId,
      },
    ], now);
    await tx.query(
      `insert into launches (platform_id, context_id, user_id, roles, resource_link_id, launched_at) values ($1, $2, $3, $4, $5, $6)`,
      [platformId, contextId, launch.userId, launch.roles, launch.resourceLinkId, now],
    );
  });
}
