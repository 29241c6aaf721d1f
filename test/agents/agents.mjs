// @ts-check
// How each real CLI is pointed at its scripted model server, run headless in a fresh HOME, and put
// in its default mode or its bypass mode. Hooks are not written here: Interlock's own installer
// writes them (see run.mjs); this only adds what a user of that CLI would set besides.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAnthropicServer } from './servers/anthropic.mjs';
import { startResponsesServer } from './servers/responses.mjs';
import { startGeminiServer } from './servers/gemini.mjs';
import { startChatServer } from './servers/chat.mjs';
import { codexHookTrust } from './codexTrust.mjs';

const modules = fileURLToPath(new URL('./node_modules/', import.meta.url));

/**
 * @typedef {'default' | 'bypass'} Mode
 * @typedef {{ home: string, cwd: string, url: string, mode: Mode }} RunContext
 * @typedef {{
 *   id: 'claude' | 'codex' | 'gemini' | 'copilot',
 *   name: string,
 *   pkg: string,
 *   bypassFlag: string,
 *   hookFiles: string[],
 *   start: (script: { command: string, onToolResult: (text: string) => void }) => Promise<import('./servers/http.mjs').ModelServer>,
 *   configure: (ctx: RunContext) => void,
 *   trust: (ctx: RunContext) => void,
 *   argv: (ctx: RunContext) => string[],
 *   env: (ctx: RunContext) => Record<string, string>,
 * }} Agent
 */

const PROMPT = 'Run the command the task needs, then stop.';

/** @type {Agent[]} */
export const AGENTS = [
  {
    id: 'claude',
    name: 'Claude Code',
    pkg: '@anthropic-ai/claude-code',
    bypassFlag: '--dangerously-skip-permissions',
    hookFiles: ['.claude/settings.json'],
    start: startAnthropicServer,
    configure: () => undefined,
    trust: () => undefined,
    // The npm package's `claude` is a stub its install script replaces; the native binary is the
    // platform package's. Run it directly rather than run install scripts.
    argv: ({ mode }) => [join(modules, '@anthropic-ai/claude-code-linux-x64/claude'), '-p', PROMPT, '--output-format', 'json', ...(mode === 'bypass' ? ['--dangerously-skip-permissions'] : [])],
    env: ({ url }) => ({
      ANTHROPIC_BASE_URL: url,
      ANTHROPIC_API_KEY: 'x',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
      // Claude Code refuses its bypass flag as root unless told it is in a sandbox (CI containers run as root).
      ...(process.getuid?.() === 0 ? { IS_SANDBOX: '1' } : {}),
    }),
  },
  {
    id: 'codex',
    name: 'Codex CLI',
    pkg: '@openai/codex',
    bypassFlag: '--dangerously-bypass-approvals-and-sandbox',
    hookFiles: ['.codex/hooks.json'],
    start: startResponsesServer,
    configure: ({ home, url }) => {
      mkdirSync(join(home, '.codex'), { recursive: true });
      writeFileSync(join(home, '.codex', 'config.toml'), [
        'model = "test-model"',
        'model_provider = "scripted"',
        'check_for_update_on_startup = false',
        '',
        '[model_providers.scripted]',
        'name = "scripted"',
        `base_url = "${url}/v1"`,
        'wire_api = "responses"',
        'request_max_retries = 0',
        'stream_max_retries = 0',
        '',
        '[analytics]',
        'enabled = false',
        '',
      ].join('\n'));
    },
    // What the "Hooks need review" screen stores once the user accepts the hook.
    trust: ({ home }) => appendFileSync(join(home, '.codex', 'config.toml'), `\n${codexHookTrust(join(home, '.codex', 'hooks.json'))}`),
    argv: ({ mode }) => [process.execPath, join(modules, '@openai/codex/bin/codex.js'), 'exec', '--json', '--skip-git-repo-check', ...(mode === 'bypass' ? ['--dangerously-bypass-approvals-and-sandbox'] : []), PROMPT],
    env: ({ home }) => ({ CODEX_HOME: join(home, '.codex') }),
  },
  {
    id: 'gemini',
    name: 'Gemini CLI',
    pkg: '@google/gemini-cli',
    bypassFlag: '--yolo',
    hookFiles: ['.gemini/settings.json'],
    start: startGeminiServer,
    configure: ({ home, cwd, mode }) => {
      mkdirSync(join(home, '.gemini'), { recursive: true });
      writeFileSync(join(home, '.gemini', 'settings.json'), `${JSON.stringify({
        // The auth type GOOGLE_GEMINI_BASE_URL selects by itself is refused headless.
        security: { auth: { selectedType: 'gemini-api-key' } },
        telemetry: { enabled: false },
        privacy: { usageStatisticsEnabled: false },
        general: { disableAutoUpdate: true, disableUpdateNag: true },
        // Headless in its default mode Gemini CLI offers no shell tool at all; a user who wants
        // one allows the commands they trust. `ls` is the only one here.
        ...(mode === 'default' ? { tools: { allowed: ['run_shell_command(ls)'] } } : {}),
      }, null, 2)}\n`);
      // Headless, Gemini CLI refuses to start in a folder the user has not trusted.
      writeFileSync(join(home, '.gemini', 'trustedFolders.json'), `${JSON.stringify({ [cwd]: 'TRUST_FOLDER' }, null, 2)}\n`);
    },
    trust: () => undefined,
    argv: ({ mode }) => [process.execPath, join(modules, '@google/gemini-cli/bundle/gemini.js'), '-p', PROMPT, '--output-format', 'json', ...(mode === 'bypass' ? ['--yolo'] : [])],
    env: ({ url }) => ({ GEMINI_API_KEY: 'x', GOOGLE_GEMINI_BASE_URL: url, GEMINI_CLI_NO_RELAUNCH: 'true' }),
  },
  {
    id: 'copilot',
    name: 'Copilot CLI',
    pkg: '@github/copilot',
    bypassFlag: '--yolo',
    hookFiles: ['.copilot/hooks/interlock.json'],
    start: startChatServer,
    configure: () => undefined,
    trust: () => undefined,
    argv: ({ mode }) => [join(modules, '@github/copilot-linux-x64/copilot'), '-p', PROMPT, ...(mode === 'bypass' ? ['--yolo'] : [])],
    env: ({ url }) => ({
      COPILOT_OFFLINE: 'true',
      COPILOT_PROVIDER_BASE_URL: `${url}/v1`,
      COPILOT_PROVIDER_TYPE: 'openai',
      COPILOT_PROVIDER_API_KEY: 'x',
      COPILOT_MODEL: 'test-model',
      COPILOT_AUTO_UPDATE: 'false',
    }),
  },
];
