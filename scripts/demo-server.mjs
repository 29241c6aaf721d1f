// @ts-check
// The foreground half of `npm run demo` (scripts/demo.sh installs the toolchain and builds dist/
// first, then runs this on the toolchain's Node 24): packages the extension, installs the .vsix
// into a code-server of its own, creates a workspace labelled production, and serves it on
// 127.0.0.1 until Ctrl+C. It reuses the end-to-end harness: the same packaging, install,
// isolation (HOME, XDG_*, no marketplace) and process-group handling as the tests.
//
//   node scripts/demo-server.mjs [--port N]     (default INTERLOCK_DEMO_PORT, else 8080 or the next free one)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Cleanup, baseSettings, installExtension, isolatedEnv, packageExtension, startCodeServer } from '../test/e2e/lib/harness.mjs';

const { values } = parseArgs({ options: { port: { type: 'string' } } });
const wanted = Number(values.port ?? process.env.INTERLOCK_DEMO_PORT ?? 8080);
if (!Number.isInteger(wanted) || wanted < 1 || wanted > 65535) {
  console.error(`demo: not a port: ${values.port ?? process.env.INTERLOCK_DEMO_PORT}`);
  process.exit(64);
}

const cleanup = new Cleanup();
let stopping = false;
/** @param {number} code */
async function stop(code) {
  if (stopping) return;
  stopping = true;
  console.log('\ndemo: stopping code-server');
  await cleanup.runAll();
  cleanup.forgetGroups();
  process.exit(code);
}
process.once('SIGINT', () => void stop(130));
process.once('SIGTERM', () => void stop(143));

const dir = process.env.INTERLOCK_DEMO_DIR ?? mkdtempSync(join(tmpdir(), 'ildemo-'));
/** @type {NodeJS.ProcessEnv} */
const env = isolatedEnv(dir);
// The demo's HOME is its own, so kubectl finds no kubeconfig there; a KUBECONFIG of the user's
// must not lead an approved `kubectl delete ns production` to a real cluster.
delete env.KUBECONFIG;

try {
  const vsix = await packageExtension(join(dir, 'interlock.vsix'));
  const extensionsDir = join(dir, 'extensions');
  await installExtension(vsix.file, extensionsDir, env, dir);
  console.log(`demo: installed ${vsix.files.length} files (${(vsix.bytes / 1024).toFixed(0)} KiB) into code-server`);

  const workspace = join(process.env.INTERLOCK_DEMO_WORKSPACES ?? dir, 'payments-production');
  createWorkspace(workspace);
  const port = await freePort(wanted);
  const server = await startCodeServer({
    dir,
    env,
    extensionsDir,
    port,
    cleanup,
    settings: { ...baseSettings, 'workbench.startupEditor': 'readme', 'workbench.colorTheme': 'Default Dark Modern', 'git.enabled': true },
  });
  const url = `${server.url}?folder=${encodeURIComponent(workspace)}`;
  console.log(`
Interlock demo: open this in your browser (loopback only, no password):

    ${url}

The workspace ${workspace} is labelled production; its README says what to try.
Commands you approve there really run, on this machine. Ctrl+C stops the demo and removes it.
`);
  // Runs until Ctrl+C; if code-server dies by itself, say so and end.
  await new Promise((_, reject) => {
    const timer = setInterval(() => {
      try {
        process.kill(-server.pgid, 0);
      } catch {
        clearInterval(timer);
        // Its log may already be gone with the scratch folder (the demo was stopped from outside).
        let tail = '';
        try {
          tail = readFileSync(server.logFile, 'utf8').split('\n').slice(-20).join('\n');
        } catch {
          tail = '(its log is gone: the demo was stopped)';
        }
        reject(new Error(`code-server exited:\n${tail}`));
      }
    }, 1000);
  });
} catch (e) {
  console.error(`demo: ${e instanceof Error ? e.message : e}`);
  await stop(1);
}

/**
 * `wanted` if nothing listens on it at 127.0.0.1, else the next free port of the 20 after it.
 * @param {number} wanted
 */
async function freePort(wanted) {
  for (let port = wanted; port < wanted + 20 && port <= 65535; port++) {
    const free = await new Promise((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${wanted}-${wanted + 19}; pass --port`);
}

/**
 * A small project labelled production, with things worth trying: sources to delete, a task that
 * deletes them, and a git repository with a remote to force-push to.
 * @param {string} workspace
 */
function createWorkspace(workspace) {
  mkdirSync(join(workspace, 'src'), { recursive: true });
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(join(workspace, '.interlock.jsonc'), '// This folder is production: Interlock asks before risky commands, with a typed confirmation.\n{ "environment": "production" }\n');
  writeFileSync(join(workspace, 'src', 'server.js'), "// The code a careless command would delete.\nconsole.log('payments service');\n");
  writeFileSync(join(workspace, '.vscode', 'tasks.json'), `${JSON.stringify({
    version: '2.0.0',
    tasks: [{ label: 'clean sources', type: 'shell', command: 'rm -rf src && echo cleaned', problemMatcher: [] }],
  }, null, 2)}\n`);
  // A repository whose remote is a bare one beside it, so a force-push has somewhere to go.
  const git = (/** @type {string[]} */ ...args) => {
    const r = spawnSync('git', ['-c', 'user.name=Demo', '-c', 'user.email=demo@example.invalid', '-c', 'init.defaultBranch=main', ...args], { cwd: workspace, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr || r.error?.message}`);
  };
  let repository = true;
  try {
    const remote = join(workspace, '..', 'payments-remote.git');
    git('init', '--quiet', '--bare', remote);
    git('init', '--quiet');
    git('add', '.');
    git('commit', '--quiet', '-m', 'Payments service');
    git('remote', 'add', 'origin', remote);
    git('push', '--quiet', '-u', 'origin', 'main');
  } catch (e) {
    // Then no force-push to suggest: in a folder that is no repository of its own, git would
    // act on whatever repository encloses it.
    repository = false;
    console.log(`demo: no git repository in the workspace (${e instanceof Error ? e.message.trim() : e})`);
  }
  const forcePush = repository ? '   - `git push --force` (this folder is a git repository; its remote is a bare one beside it)\n' : '';
  writeFileSync(join(workspace, 'README.md'), `# Interlock demo: this folder is production

The status bar, bottom left, says **PRODUCTION** on red: \`.interlock.jsonc\` labels this folder
production. Interlock checks every command before it runs and asks a person about the risky ones.

## Things to try

1. **A terminal.** Open one (Terminal → New Terminal) and type one of these:
   - \`kubectl delete ns production\`
${forcePush}   - \`rm -rf src\`

   The command waits; a confirmation panel says what it would do and which rule flagged it.
   **Deny** (or Escape) and the terminal says why it did not run. **Approve** unlocks after a
   10-second countdown, and in production only once you type \`production\`. Leave it alone and
   it denies by itself after 60 seconds: an unattended agent is never waved through.
   \`ls\`, \`git status\` and the like run at once, without asking.
2. **Explain a command.** Command palette (F1) → **Interlock: Explain Command…** →
   \`kubectl delete ns production\`: the decision, each rule and the part of the command it concerns.
3. **A task.** Terminal → Run Task… → **clean sources** (\`rm -rf src\`): Interlock stops the task
   as it starts and asks; approved, it runs again once.
4. **The label.** Click **PRODUCTION** in the status bar → *Set environment label…* →
   development: the item turns plain \`DEV\` and \`.interlock.jsonc\` is rewritten.
5. **A broken rule file.** Delete the \`}\` in \`.interlock.jsonc\`: the error shows at its line,
   and the environment becomes UNKNOWN until it is fixed.
6. **The record.** Every decision goes to Interlock's audit log, one hash-chained JSON line each
   (Output → Interlock shows what the extension did).

Approved commands really run, as you, on this machine: this demo's HOME is a scratch folder,
but the file system is the real one.
`);
  if (repository) {
    // Committed but not pushed: the remote is one commit behind, as after a day's work.
    git('add', 'README.md');
    git('commit', '--quiet', '-m', 'What to try');
  }
}
