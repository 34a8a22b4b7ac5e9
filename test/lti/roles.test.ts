import assert from 'node:assert/strict';
import { isLearner, isStaff, staffRoles } from '../../src/lti/roles.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/';

describe('LTI roles', () => {
  it('lets in instructors, TAs, content developers and institution or system admins, in every spelling', () => {
    const cases: Array<[string[], string[]]> = [
      [[`${LIS}membership#Instructor`], ['Instructor']],
      [['Instructor'], ['Instructor']],
      [['urn:lti:role:ims/lis/Instructor'], ['Instructor']],
      [[`${LIS}membership/Instructor#TeachingAssistant`], ['TeachingAssistant']],
      [[`${LIS}membership#TeachingAssistant`], ['TeachingAssistant']],
      [['TeachingAssistant'], ['TeachingAssistant']],
      [[`${LIS}membership#ContentDeveloper`], ['ContentDeveloper']],
      [[`${LIS}institution/person#Administrator`], ['Administrator']],
      [[`${LIS}system/person#Administrator`], ['Administrator']],
      [[`${LIS}system/person#SysAdmin`, `${LIS}system/person#User`], ['Administrator']],
      [[`${LIS}membership#Instructor`, `${LIS}institution/person#Administrator`, 'Instructor'], ['Instructor', 'Administrator']],
    ];
    for (const [roles, expected] of cases) {
      assert.deepEqual(staffRoles(roles), expected, roles.join(' '));
      assert.equal(isStaff(roles), true);
    }
  });

  it('keeps out learners, mentors, other roles and launches without roles', () => {
    for (const roles of [
      [`${LIS}membership#Learner`],
      ['Learner'],
      [`${LIS}membership#Mentor`],
      ['Mentor'],
      [`${LIS}institution/person#Student`],
      [`${LIS}system/person#User`],
      [`${LIS}membership#Administrator`.replace('Administrator', 'Member')],
      ['http://example.com/roles#Instructor'],
      ['instructor'],
      [],
    ]) {
      assert.equal(isStaff(roles), false, roles.join(' '));
    }
    assert.equal(isStaff(undefined), false);
  });

  it('counts learners as students, but never a member who is staff too', () => {
    assert.equal(isLearner([`${LIS}membership#Learner`]), true);
    assert.equal(isLearner(['Learner']), true);
    assert.equal(isLearner([`${LIS}membership/Learner#NonCreditLearner`]), true);
    assert.equal(isLearner([`${LIS}membership#Learner`, `${LIS}membership#Instructor`]), false);
    assert.equal(isLearner([`${LIS}membership#Mentor`]), false);
    assert.equal(isLearner([]), false);
  });
});
