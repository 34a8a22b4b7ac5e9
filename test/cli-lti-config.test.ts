import assert from 'node:assert/strict';
import { main } from '../src/cli/coursepulse.js';
import { canvasDeveloperKey } from '../src/lti/tool-configuration.js';

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s), env, cwd: '/' });
  return { code, out, err };
}

describe('coursepulse lti-config', () => {
  it('prints the Canvas developer key JSON with the given URL, needing no server and no token', async () => {
    const result = await run(['lti-config', '--url', 'https://x.example.edu']);
    assert.equal(result.code, 0, result.err);
    assert.equal(result.err, '');
    const json = JSON.parse(result.out) as ReturnType<typeof canvasDeveloperKey>;
    assert.deepEqual(json, canvasDeveloperKey('https://x.example.edu'));
    assert.equal(json.oidc_initiation_url, 'https://x.example.edu/lti/login');
    assert.equal(json.target_link_uri, 'https://x.example.edu/lti/launch');
    assert.equal(json.public_jwk_url, 'https://x.example.edu/lti/keys');
    assert.equal(json.extensions[0]!.domain, 'x.example.edu');
    const placement = json.extensions[0]!.settings.placements[0]!;
    assert.deepEqual(
      { placement: placement.placement, visibility: placement.visibility, target: placement.target_link_uri, windowTarget: placement.windowTarget },
      { placement: 'course_navigation', visibility: 'admins', target: 'https://x.example.edu/lti/launch', windowTarget: undefined },
    );
    assert.ok(!result.out.includes('coursepulse.example.edu'), 'no placeholder URL is left');
  });

  it('--new-window makes the placement open in a new tab; PUBLIC_URL stands in for --url', async () => {
    const result = await run(['lti-config', '--new-window'], { PUBLIC_URL: 'https://y.example.edu:8443/' });
    assert.equal(result.code, 0, result.err);
    const json = JSON.parse(result.out) as ReturnType<typeof canvasDeveloperKey>;
    assert.equal(json.extensions[0]!.settings.placements[0]!.windowTarget, '_blank');
    assert.equal(json.extensions[0]!.domain, 'y.example.edu:8443');
    assert.equal(json.target_link_uri, 'https://y.example.edu:8443/lti/launch');
  });

  it('says what is wrong with a missing or bad URL, and exits 2', async () => {
    const cases: Array<[string[], string]> = [
      [['lti-config'], 'coursepulse: lti-config needs --url, the PUBLIC_URL the LMS reaches CoursePulse at (e.g. https://coursepulse.example.edu)'],
      [['lti-config', '--url', 'x.example.edu'], 'coursepulse: --url x.example.edu is not a URL'],
      [['lti-config', '--url', 'https://x.example.edu/?a=b'], 'coursepulse: --url https://x.example.edu/?a=b must not have a query or a fragment'],
      [['lti-config', 'extra', '--url', 'https://x.example.edu'], 'coursepulse: lti-config takes no arguments (got "extra")'],
    ];
    for (const [argv, first] of cases) {
      const result = await run(argv);
      assert.equal(result.code, 2, argv.join(' '));
      assert.equal(result.out, '');
      assert.equal(result.err.split('\n')[0], first);
    }
  });

  it('is in the usage text', async () => {
    const help = await run(['help']);
    assert.match(help.out, /^ {2}lti-config --url PUBLIC_URL \[--new-window\]$/m);
  });
});
