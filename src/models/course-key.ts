/** The key of a course, and the start of every course-scoped row's key: one LTI context on one platform. */
export interface CourseKey {
  /** The ltijs platform id (kid) of the registration. */
  platformId: string;
  contextId: string;
}
