// @ts-check
// Scenarios register here when their module is imported; run.mjs imports them all, then runs them.

/**
 * What a scenario gets besides the page: where its workspace and VS Code's files are, and ways
 * to leave evidence.
 * @typedef {object} ScenarioContext
 * @property {string} workspace   the fixture's fresh copy, open in the workbench
 * @property {string} userDataDir code-server's user-data dir (logs/ holds the extension host's logs)
 * @property {NodeJS.ProcessEnv} env  the environment code-server runs with (its HOME, XDG_* and TMPDIR): a
 *   process started with it finds what the editor registered, as an agent on the same machine would
 * @property {number} navigatedAt when the browser was sent to the workbench (ms since the epoch)
 * @property {(name: string) => Promise<string>} shot  screenshot into .test-output/e2e/<scenario>/
 * @property {(text: string) => void} note  a line printed under the scenario's result, e.g. a timing
 */

/**
 * @typedef {object} ScenarioOptions
 * @property {string} [fixture]   folder under test/e2e/fixtures/ to open (default "basic")
 * @property {object} [settings]  user settings on top of the harness's own
 * @property {number} [timeoutMs] for the whole scenario, start-up included (default 120 s)
 * @property {() => string | undefined} [skipReason]  why the scenario cannot run yet (e.g. a part
 *   of the extension it needs is missing from the checkout), or undefined to run it; a skipped
 *   scenario is reported as such, never as passed
 */

/**
 * @typedef {object} Scenario
 * @property {string} name
 * @property {(page: import('playwright-core').Page, ctx: ScenarioContext) => Promise<void>} body
 * @property {Required<ScenarioOptions>} options
 */

/** @type {Scenario[]} */
export const scenarios = [];

/**
 * Declares a scenario. Each runs in its own code-server, workspace copy and browser context, so
 * none depends on what another left behind.
 * @param {string} name
 * @param {Scenario['body']} body
 * @param {ScenarioOptions} [options]
 */
export function scenario(name, body, options = {}) {
  scenarios.push({ name, body, options: { fixture: 'basic', settings: {}, timeoutMs: 120_000, skipReason: () => undefined, ...options } });
}
