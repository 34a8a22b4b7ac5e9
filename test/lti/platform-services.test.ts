/** The service client's pieces that need no platform (Link headers, URLs in messages, NRPS pages), and the host check that does. */
import assert from 'node:assert/strict';
import { firstMembershipsPage, fullRole, mergePages, parseMembershipPage } from '../../src/lti/nrps.js';
import { nextLink, shownUrl } from '../../src/lti/platform-services.js';
import { syncRoster } from '../../src/lti/roster.js';
import { BACKEND } from '../support/databases.js';
import { rosterWorld, type RosterWorld } from '../support/roster-world.js';
import { DEFAULT_CONTEXT, NRPS_MEDIA_TYPE, send } from '../support/test-platform.js';

describe('LTI service client', () => {
  it('finds the rel="next" link among others, quoted or not, relative or absolute', () => {
    const base = 'https://lms.example.edu/api/lti/courses/1/names_and_roles?limit=100';
    assert.equal(nextLink(null, base), undefined);
    assert.equal(nextLink('<https://lms.example.edu/x?page=1>; rel="first"', base), undefined);
    assert.equal(
      nextLink('<https://lms.example.edu/x?page=1>; rel="current", <https://lms.example.edu/x?page=2&a=b,c>; rel="next", <https://lms.example.edu/x?page=9>; rel="last"', base),
      'https://lms.example.edu/x?page=2&a=b,c',
    );
    assert.equal(nextLink('</api/lti/courses/1/names_and_roles?page=2>;rel=next', base), 'https://lms.example.edu/api/lti/courses/1/names_and_roles?page=2');
    assert.equal(nextLink('<?page=3>; title="more"; REL="prev next"', base), 'https://lms.example.edu/api/lti/courses/1/names_and_roles?page=3');
    assert.equal(nextLink('<https://lms.example.edu/d>; rel="differences"', base), undefined);
  });

  it('hides credential-like query parameters in URLs it reports', () => {
    assert.equal(
      shownUrl('https://lms.example.edu/nrps?limit=5&access_token=abc&from=10&api_key=k&sig=s'),
      'https://lms.example.edu/nrps?limit=5&access_token=%5Bhidden%5D&from=10&api_key=%5Bhidden%5D&sig=%5Bhidden%5D',
    );
  });

  it("adds a page size to the memberships URL without dropping the platform's own query", () => {
    assert.equal(firstMembershipsPage('https://lms.example.edu/mod/lti/services.php/2/memberships?type=course'), 'https://lms.example.edu/mod/lti/services.php/2/memberships?type=course&limit=100');
    assert.equal(firstMembershipsPage('https://lms.example.edu/nrps?limit=20'), 'https://lms.example.edu/nrps?limit=20');
  });

  it('reads NRPS members: Active by default, short roles as IRIs, blanks as null, numbers as ids; one row per user over pages', () => {
    const page = (members: unknown[]) => parseMembershipPage({ id: 'x', context: { id: 'c', title: ' Team ' }, members });
    const first = page([{ user_id: 7, roles: ['Learner', 'Learner'], name: ' ', email: 'a@example.edu' }, { user_id: 'u2', roles: ['Instructor'], status: 'Inactive' }]);
    assert.deepEqual(first, {
      context: { title: 'Team' },
      members: [
        { userId: '7', name: null, givenName: null, familyName: null, email: 'a@example.edu', picture: null, roles: [fullRole('Learner')], status: 'Active', sourcedId: null },
        { userId: 'u2', name: null, givenName: null, familyName: null, email: null, picture: null, roles: [fullRole('Instructor')], status: 'Inactive', sourcedId: null },
      ],
    });
    const second = page([{ user_id: 'u2', roles: ['Instructor'] }]);
    assert.deepEqual(
      mergePages([first, second]).map((m) => [m.userId, m.status]),
      [
        ['7', 'Active'],
        ['u2', 'Active'],
      ],
    );
    assert.throws(() => page([{ roles: [] }]));
    assert.throws(() => page([{ user_id: 'u', status: 'Suspended' }]));
    assert.throws(() => parseMembershipPage({ id: 'x' }));
  });

  describe(`against a platform (${BACKEND})`, () => {
    let w: RosterWorld;
    beforeEach(async () => {
      w = await rosterWorld();
    });
    afterEach(async () => {
      await w.close();
    });

    it('never follows a next link to another host with the access token', async () => {
      w.platform.route('GET', /^\/leaky-nrps$/, (_req, res, url) =>
        send(res, 200, { id: url.href, members: [] }, { 'Content-Type': NRPS_MEDIA_TYPE, Link: '<http://127.0.0.2:9/steal>; rel="next"' }),
      );
      await w.launch();
      const course = { ...(await w.course(DEFAULT_CONTEXT.id)), membershipsUrl: `${w.platform.issuer}/leaky-nrps` };
      assert.deepEqual(await syncRoster(w.deps(), course), {
        ok: false,
        reason: `NRPS: the next page http://127.0.0.2:9/steal is on another host than ${w.platform.issuer}`,
      });
    });
  });
});
