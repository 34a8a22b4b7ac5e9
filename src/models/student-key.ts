/** The key of one student's derived figures in one course: student_visits and student_days rows start with it. */
export interface StudentKey {
  platformId: string;
  contextId: string;
  userId: string;
}

/** `keys` without repeats, in a fixed order (platform, course, user). */
export function uniqueStudentKeys(keys: Iterable<StudentKey>): StudentKey[] {
  const seen = new Map<string, StudentKey>();
  for (const key of keys) seen.set(JSON.stringify([key.platformId, key.contextId, key.userId]), key);
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, key]) => key);
}
