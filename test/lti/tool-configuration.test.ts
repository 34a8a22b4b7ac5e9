import assert from 'node:assert/strict';
import fs from 'node:fs';
import { LTI_MOUNT, LTI_ROUTES } from '../../src/lti/provider.js';
import {
  PLACEHOLDER_PUBLIC_URL,
  SCOPES,
  canvasDeveloperKey,
  canvasDeveloperKeyJson,
  productFamily,
  publicUrlProblem,
  registrationRequest,
  requestedScopes,
  toolUrls,
} from '../../src/lti/tool-configuration.js';

const TOOL_CONFIGURATION = 'https://purl.imsglobal.org/spec/lti-tool-configuration';

describe('what CoursePulse tells an LMS about itself (tool-configuration.ts)', () => {
  it('the committed lti-config.json is the builder’s output for the placeholder URL', () => {
    const committed = fs.readFileSync(new URL('../../lti-config.json', import.meta.url), 'utf8');
    assert.equal(committed, canvasDeveloperKeyJson(PLACEHOLDER_PUBLIC_URL), 'regenerate it: npx coursepulse lti-config --url https://coursepulse.example.edu > lti-config.json');
  });

  it('names the routes provider.ts mounts, and the logo the app serves', () => {
    const base = 'https://pulse.example.edu';
    assert.deepEqual(toolUrls(`${base}/`), {
      login: `${base}${LTI_MOUNT}${LTI_ROUTES.login}`,
      launch: `${base}${LTI_MOUNT}${LTI_ROUTES.launch}`,
      keys: `${base}${LTI_MOUNT}${LTI_ROUTES.keys}`,
      register: `${base}${LTI_MOUNT}${LTI_ROUTES.register}`,
      logo: `${base}/static/logo.svg`,
      domain: 'pulse.example.edu',
    });
  });

  it('gives the domain with its port only when the port is not the default', () => {
    assert.equal(toolUrls('https://pulse.example.edu:443').domain, 'pulse.example.edu');
    assert.equal(toolUrls('https://pulse.example.edu:8443').domain, 'pulse.example.edu:8443');
    assert.equal(toolUrls('http://localhost:3000').domain, 'localhost:3000');
    assert.equal(toolUrls('https://example.edu/coursepulse').launch, 'https://example.edu/coursepulse/lti/launch');
  });

  it('refuses what cannot be a PUBLIC_URL', () => {
    assert.equal(publicUrlProblem('https://x.example.edu'), undefined);
    assert.equal(publicUrlProblem('x.example.edu'), 'is not a URL');
    assert.equal(publicUrlProblem('ftp://x.example.edu'), 'must start with http:// or https://');
    assert.equal(publicUrlProblem('https://x.example.edu/?a=1'), 'must not have a query or a fragment');
    assert.throws(() => canvasDeveloperKey('x.example.edu'), /PUBLIC_URL "x.example.edu" is not a URL/);
  });

  it('knows the LMS by its product family code', () => {
    const codes = { canvas: 'canvas', Moodle: 'moodle', desire2learn: 'brightspace', BlackboardLearn: 'blackboard', itslearning: 'itslearning', sakai: 'other', '': 'other' };
    for (const [code, family] of Object.entries(codes)) assert.equal(productFamily(code), family, code);
    assert.equal(productFamily(undefined), 'other');
  });

  it('asks for the roster and groups scopes the platform offers, both when it lists none', () => {
    assert.deepEqual(requestedScopes(undefined), [SCOPES.namesRoles, SCOPES.courseGroups]);
    assert.deepEqual(requestedScopes([SCOPES.namesRoles, 'https://purl.imsglobal.org/spec/lti-ags/scope/score']), [SCOPES.namesRoles]);
    assert.deepEqual(requestedScopes([SCOPES.courseGroups, SCOPES.namesRoles]), [SCOPES.namesRoles, SCOPES.courseGroups]);
    assert.deepEqual(requestedScopes([]), []);
  });

  it('adds Canvas’s placement, privacy level and custom fields only for Canvas', () => {
    const canvas = registrationRequest('https://pulse.example.edu', { productFamilyCode: 'canvas' })[TOOL_CONFIGURATION];
    const moodle = registrationRequest('https://pulse.example.edu', { productFamilyCode: 'moodle' })[TOOL_CONFIGURATION];
    assert.deepEqual(canvas.messages[0]!.placements, ['course_navigation']);
    assert.equal(canvas.messages[0]!['https://canvas.instructure.com/lti/visibility'], 'admins');
    assert.equal(canvas['https://canvas.instructure.com/lti/privacy_level'], 'public');
    assert.equal(canvas.custom_parameters?.course_group_ids, '$com.instructure.Course.groupIds');
    assert.equal(moodle.messages[0]!.placements, undefined);
    assert.equal(moodle.custom_parameters, undefined);
    assert.equal(JSON.stringify(moodle).includes('canvas.instructure.com'), false);
  });

  it('opens Canvas’s link in a new window when asked', () => {
    const iframe = canvasDeveloperKey('https://pulse.example.edu');
    const newWindow = canvasDeveloperKey('https://pulse.example.edu', { newWindow: true });
    assert.equal(iframe.extensions[0]!.settings.placements[0]!.windowTarget, undefined);
    assert.deepEqual(newWindow.extensions[0]!.settings.placements[0], { ...iframe.extensions[0]!.settings.placements[0], windowTarget: '_blank' });
    const dr = registrationRequest('https://pulse.example.edu', { productFamilyCode: 'canvas' }, { newWindow: true });
    assert.equal(dr[TOOL_CONFIGURATION].messages[0]!['https://canvas.instructure.com/lti/display_type'], 'new_window');
  });
});
