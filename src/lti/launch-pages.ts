/** The small pages of the launch flow itself (the reports have their own views). */

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · CoursePulse</title><link rel="stylesheet" href="/static/app.css"></head>
<body><main class="notice"><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

/** Shown after a successful launch until the course reports exist. */
export function launchedPage(courseTitle: string): string {
  return page(
    'CoursePulse is connected',
    `<p>CoursePulse is connected to <strong>${escapeHtml(courseTitle)}</strong>. Activity reports for this course appear here once activity reaches CoursePulse.</p>`,
  );
}

export function platformProblemPage(title: string, explanation: string): string {
  return page(title, `<p>${escapeHtml(explanation)}</p>`);
}

/** A launch by someone who is not a teacher of the course: no course data, a plain reason. */
export function forbiddenPage(): string {
  return page(
    'This report is for the course’s teachers',
    '<p>CoursePulse shows activity reports to the instructors and teaching assistants of a course. Your role in this course does not include them. If you think it should, ask your instructor or LMS administrator.</p>',
  );
}

/** A launch that carries no course (for instance from an LMS's admin area). */
export function noCoursePage(): string {
  return page(
    'Open CoursePulse from a course',
    '<p>This launch did not say which course it came from. Open CoursePulse from the menu of the course whose activity you want to see.</p>',
  );
}
