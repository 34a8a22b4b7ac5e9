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
