/** Members for roster tests: the launching instructor and numbered students with every NRPS field. */
import type { NrpsMember } from './test-platform-groups.js';
import { ROLES } from './test-platform.js';

/** The instructor the test platform launches by default (`instructor-1`), as its NRPS lists them. */
export const instructor: NrpsMember = {
  user_id: 'instructor-1',
  roles: [ROLES.instructor],
  status: 'Active',
  name: 'Ada Lovelace',
  email: 'ada@example.edu',
};

/** `count` students from `student-<from>` on; every third without a status (Active by default). */
export function students(count: number, from = 1): NrpsMember[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(from + i).padStart(3, '0');
    return {
      user_id: `student-${n}`,
      roles: [ROLES.learner],
      ...((from + i) % 3 === 0 ? {} : { status: 'Active' as const }),
      name: `Student ${n}`,
      given_name: 'Student',
      family_name: n,
      email: `student-${n}@example.edu`,
      picture: `https://lms.example.edu/pictures/${n}.png`,
      lis_person_sourcedid: `SIS-${n}`,
    };
  });
}
