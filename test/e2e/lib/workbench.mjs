// @ts-check
// Helpers that drive the VS Code workbench the way a person does: command palette, status bar,
// terminal, webviews, output channels. Every wait is bounded and says what it waited for.

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('playwright-core').Frame} Frame */
/** @typedef {import('playwright-core').Locator} Locator */

/**
 * Polls until `probe` returns something truthy (and returns it), or throws after `timeoutMs`.
 * A probe that throws fails the wait at once.
 * @template T
 * @param {() => T | Promise<T>} probe
 * @param {{ timeoutMs?: number, intervalMs?: number, what: string }} options
 * @returns {Promise<NonNullable<T>>}
 */
export async function waitFor(probe, { timeoutMs = 30_000, intervalMs = 100, what }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return /** @type {NonNullable<T>} */ (value);
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Waits until the workbench has drawn its parts and the folder is open in the explorer.
 * @param {Page} page @param {string} folderName @param {number} [timeoutMs]
 */
export async function waitForWorkbench(page, folderName, timeoutMs = 60_000) {
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  // A single-folder workspace shows the folder's name as the explorer's section header, then
  // its files as rows once the remote file system has answered.
  await page
    .locator('.part.sidebar .pane-header .title', { hasText: new RegExp(`^${escapeRegExp(folderName)}$`, 'i') })
    .first()
    .waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/**
 * Runs a command from the command palette by its title as shown there, e.g. "Output: Show Output Channels...".
 * @param {Page} page @param {string} title @param {number} [timeoutMs]
 */
export async function runCommand(page, title, timeoutMs = 15_000) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(`>${title}`);
  await pickQuickItem(page, title, timeoutMs);
}

/**
 * Chooses the entry with exactly this label in the open quick pick (palette or a command's own list).
 * @param {Page} page @param {string} label @param {number} [timeoutMs]
 */
export async function pickQuickItem(page, label, timeoutMs = 15_000) {
  const row = page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) })
    .first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  await row.click();
}

/**
 * A status-bar item by the id given to createStatusBarItem (VS Code may prefix it with the
 * extension's id) or by its accessibility label.
 * @param {Page} page @param {{ id?: string, label?: string | RegExp }} by
 * @returns {Locator}
 */
export function statusBarItem(page, { id, label }) {
  const items = page.locator('.part.statusbar .statusbar-item');
  if (id) return items.and(page.locator(`[id="${id}"], [id$=".${id}"]`));
  if (label) return items.and(page.getByLabel(label));
  throw new Error('statusBarItem needs an id or a label');
}

/**
 * What the status bar shows, for assertions and failure messages.
 * @param {Page} page
 * @returns {Promise<Array<{ id: string, label: string, text: string }>>}
 */
export function statusBarItems(page) {
  return page.$$eval('.part.statusbar .statusbar-item', (elements) =>
    elements.map((e) => ({ id: e.id, label: e.getAttribute('aria-label') ?? '', text: (e.textContent ?? '').trim() })),
  );
}

/**
 * Opens a new integrated terminal and waits until its shell has drawn a prompt.
 * @param {Page} page @param {number} [timeoutMs]
 */
export async function openTerminal(page, timeoutMs = 30_000) {
  const before = await page.locator('.terminal-wrapper').count();
  await runCommand(page, 'Terminal: Create New Terminal');
  const opened = async () =>
    (await page.locator('.terminal-wrapper').count()) > before && (await page.locator('.terminal-wrapper.active .xterm-rows').count()) > 0;
  await waitFor(opened, { timeoutMs, what: 'a new terminal' });
  await waitFor(async () => (await terminalText(page)).trim().length > 0, { timeoutMs, what: 'the shell prompt' });
}

/**
 * Types into the active terminal as keystrokes, then Enter unless told otherwise.
 * @param {Page} page @param {string} text @param {{ enter?: boolean }} [options]
 */
export async function typeInTerminal(page, text, { enter = true } = {}) {
  await page.locator('.terminal-wrapper.active .xterm').click();
  await page.keyboard.type(text, { delay: 15 });
  if (enter) await page.keyboard.press('Enter');
}

/**
 * The visible text of the active terminal.
 * @param {Page} page
 */
export async function terminalText(page) {
  const rows = page.locator('.terminal-wrapper.active .xterm-rows');
  return (await rows.count()) > 0 ? textOf(rows.first()) : '';
}

/**
 * The frame of the webview whose document contains `selector`. A webview lives two iframes deep
 * (the host frame, then the content frame), so this looks at every frame of the page.
 * @param {Page} page @param {string} selector @param {number} [timeoutMs]
 * @returns {Promise<Frame>}
 */
export function webviewFrame(page, selector, timeoutMs = 30_000) {
  return waitFor(
    async () => {
      for (const frame of page.frames()) {
        if (frame === page.mainFrame()) continue;
        if ((await frame.locator(selector).count().catch(() => 0)) > 0) return frame;
      }
      return undefined;
    },
    { timeoutMs, what: `a webview containing ${selector}` },
  );
}

/**
 * Shows an output channel in the Output view and returns a reader of the text it shows.
 * @param {Page} page @param {string} channel @param {number} [timeoutMs]
 * @returns {Promise<() => Promise<string>>}
 */
export async function showOutputChannel(page, channel, timeoutMs = 15_000) {
  await runCommand(page, 'Output: Show Output Channels...', timeoutMs);
  await pickQuickItem(page, channel, timeoutMs);
  const lines = page.locator('.part.panel .monaco-editor .view-lines').first();
  await lines.waitFor({ state: 'visible', timeout: timeoutMs });
  return () => textOf(lines);
}

/**
 * Text as a person reads it. Editors and the terminal draw spaces as no-break spaces, and draw
 * only the lines in view.
 * @param {Locator} locator
 */
export async function textOf(locator) {
  return (await locator.innerText()).replace(/\u00a0/g, ' ');
}

/**
 * The messages of the notification toasts on screen.
 * @param {Page} page
 */
export function notifications(page) {
  return page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
}

/** @param {string} text */
function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Answers the input box a command opened (showInputBox), found by its title.
 * @param {Page} page @param {string} title @param {string} text @param {number} [timeoutMs]
 */
export async function answerInputBox(page, title, text, timeoutMs = 15_000) {
  const widget = page.locator('.quick-input-widget').filter({ has: page.locator('.quick-input-title', { hasText: title }) });
  await widget.waitFor({ state: 'visible', timeout: timeoutMs });
  await widget.locator('input').fill(text);
  await widget.locator('input').press('Enter');
}

/**
 * The frame of a webview whose document has `selector` now, if any: one look, for a caller that
 * polls at its own pace (e.g. to time how soon a webview appears).
 * @param {Page} page @param {string} selector
 * @returns {Promise<Frame | undefined>}
 */
export async function webviewFrameNow(page, selector) {
  for (const frame of page.frames()) {
    if (frame === page.mainFrame() || frame.isDetached()) continue;
    if ((await frame.locator(selector).count().catch(() => 0)) > 0) return frame;
  }
  return undefined;
}

/**
 * Waits until the active terminal shows text matching `pattern`, and returns the match.
 * @param {Page} page @param {RegExp} pattern @param {number} [timeoutMs]
 */
export function waitForTerminalText(page, pattern, timeoutMs = 30_000) {
  return waitFor(async () => pattern.exec(await terminalText(page)), { timeoutMs, what: `the terminal to show ${pattern}` });
}

/**
 * Chooses the first entry of the open quick pick whose label matches `pattern`; for labels drawn
 * with an icon (`$(edit) Set…`), whose text then starts with a space.
 * @param {Page} page @param {RegExp} pattern @param {number} [timeoutMs]
 */
export async function pickQuickItemMatching(page, pattern, timeoutMs = 15_000) {
  const row = page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: pattern }) })
    .first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  await row.click();
}
