/**
 * The pages of LTI Dynamic Registration. The LMS shows them to its administrator in a frame, a
 * modal or a new tab; the success page also tells the LMS that the tool is done.
 */
import { escapeHtml, page } from './launch-pages.js';
import type { ProductFamily } from './tool-configuration.js';

/** What the administrator reads after a registration CoursePulse saved. */
export interface RegisteredPlatform {
  id: string;
  name: string;
  issuer: string;
  clientId: string;
  /** The LMS's deployment id, when its registration response gave one (Canvas's does not). */
  deploymentId: string | null;
  active: boolean;
  family: ProductFamily;
}

/**
 * The message LTI DR 1.0 §3.6 has the tool send when it is done (to the opener tab or the parent
 * frame), from a file: the strict CSP allows no inline script.
 */
export const CLOSE_SCRIPT = '<script src="/static/registration-done.js"></script>';

/** What is left to do in the LMS, where its registration needs a step after ours. */
const NEXT_STEP: Readonly<Partial<Record<ProductFamily, string>>> = {
  canvas:
    'Canvas now shows what CoursePulse asked for. Keep the Names and Role Provisioning service and the Course Navigation placement, and make sure the developer key is on.',
  moodle: 'Moodle lists CoursePulse under Manage tools; activate it there if it shows as pending.',
  brightspace:
    'Brightspace leaves a new registration disabled: enable it, then create a deployment (with Names and Role Provisioning) and a link for your courses.',
};

export function registeredPage(p: RegisteredPlatform): string {
  const activation = p.active
    ? '<p>Instructors can open CoursePulse from their courses now.</p>'
    : `<p><strong>A CoursePulse administrator must activate this platform before anyone can launch it</strong>: <code>coursepulse platform activate ${escapeHtml(p.id)}</code>, or the admin API.</p>`;
  const next = NEXT_STEP[p.family];
  const deployment = p.deploymentId ?? 'not given by the LMS (CoursePulse records it from the first launch)';
  return page(
    'CoursePulse is registered',
    `<p>Registration is done: CoursePulse is registered with ${escapeHtml(p.name)}.</p>${activation}` +
      (next ? `<p>${escapeHtml(next)}</p>` : '') +
      '<dl>' +
      `<dt>Platform</dt><dd><code>${escapeHtml(p.id)}</code></dd>` +
      `<dt>Issuer</dt><dd><code>${escapeHtml(p.issuer)}</code></dd>` +
      `<dt>Client ID</dt><dd><code>${escapeHtml(p.clientId)}</code></dd>` +
      `<dt>Deployment ID</dt><dd>${p.deploymentId ? `<code>${escapeHtml(deployment)}</code>` : escapeHtml(deployment)}</dd>` +
      '</dl><p>You can close this window.</p>' +
      CLOSE_SCRIPT,
  );
}

/** The LMS's own answer, shown as it came (escaped, cut at 4000 characters). */
export interface LmsAnswer {
  status: number;
  body: string;
}

const MAX_SHOWN = 4000;

function showBody(body: string): string {
  let text = body.trim();
  try {
    text = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // Not JSON: shown as text.
  }
  if (text.length > MAX_SHOWN) text = `${text.slice(0, MAX_SHOWN)}\n… (${text.length - MAX_SHOWN} more characters)`;
  return text || '(empty)';
}

/** A registration that did not happen: what went wrong, what to do, and the LMS's answer if any. */
export function registrationProblemPage(title: string, explanation: string, answer?: LmsAnswer): string {
  const shown = answer
    ? `<p>The LMS answered HTTP ${answer.status}:</p><pre>${escapeHtml(showBody(answer.body))}</pre>`
    : '';
  return page(title, `<p>${escapeHtml(explanation)}</p>${shown}<p>Nothing was registered in CoursePulse.</p>`);
}

/** Re-registration of an issuer and client id CoursePulse has already: nothing is changed. */
export function alreadyRegisteredPage(p: { id: string; name: string; issuer: string; clientId: string; active: boolean }): string {
  return page(
    'This registration exists already',
    `<p>CoursePulse already has a platform for issuer <code>${escapeHtml(p.issuer)}</code> with client ID <code>${escapeHtml(p.clientId)}</code>: ` +
      `${escapeHtml(p.name)} (<code>${escapeHtml(p.id)}</code>, ${p.active ? 'active' : 'not activated'}).</p>` +
      '<p>Nothing was changed: a registration never replaces a platform CoursePulse has, nor its data. ' +
      'To register CoursePulse again, start a new registration in the LMS (it gives a new client ID); the LMS registration made just now can be deleted there.</p>',
  );
}
