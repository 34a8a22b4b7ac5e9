/** The small pages of the launch flow itself (the reports have their own views). */

/** Escapes text for HTML content and attribute values. */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A small complete page: `title` is escaped, `body` is HTML. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · CoursePulse</title><link rel="icon" href="/static/logo.svg" type="image/svg+xml"><link rel="stylesheet" href="/static/app.css"></head>
<body><main class="notice"><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
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

/** Plain words for ltijs's reasons to refuse a launch (its `details.message`). */
const REFUSALS: Record<string, string> = {
  TOKEN_TOO_OLD: 'The launch took too long to arrive, or the LMS’s clock is off. Open CoursePulse again from the course menu.',
  NONCE_ALREADY_RECEIVED: 'This launch was used already (for instance by going back in the browser). Open CoursePulse again from the course menu.',
  UNREGISTERED_PLATFORM: 'The launch came from an LMS registration CoursePulse does not know. An LMS administrator registers it first.',
  IDTOKEN_NOT_FOUND_DB: 'Your CoursePulse session has ended. Open CoursePulse again from the course menu.',
  CONTEXTTOKEN_NOT_FOUND_DB: 'Your CoursePulse session has ended. Open CoursePulse again from the course menu.',
  'jwt expired': 'The launch from your LMS had expired when it arrived. Open CoursePulse again from the course menu.',
  NO_DEPLOYMENT_ID_CLAIM:
    'The LMS did not say which deployment of CoursePulse this launch is for. An LMS administrator should check the CoursePulse tool’s deployment.',
  NO_ROLES_CLAIM: 'The LMS did not send your role in the course, so CoursePulse cannot tell whether you teach it. An LMS administrator should let the tool receive roles.',
  PLATFORM_NOT_ACTIVATED: 'This LMS is registered with CoursePulse but not activated yet. A CoursePulse administrator activates it.',
  'invalid signature':
    'The launch could not be verified with the LMS’s keys. An LMS administrator should check the key set URL of the CoursePulse registration.',
};

/** A refused launch, in words, with the reason code for whoever helps the user. */
export function refusedLaunchPage(reason: string): string {
  const words = REFUSALS[reason] ?? 'The launch from your LMS could not be verified. Open CoursePulse again from the course menu.';
  return page('CoursePulse could not open', `<p>${escapeHtml(words)}</p><p class="muted">Reason: <code>${escapeHtml(reason)}</code></p>`);
}

/**
 * The browser refused the login cookie inside the LMS frame. `relaunch` repeats the login
 * top-level; without it (the login expired) the user opens CoursePulse again.
 */
export function cookieBlockedPage(relaunch: string | undefined): string {
  const action = relaunch
    ? `<p><a class="button" href="${escapeHtml(relaunch)}" target="_blank" rel="opener">Open CoursePulse in a new window</a></p>`
    : '<p>Open CoursePulse again from the course menu, then use the button that appears here, or ask your LMS administrator to set CoursePulse to open in a new window.</p>';
  return page(
    'Your browser blocked CoursePulse inside the LMS',
    `<p>Your browser does not let CoursePulse keep its sign-in cookie while it is shown inside the LMS page (Safari does this, and so do other browsers that block third-party cookies). CoursePulse works when it opens in a window of its own.</p>${action}`,
  );
}
