/** Which course (xapi-mapping.md): LTI context extension, course URL, registration — in that order. */
import assert from 'node:assert/strict';
import { contextIdOfCourseUrl, courseOfStatement, MOODLE_COURSE_URL_FORM, type CoursePlatform } from '../../src/ingest/course-reference.js';

const LTI_CONTEXT = 'https://purl.imsglobal.org/spec/lti/claim/context';
const COURSE_TYPE = 'https://w3id.org/xapi/cmi5/activitytype/course';
const moodle: CoursePlatform = { issuer: 'https://moodle.example.edu' };

const activity = (id: string, type = COURSE_TYPE) => ({ objectType: 'Activity', id, definition: { type } });

function statement(parts: { objectId?: string; parent?: unknown; grouping?: unknown; category?: unknown; registration?: string; extensions?: Record<string, unknown> }) {
  const contextActivities = {
    ...(parts.parent !== undefined ? { parent: parts.parent } : {}),
    ...(parts.grouping !== undefined ? { grouping: parts.grouping } : {}),
    ...(parts.category !== undefined ? { category: parts.category } : {}),
  };
  return {
    actor: { account: { homePage: 'https://moodle.example.edu', name: '4' } },
    verb: { id: 'http://id.tincanapi.com/verb/viewed' },
    object: activity(parts.objectId ?? 'https://moodle.example.edu/mod/page/view.php?id=3', 'https://w3id.org/xapi/acrossx/activities/page'),
    context: {
      ...(parts.registration ? { registration: parts.registration } : {}),
      ...(parts.extensions ? { extensions: parts.extensions } : {}),
      ...(Object.keys(contextActivities).length ? { contextActivities } : {}),
    },
  };
}

describe('ingest: courseOfStatement', () => {
  describe('1. LTI context extension', () => {
    it('gives the context id', () => {
      assert.deepEqual(courseOfStatement(statement({ extensions: { [LTI_CONTEXT]: { id: 'ctx-42', title: 'Biology' } } }), moodle), { contextId: 'ctx-42', rule: 'lti-context-extension' });
    });

    it('decides even when a course URL says another course', () => {
      const s = statement({ parent: [activity('https://moodle.example.edu/course/view.php?id=2')], extensions: { [LTI_CONTEXT]: { id: 'ctx-42' } } });
      assert.deepEqual(courseOfStatement(s, moodle), { contextId: 'ctx-42', rule: 'lti-context-extension' });
    });

    it('decides when present without a usable id: no course, not another rule\'s guess', () => {
      for (const value of [{}, { id: '' }, { id: { nested: true } }, 'ctx-42', null]) {
        const s = statement({ parent: [activity('https://moodle.example.edu/course/view.php?id=2')], extensions: { [LTI_CONTEXT]: value } });
        assert.equal(courseOfStatement(s, moodle), undefined, JSON.stringify(value));
      }
    });

    it('accepts an integer id as its decimal string', () => {
      assert.deepEqual(courseOfStatement(statement({ extensions: { [LTI_CONTEXT]: { id: 17 } } }), moodle), { contextId: '17', rule: 'lti-context-extension' });
    });
  });

  describe('2. course URL', () => {
    const course2 = 'https://moodle.example.edu/course/view.php?id=2';

    it('in contextActivities.parent, grouping or category, or as the object id', () => {
      const expected = { contextId: '2', rule: 'course-url' };
      assert.deepEqual(courseOfStatement(statement({ parent: [activity(course2)] }), moodle), expected);
      assert.deepEqual(courseOfStatement(statement({ grouping: [activity(course2)] }), moodle), expected);
      assert.deepEqual(courseOfStatement(statement({ category: [activity(course2)] }), moodle), expected);
      assert.deepEqual(courseOfStatement(statement({ objectId: course2 }), moodle), expected);
    });

    it('takes the first in the order parent, grouping, category, object', () => {
      const s = statement({
        objectId: 'https://moodle.example.edu/course/view.php?id=4',
        category: [activity('https://moodle.example.edu/course/view.php?id=3')],
        grouping: [activity('https://moodle.example.edu/course/view.php?id=5')],
        parent: [activity('https://moodle.example.edu/course/section.php?id=9', 'http://id.tincanapi.com/activitytype/section'), activity(course2)],
      });
      assert.deepEqual(courseOfStatement(s, moodle), { contextId: '2', rule: 'course-url' });
    });

    it('accepts a single activity object where an array is expected', () => {
      assert.deepEqual(courseOfStatement(statement({ parent: activity(course2) }), moodle), { contextId: '2', rule: 'course-url' });
    });

    it('does not mind http/https, the host\'s case or a trailing slash of the issuer', () => {
      for (const issuer of ['https://moodle.example.edu', 'https://moodle.example.edu/', 'http://moodle.example.edu', 'HTTPS://Moodle.Example.EDU//']) {
        for (const url of ['http://moodle.example.edu/course/view.php?id=2', 'https://MOODLE.example.edu/course/view.php?id=2', 'https://moodle.example.edu//course/view.php?id=2']) {
          assert.deepEqual(courseOfStatement(statement({ parent: [activity(url)] }), { issuer }), { contextId: '2', rule: 'course-url' }, `${issuer} ${url}`);
        }
      }
    });

    it('works for an issuer with a path (Moodle in a sub-folder)', () => {
      const platform = { issuer: 'https://school.example.edu/moodle/' };
      assert.deepEqual(courseOfStatement(statement({ parent: [activity('https://school.example.edu/moodle/course/view.php?id=12')] }), platform), { contextId: '12', rule: 'course-url' });
      assert.equal(courseOfStatement(statement({ parent: [activity('https://school.example.edu/course/view.php?id=12')] }), platform), undefined);
    });

    it('ignores course URLs of another host, other pages and a different query', () => {
      for (const url of [
        'https://other.example.edu/course/view.php?id=2',
        'https://moodle.example.edu/course/section.php?id=2',
        'https://moodle.example.edu',
        'https://moodle.example.edu/course/view.php?id=',
        'https://moodle.example.edu/course/view.php?id=2&section=1',
        'https://moodle.example.edu.evil.example/course/view.php?id=2',
      ]) {
        assert.equal(courseOfStatement(statement({ parent: [activity(url)], objectId: 'https://moodle.example.edu/mod/page/view.php?id=3' }), moodle), undefined, url);
      }
    });

    it('uses the platform\'s own forms instead of Moodle\'s when it has them', () => {
      const canvas: CoursePlatform = { issuer: 'https://canvas.instructure.com', courseUrlForms: ['https://canvas.example.edu/courses/{id}'] };
      assert.deepEqual(courseOfStatement(statement({ parent: [activity('https://canvas.example.edu/courses/565')] }), canvas), { contextId: '565', rule: 'course-url' });
      assert.equal(courseOfStatement(statement({ parent: [activity('https://canvas.instructure.com/course/view.php?id=2')] }), canvas), undefined);
      const both: CoursePlatform = { ...canvas, courseUrlForms: ['https://canvas.example.edu/courses/{id}', MOODLE_COURSE_URL_FORM] };
      assert.deepEqual(courseOfStatement(statement({ parent: [activity('https://canvas.instructure.com/course/view.php?id=2')] }), both), { contextId: '2', rule: 'course-url' });
    });

    it('decodes a percent-encoded id', () => {
      assert.equal(contextIdOfCourseUrl('https://moodle.example.edu/course/view.php?id=a%20b', moodle), 'a b');
    });
  });

  describe('3. registration', () => {
    const brightspace: CoursePlatform = { issuer: 'https://school.brightspace.com', registrationKeys: { 'A1B2C3D4-0000-4000-8000-0000000000AA': 'ctx-bio-101' } };

    it('matches a configured course key, case-insensitively', () => {
      const s = statement({ objectId: 'urn:uuid:4f1a0000-0000-4000-8000-000000000001', registration: 'a1b2c3d4-0000-4000-8000-0000000000aa' });
      assert.deepEqual(courseOfStatement(s, brightspace), { contextId: 'ctx-bio-101', rule: 'registration' });
    });

    it('comes after the course URL', () => {
      const s = statement({ parent: [activity('https://school.brightspace.com/course/view.php?id=7')], registration: 'a1b2c3d4-0000-4000-8000-0000000000aa' });
      assert.deepEqual(courseOfStatement(s, brightspace), { contextId: '7', rule: 'course-url' });
    });

    it('gives nothing for an unknown registration or a platform without keys', () => {
      assert.equal(courseOfStatement(statement({ objectId: 'urn:x', registration: 'ffffffff-0000-4000-8000-000000000000' }), brightspace), undefined);
      assert.equal(courseOfStatement(statement({ objectId: 'urn:x', registration: 'a1b2c3d4-0000-4000-8000-0000000000aa' }), moodle), undefined);
    });
  });

  it('gives undefined, never throws, for anything else', () => {
    for (const input of [null, undefined, 'x', 42, [], {}, { context: 'x' }, { context: { contextActivities: { parent: 'x' } } }, { object: { id: 5 } }]) {
      assert.equal(courseOfStatement(input, moodle), undefined);
    }
  });

  it('a Moodle login (site only, no course in it) has no course', () => {
    const login = {
      actor: { account: { homePage: 'https://moodle.example.edu', name: '4' } },
      verb: { id: 'https://xapi.edlm/profiles/edlm-lms/concepts/verbs/login' },
      object: activity('https://moodle.example.edu', 'http://id.tincanapi.com/activitytype/lms'),
      context: { registration: 'e7758a00-a9ea-52ea-a830-685f487367ba' },
    };
    assert.equal(courseOfStatement(login, moodle), undefined);
  });
});
