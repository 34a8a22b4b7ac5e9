/**
 * LTI roles: who may read the reports and who counts as a student. Platforms send LIS role
 * IRIs (LTI 1.3), short names (`Instructor`, as Moodle's NRPS does) and now and then LTI 1.1
 * URNs; all three spellings are understood.
 */

export type StaffRole = 'Instructor' | 'TeachingAssistant' | 'ContentDeveloper' | 'Administrator';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/';

/** Each accepted spelling of a role that may read the reports, and what it means. */
const STAFF: ReadonlyMap<string, StaffRole> = new Map([
  [`${LIS}membership#Instructor`, 'Instructor'],
  ['Instructor', 'Instructor'],
  ['urn:lti:role:ims/lis/Instructor', 'Instructor'],
  [`${LIS}membership/Instructor#TeachingAssistant`, 'TeachingAssistant'],
  [`${LIS}membership#TeachingAssistant`, 'TeachingAssistant'],
  ['TeachingAssistant', 'TeachingAssistant'],
  ['urn:lti:role:ims/lis/TeachingAssistant', 'TeachingAssistant'],
  ['urn:lti:role:ims/lis/Instructor/TeachingAssistant', 'TeachingAssistant'],
  [`${LIS}membership#ContentDeveloper`, 'ContentDeveloper'],
  ['ContentDeveloper', 'ContentDeveloper'],
  ['urn:lti:role:ims/lis/ContentDeveloper', 'ContentDeveloper'],
  // Institution and system administrators, who may open a course they are not enrolled in.
  [`${LIS}institution/person#Administrator`, 'Administrator'],
  [`${LIS}system/person#Administrator`, 'Administrator'],
  [`${LIS}system/person#SysAdmin`, 'Administrator'],
  ['urn:lti:instrole:ims/lis/Administrator', 'Administrator'],
  ['urn:lti:sysrole:ims/lis/Administrator', 'Administrator'],
  ['urn:lti:sysrole:ims/lis/SysAdmin', 'Administrator'],
]);

const LEARNER = new Set([`${LIS}membership#Learner`, 'Learner', 'urn:lti:role:ims/lis/Learner']);

/** The staff roles among `roles`, in a stable order, without repeats. */
export function staffRoles(roles: readonly string[] = []): StaffRole[] {
  const found = new Set<StaffRole>();
  for (const role of roles) {
    const staff = STAFF.get(role.trim());
    if (staff) found.add(staff);
  }
  return (['Instructor', 'TeachingAssistant', 'ContentDeveloper', 'Administrator'] as const).filter((r) => found.has(r));
}

/** May read the course's reports: an instructor, TA, content developer or institution/system admin. */
export function isStaff(roles: readonly string[] = []): boolean {
  return staffRoles(roles).length > 0;
}

/**
 * Counts as a student of the course (activity-reports.md): the Learner role (a sub-role such as
 * `membership/Learner#…` included) and no staff role — an instructor is never listed as a student.
 */
export function isLearner(roles: readonly string[] = []): boolean {
  if (isStaff(roles)) return false;
  return roles.some((role) => LEARNER.has(role.trim()) || role.trim().startsWith(`${LIS}membership/Learner#`));
}
