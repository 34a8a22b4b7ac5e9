/**
 * Real-browser tests: one headless Chromium per test file, started by playwright-core from the
 * machine's own Chromium (Debian's `chromium` package, or CHROMIUM_PATH), a fresh context — no
 * cookies, no storage — per test, full-page screenshots under `test-artifacts/screenshots/`, and
 * every console error and uncaught script error of the test's pages failing that test.
 *
 *     describe('…', () => {
 *       const browser = useBrowser();
 *       browser.it('shows the overview', async ({ page, screenshot }) => { … });
 *     });
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SCREENSHOT_DIR = path.join(ROOT, 'test-artifacts', 'screenshots');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  // Containers and CI runners give no user namespaces for Chromium's sandbox, and no GPU.
  '--no-sandbox',
  '--disable-gpu',
  // Chromium otherwise calls home (updates, field trials, sync, QUIC probes) at start; on a machine
  // with a closed network those connections are refused and the refusals reach the tests' pages.
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Playwright's waits give up before mocha's 60 s, so a failure names what it waited for. */
const WAIT_MS = 15_000;

/** Throws, saying how to get one, when there is no Chromium to start. */
export function requireChromium(): void {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: install Debian's chromium: apt-get install chromium, or set CHROMIUM_PATH`);
  }
}

/** Starts headless Chromium. */
export async function launchChromium(): Promise<Browser> {
  requireChromium();
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** What a browser test's body gets. */
export interface BrowserTest {
  /** A page of the test's own context. */
  page: Page;
  context: BrowserContext;
  /** Saves a full-page screenshot of `page` (default: the test's page) as `<name>.png`; its path. */
  screenshot(name: string, page?: Page): Promise<string>;
  /**
   * A console error the test expects (Chromium logs the 403 of a refused page as one): it must
   * occur, and is then not counted against the test.
   */
  expectConsoleError(pattern: RegExp): void;
}

export interface BrowserTests {
  /** mocha's `it` for a browser test: a fresh context, and no console or page errors at the end. */
  it(title: string, body: (b: BrowserTest) => Promise<void>): Mocha.Test;
  /** The file's Chromium (started by the suite's `before`). */
  browser(): Promise<Browser>;
}

/** The name of a test file's screenshot folder: `test/browser/launch.browser.test.ts` → `launch.browser`. */
export function screenshotFolder(testFile: string): string {
  return path.basename(testFile).replace(/\.test\.ts$/, '');
}

/**
 * Registers, in the current `describe`, one Chromium for the whole file (closed after it) and
 * returns the `it` of its tests. Chromium starts without being awaited in `before`, so it comes up
 * while the suite's next `before` builds the world; the first test waits for it.
 */
export function useBrowser(): BrowserTests {
  let started: Promise<Browser> | undefined;

  before(() => {
    // Checked here, synchronously: a missing Chromium fails the suite's hook with the hint.
    requireChromium();
    started = launchChromium();
    // Not awaited here; a failure to start is reported by the tests that wait for it.
    started.catch(() => undefined);
  });
  after(async () => {
    if (started) await (await started.catch(() => undefined))?.close();
  });

  const browser = (): Promise<Browser> => {
    assert.ok(started, 'useBrowser() must be called inside a describe, before its tests run');
    return started;
  };

  return {
    browser,
    it(title, body) {
      return it(title, async function (this: Mocha.Context) {
        const context = await (await browser()).newContext();
        context.setDefaultTimeout(WAIT_MS);
        const errors: string[] = [];
        const watch = (page: Page) => {
          page.on('console', (message) => {
            if (message.type() === 'error') errors.push(`console error: ${message.text()} (${message.location().url || page.url()})`);
          });
          page.on('pageerror', (error) => errors.push(`page error: ${error.message} (${page.url()})`));
        };
        // Pages the test's page opens (a new window, a popup) are watched too.
        context.on('page', watch);
        const expected: RegExp[] = [];
        const folder = path.join(SCREENSHOT_DIR, screenshotFolder(this.test?.file ?? 'unknown'));
        try {
          const page = await context.newPage();
          await body({
            page,
            context,
            async screenshot(name, which = page) {
              fs.mkdirSync(folder, { recursive: true });
              const file = path.join(folder, `${name}.png`);
              await which.screenshot({ path: file, fullPage: true });
              return file;
            },
            expectConsoleError: (pattern) => void expected.push(pattern),
          });
          const unexpected = errors.filter((error) => !expected.some((pattern) => pattern.test(error)));
          const missing = expected.filter((pattern) => !errors.some((error) => pattern.test(error))).map(String);
          assert.deepEqual({ unexpected, missing }, { unexpected: [], missing: [] }, 'the pages logged errors, or not the ones expected');
        } catch (err) {
          // A failing step often follows from a script error: say both.
          if (err instanceof Error && errors.length > 0 && !err.message.includes(errors[0]!)) {
            err.message += `\n\nerrors the test's pages logged:\n${errors.join('\n')}`;
          }
          throw err;
        } finally {
          await context.close();
        }
      });
    },
  };
}
