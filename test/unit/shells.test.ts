// The terminal hooks (shell/) in real bash, zsh and fish, each in a real pseudo-terminal, loaded
// exactly as the extension loads them (PROMPT_COMMAND loader and BASH_ENV, ZDOTDIR, XDG_DATA_DIRS),
// asking a real guard server. The test guard refuses any command containing DENYME and any command
// whose first word is rm, and allows the rest; it records what it was asked.
//
// Needs bash, zsh and fish (Debian: apt-get install -y zsh fish). A missing shell fails the run
// when CI=true and is skipped otherwise.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOOK_DIR, PROMPT, SHELLS, ShellSession, closedPort, hasProgram, hookEnv, startTestGuard } from './pty';
import { newSecret } from '../../src/channel/server';
import { handshakeFor, proofLine } from '../../src/channel/protocol';
import { endpointFile, writeEndpoint } from '../../src/channel/registry';
import type { ShellName, TestGuard } from './pty';
import { fakeGuard } from './fakeGuard';
import type { Fake } from './fakeGuard';

function missing(shell: string): string | undefined {
  if (hasProgram(shell) && hasProgram('script')) return undefined;
  return `${shell} (or util-linux script) is not installed; on Debian: apt-get install -y ${shell === 'bash' ? 'bash bsdutils' : shell}`;
}

/** Register the shell's tests, or one failing (CI) or skipped (locally) test saying what is missing. */
function forEachShell(body: (shell: ShellName) => void): void {
  for (const shell of SHELLS) {
    const why = missing(shell);
    if (!why) {
      body(shell);
    } else if (process.env.CI === 'true') {
      test(`${shell}: shell hook tests`, () => assert.fail(why));
    } else {
      test(`${shell}: shell hook tests`, { skip: why }, () => undefined);
    }
  }
}

const REFUSED = /interlock: not run: refused by the test guard \(test\/deny-me\)/;


/**
 * Another user's process on the port of a window that is gone: it does not know the secret, makes
 * up a proof, and answers "allow" to anything. Records what it was sent.
 */
async function startSquatter(port = 0): Promise<Fake> {
  const reply = (line: string): string => {
    let id: unknown;
    try {
      id = (JSON.parse(line) as { id?: unknown }).id;
    } catch {
      // not JSON: answered all the same
    }
    return id === undefined ? proofLine('0'.repeat(64)) : JSON.stringify({ v: 2, id, outcome: 'allow', decision: 'allow', by: 'person', message: 'squatter' }) + '\n';
  };
  return fakeGuard({ port, prove: reply, answer: (req) => reply(JSON.stringify(req)) });
}

forEachShell((shell) => {
  describe(`${shell}: guarded terminal`, () => {
    let guard: TestGuard;
    let sh: ShellSession;
    before(async () => {
      guard = await startTestGuard();
      sh = await ShellSession.start({ shell, port: guard.server.port, secret: guard.server.secret });
    });
    after(async () => {
      await sh?.close();
      await guard?.server.close();
    });

    // The three kinds of line: refused by the guard, allowed by it, and plain enough for the fast
    // path, where the guard is not asked at all.
    const lines = [
      { name: 'a flagged line does not run, and the terminal says why in one line', marker: 'flagged',
        line: (m: string) => `rm -rf ${sh.path('victim')}; touch ${m} # DENYME`, runs: false, asks: true, says: REFUSED },
      { name: 'an approved line runs unchanged', marker: 'approved',
        line: (m: string) => `touch ${m} && echo "approved"`, runs: true, asks: true },
      { name: 'a benign plain command runs without asking', marker: 'benign',
        line: (m: string) => `touch ${m}`, runs: true, asks: false },
      { name: 'a first word the guard has rules for is asked even on a plain line', marker: 'plain-rm',
        line: (m: string) => `rm -r ${m}`, runs: false, asks: true, says: /test\/no-rm/, exists: true },
    ];
    for (const c of lines) {
      test(c.name, async () => {
        mkdirSync(sh.path('victim'), { recursive: true });
        const marker = sh.path(c.marker);
        if (c.exists) mkdirSync(marker);
        const before = guard.requests.length;
        const line = c.line(marker);
        const out = await sh.run(line);
        assert.equal(existsSync(marker), c.exists ? true : c.runs);
        assert.equal(existsSync(sh.path('victim')), true);
        assert.equal(guard.requests.length - before, c.asks ? 1 : 0);
        if (c.asks) {
          const req = guard.requests[before];
          assert.equal(req.command, line);
          assert.equal(req.cwd, sh.dir);
          assert.deepEqual({ kind: req.source?.kind, shell: (req.source as { shell?: string }).shell }, { kind: 'terminal', shell });
          assert.equal(typeof (req.source as { pid?: number }).pid, 'number');
        }
        if (c.says) {
          assert.match(out, c.says);
          assert.equal(out.match(/interlock: /g)?.length, 1, `one line of explanation, got:\n${out}`);
        } else {
          assert.doesNotMatch(out, /interlock:/);
        }
      });
    }

    test('a refused line is a failed command, which is what an agent watching the terminal sees', async () => {
      const at = sh.pty.mark;
      sh.pty.write(`touch ${sh.path('refused-status')} && echo DENYME\r`);
      await sh.run(`echo "status=${sh.status}"`);
      assert.match(sh.pty.text(at), /status=1\n/);
      assert.equal(existsSync(sh.path('refused-status')), false);
    });

    test('the guard receives the line byte for byte: quotes, backslashes, metacharacters, non-ASCII', async () => {
      const line = `printf '%s\\n' "a\\"b" 'c\\d' '$HOME & ; | *' 'ünïcødé ✓' > ${sh.path('escaped')}`;
      await sh.run(line);
      assert.equal(guard.requests.at(-1)?.command, line);
      assert.equal(existsSync(sh.path('escaped')), true);
    });

    test('an empty line runs without asking', async () => {
      const before = guard.requests.length;
      await sh.run('   ');
      assert.equal(guard.requests.length, before);
    });

    test('a refused line inside a command typed over several lines abandons the whole command', async () => {
      const lines = shell === 'fish'
        ? ['begin', `touch ${sh.path('loop-a')}`, `touch ${sh.path('loop-b')} # DENYME`, 'end']
        : ['for i in 1; do', `touch ${sh.path('loop-a')}`, `touch ${sh.path('loop-b')} # DENYME`, 'done'];
      const at = sh.pty.mark;
      for (const l of lines) sh.pty.write(l + '\r');
      await sh.sync(at);
      assert.match(sh.pty.text(at), REFUSED);
      assert.equal(existsSync(sh.path('loop-a')), false);
      assert.equal(existsSync(sh.path('loop-b')), false);
      await sh.run(`touch ${sh.path('after-loop')}`);
      assert.equal(existsSync(sh.path('after-loop')), true);
    });

    test('the hook leaves no connection to the guard open', { skip: !existsSync('/proc/self/fd') && 'needs /proc' }, async () => {
      for (let i = 0; i < 5; i++) await sh.run(`echo "open ${i}"`);
      const pid = (guard.requests.at(-1)?.source as { pid?: number }).pid;
      const sockets = readdirSync(`/proc/${pid}/fd`).filter((fd) => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:');
        } catch {
          return false;
        }
      });
      assert.deepEqual(sockets, []);
    });

    test('a line naming the hook\'s internals is refused without asking', async () => {
      const before = guard.requests.length;
      const out = await sh.run(shell === 'fish' ? 'functions -e __interlock_enter' : 'unset -f __interlock_fast');
      assert.equal(guard.requests.length, before);
      assert.match(out, /interlock: not run: the line names Interlock's own hook/);
      mkdirSync(sh.path('still-guarded'));
      await sh.run(`rm -r ${sh.path('still-guarded')}`);
      assert.equal(existsSync(sh.path('still-guarded')), true);
    });

    if (shell === 'bash') {
      test('bash -c and scripts inside the terminal are checked command by command (BASH_ENV)', async () => {
        mkdirSync(sh.path('ni-victim'));
        const script = sh.path('deploy.sh');
        writeFileSync(script, [
          `touch ${sh.path('ni-before')}`,
          `for i in 1 2 3; do echo "step $i" > /dev/null; done`,
          `rm -rf ${sh.path('ni-victim')}`,
          `touch ${sh.path('ni-after')}`,
          '',
        ].join('\n'));
        const out = await sh.run(`bash ${script}; echo "rc=$?"`);
        assert.equal(existsSync(sh.path('ni-before')), true);
        assert.equal(existsSync(sh.path('ni-victim')), true);
        assert.equal(existsSync(sh.path('ni-after')), false, 'the script stops at the refused command');
        assert.match(out, /interlock: not run: refused by the test guard \(test\/no-rm\); refused at .*deploy\.sh:3: rm -rf /);
        assert.match(out, /rc=126\n/);
        // A loop's body is the same text every pass: asked once, then remembered.
        assert.equal(guard.requests.filter((r) => r.command === 'echo "step $i" > /dev/null').length, 1);

        mkdirSync(sh.path('c-victim'));
        const out2 = await sh.run(`bash -c 'touch ${sh.path('c-before')}; rm -rf ${sh.path('c-victim')}; touch ${sh.path('c-after')}'`);
        assert.equal(existsSync(sh.path('c-before')), true);
        assert.equal(existsSync(sh.path('c-victim')), true);
        assert.equal(existsSync(sh.path('c-after')), false);
        assert.match(out2, /test\/no-rm/);
        assert.doesNotMatch(out2, /bashdb|debugger/);
      });

      test("a script that names the hook's internals (the guard's address is in such variables) is stopped there", async () => {
        const script = sh.path('retarget.sh');
        writeFileSync(script, [`touch ${sh.path('rt-before')}`, '__interlock_port=1', `touch ${sh.path('rt-after')}`, ''].join('\n'));
        const out = await sh.run(`bash ${script}; echo "rc=$?"`);
        assert.equal(existsSync(sh.path('rt-before')), true);
        assert.equal(existsSync(sh.path('rt-after')), false);
        assert.match(out, /interlock: not run: the command names Interlock's own hook; refused at .*retarget\.sh:2: __interlock_port=1/);
        assert.match(out, /rc=126\n/);
      });

      test('set -o vi keeps the guard', async () => {
        await sh.run('set -o vi');
        await sh.run(`touch ${sh.path('vi-flagged')} # DENYME`);
        assert.equal(existsSync(sh.path('vi-flagged')), false);
        await sh.run(`touch ${sh.path('vi-ok')} && true`);
        assert.equal(existsSync(sh.path('vi-ok')), true);
        await sh.run('set -o emacs');
      });
    }
  });

  describe(`${shell}: a user's own startup files keep working`, () => {
    let guard: TestGuard;
    let sh: ShellSession;
    const userFiles: Record<ShellName, Record<string, string>> = {
      bash: {
        '.bashrc': [
          `PS1='[$?] ${PROMPT}'`,
          'PROMPT_COMMAND="__user_prompts=\\$((__user_prompts+1)); $PROMPT_COMMAND"',
          "alias nuke='rm -rf'",
          "alias hello='echo hello-from-alias'",
          '',
        ].join('\n'),
        '.user-env.bash': 'export USER_ENV_LOADED=yes\n',
      },
      zsh: {
        '.zshenv': 'export USER_ZSHENV=yes\n',
        '.zshrc': [
          `PS1='${PROMPT}'`,
          'setopt interactive_comments',
          'typeset -gi __user_enters=0 __user_prompts=0',
          'my-accept-line() { (( __user_enters++ )); zle .accept-line }',
          'zle -N accept-line my-accept-line',
          'precmd() { (( __user_prompts++ )) }',
          "alias nuke='rm -rf'",
          "alias -g QUIET='> /dev/null'",
          '',
        ].join('\n'),
      },
      fish: {
        '.config/fish/config.fish': [
          'set -g fish_greeting',
          `function fish_prompt; printf '%s' '${PROMPT}'; end`,
          'set -g __user_prompts 0',
          'function __user_count --on-event fish_prompt; set -g __user_prompts (math $__user_prompts + 1); end',
          'alias nuke "rm -rf"',
          'abbr -a hello echo hello-from-abbr',
          '',
        ].join('\n'),
      },
    };

    before(async () => {
      guard = await startTestGuard();
      sh = await ShellSession.start({
        shell,
        port: guard.server.port,
        secret: guard.server.secret,
        files: userFiles[shell],
        env: shell === 'bash' ? { INTERLOCK_USER_BASH_ENV: '{HOME}/.user-env.bash' } : {},
      });
    });
    after(async () => {
      await sh?.close();
      await guard?.server.close();
    });

    test('an alias that hides a flagged program is checked as what it runs', async () => {
      mkdirSync(sh.path('alias-victim'));
      const out = await sh.run(`nuke ${sh.path('alias-victim')}`);
      assert.equal(existsSync(sh.path('alias-victim')), true);
      assert.match(out, /test\/no-rm/);
      assert.match(guard.requests.at(-1)?.command ?? '', /^rm -rf /);
    });

    test("the user's prompt hooks, widgets, aliases and environment still run", async () => {
      if (shell === 'bash') {
        await sh.run('false');
        assert.match(sh.pty.text(), /\[1\] READY> /, 'PS1 still sees the last exit status');
        const out = await sh.run('echo "prompts=$__user_prompts"; hello');
        assert.match(out, /prompts=[1-9]\d*\n/);
        assert.match(out, /hello-from-alias/);
      } else if (shell === 'zsh') {
        const out = await sh.run('echo "enters=$__user_enters prompts=$__user_prompts env=$USER_ZSHENV zdotdir=$ZDOTDIR" QUIET; echo "enters=$__user_enters prompts=$__user_prompts env=$USER_ZSHENV"');
        assert.match(out, /enters=[1-9]\d* prompts=[1-9]\d* env=yes\n/);
      } else {
        const out = await sh.run('echo "prompts=$__user_prompts"');
        assert.match(out, /prompts=[1-9]\d*\n/);
        const out2 = await sh.run('hello');
        assert.match(out2, /hello-from-abbr/);
      }
      await sh.run(`touch ${sh.path('user-flagged')} # DENYME`);
      assert.equal(existsSync(sh.path('user-flagged')), false);
    });

    if (shell === 'bash') {
      test('a BASH_ENV the user already had is still sourced by bash -c', async () => {
        const out = await sh.run(`bash -c 'echo "user-env=$USER_ENV_LOADED"'`);
        assert.match(out, /user-env=yes\n/);
      });
    }
  });

  describe(`${shell}: a port squatter and a guard that moved`, () => {
    const cases = [
      { name: 'production: refused', env: { INTERLOCK_PRODUCTION: '1', INTERLOCK_UNREACHABLE: 'allow' }, runs: false, says: /interlock: not run: what listens on 127\.0\.0\.1:\d+ is not this window's guard.*commands in production are refused/ },
      { name: 'elsewhere, deny: refused', env: { INTERLOCK_UNREACHABLE: 'deny' }, runs: false, says: /interlock: not run: what listens on .* is not this window's guard/ },
      { name: 'elsewhere, allow: runs unchecked, with a warning', env: { INTERLOCK_UNREACHABLE: 'allow' }, runs: true, says: /interlock: warning: what listens on .* is not this window's guard.*running it unchecked/ },
    ] as const;
    for (const c of cases) {
      test(`a squatter on the guard's port is never told the secret, and counts as no guard (${c.name})`, async () => {
        const squatter = await startSquatter();
        const secret = newSecret();
        const sh = await ShellSession.start({ shell, port: squatter.port, secret, env: c.env });
        try {
          const marker = sh.path('squatted');
          const out = await sh.run(`touch ${marker} && echo "squatted"`);
          assert.match(out, c.says);
          assert.equal(existsSync(marker), c.runs);
          const got = squatter.received();
          assert.ok(got.includes(handshakeFor(secret).hello), 'the shell did reach the squatter');
          assert.ok(!got.includes(secret), 'the squatter received no secret');
          assert.ok(!got.includes(handshakeFor(secret).proof), 'nor the proof');
          assert.ok(!got.includes('squatted'), 'nor the command');
        } finally {
          await sh.close();
          await squatter.close();
        }
      });
    }

    test('the guard restarts on a new port: an old terminal\'s next command reaches it through the endpoint file', async () => {
      const registry = join(mkdtempSync(join(tmpdir(), 'interlock-endpoint-')), 'reg');
      const file = endpointFile('window-1', { INTERLOCK_REGISTRY_DIR: registry });
      const first = await startTestGuard();
      writeEndpoint(file, { port: first.server.port, secret: first.server.secret });
      // Production: a command that found no guard would be refused, so one that runs was allowed.
      const sh = await ShellSession.start({ shell, port: first.server.port, secret: first.server.secret, env: { INTERLOCK_PRODUCTION: '1', INTERLOCK_ENDPOINT_FILE: file } });
      let second: TestGuard | undefined;
      let squatter: Awaited<ReturnType<typeof startSquatter>> | undefined;
      try {
        await sh.run(`touch ${sh.path('before')} && true`);
        assert.equal(existsSync(sh.path('before')), true);
        assert.equal(first.requests.length, 1);
        // The extension host restarts: the old guard goes, a new one with a new port and secret
        // writes the endpoint file, and someone else takes the old port.
        const oldPort = first.server.port;
        const oldSecret = first.server.secret;
        await first.server.close();
        second = await startTestGuard();
        writeEndpoint(file, { port: second.server.port, secret: second.server.secret });
        squatter = await startSquatter(oldPort).catch(() => undefined);
        const out = await sh.run(`touch ${sh.path('after')} && true`);
        assert.doesNotMatch(out, /interlock:/);
        assert.equal(existsSync(sh.path('after')), true);
        assert.equal(second.requests.length, 1);
        assert.equal(second.requests[0].command, `touch ${sh.path('after')} && true`);
        if (squatter) assert.ok(!squatter.received().includes(oldSecret), 'the squatter on the old port received no secret');
        // And stays there: the next command goes to the new guard as well.
        await sh.run(`touch ${sh.path('flagged')} # DENYME`);
        assert.equal(existsSync(sh.path('flagged')), false);
        assert.equal(second.requests.length, 2);
      } finally {
        await sh.close();
        await squatter?.close();
        await second?.server.close();
        await first.server.close().catch(() => undefined);
        rmSync(join(registry, '..'), { recursive: true, force: true });
      }
    });

    test('an endpoint file that others can read is not trusted', async () => {
      const registry = join(mkdtempSync(join(tmpdir(), 'interlock-endpoint-')), 'reg');
      const file = endpointFile('window-1', { INTERLOCK_REGISTRY_DIR: registry });
      const guard = await startTestGuard();
      writeEndpoint(file, { port: guard.server.port, secret: guard.server.secret });
      chmodSync(file, 0o644);
      const sh = await ShellSession.start({ shell, port: await closedPort(), secret: newSecret(), env: { INTERLOCK_UNREACHABLE: 'deny', INTERLOCK_ENDPOINT_FILE: file } });
      try {
        const out = await sh.run(`touch ${sh.path('loose')} && true`);
        assert.match(out, /interlock: not run: /);
        assert.equal(existsSync(sh.path('loose')), false);
        assert.equal(guard.requests.length, 0);
      } finally {
        await sh.close();
        await guard.server.close();
        rmSync(join(registry, '..'), { recursive: true, force: true });
      }
    });
  });

  describe(`${shell}: the guard cannot be reached`, () => {
    const cases = [
      { name: 'deny: refused', env: { INTERLOCK_UNREACHABLE: 'deny' }, runs: false, says: /interlock: not run: cannot reach the guard/ },
      { name: 'allow: runs, with a warning', env: { INTERLOCK_UNREACHABLE: 'allow' }, runs: true, says: /interlock: warning: cannot reach the guard.*running it unchecked/ },
      { name: 'production: refused whatever the setting', env: { INTERLOCK_UNREACHABLE: 'allow', INTERLOCK_PRODUCTION: '1' }, runs: false, says: /commands in production are refused/ },
      { name: 'ask, answered "run": runs', env: { INTERLOCK_UNREACHABLE: 'ask' }, runs: true, answer: 'run', says: /Type "run" to run it anyway/ },
      { name: 'ask, answered "no": refused', env: { INTERLOCK_UNREACHABLE: 'ask' }, runs: false, answer: 'no', says: /interlock: not run\./ },
    ] as const;

    let port: number;
    before(async () => {
      port = await closedPort();
    });

    for (const c of cases) {
      test(c.name, async () => {
        const sh = await ShellSession.start({ shell, port, secret: 'f'.repeat(64), env: c.env });
        try {
          const marker = sh.path('marker');
          const line = `touch ${marker} && echo touched`;
          const at = sh.pty.mark;
          if ('answer' in c) {
            sh.pty.write(line + '\r');
            await sh.pty.waitFor(/Type "run" to run it anyway: /, at);
            sh.pty.write(c.answer + '\r');
            await sh.sync(at);
          } else {
            await sh.run(line);
          }
          assert.match(sh.pty.text(at), c.says);
          assert.equal(existsSync(marker), c.runs);
          // A plain command does not need the guard at all.
          await sh.run(`touch ${sh.path('benign')}`);
          assert.equal(existsSync(sh.path('benign')), true);
        } finally {
          await sh.close();
        }
      });
    }
  });
});

// The clients fish asks the guard through: ask.bash (bash's /dev/tcp, when a bash is installed)
// and ask.js (Node, otherwise). One contract: exit 0 allowed, 1 refused, 3 no usable answer.
const ASK_CLIENTS = [
  { name: 'ask.js, the Node client', argv: [process.execPath, join(HOOK_DIR, 'ask.js')], env: {} },
  { name: 'ask.bash, the bash client', argv: ['bash', '--noprofile', '--norc', join(HOOK_DIR, 'ask.bash')], env: { BASH_ENV: '', INTERLOCK_HOOK_DIR: HOOK_DIR } },
];
for (const client of ASK_CLIENTS) describe(`${client.name} the fish hook uses`, () => {
  const run = (env: Record<string, string>, input: string): Promise<{ code: number | null; out: string }> =>
    new Promise((resolve) => {
      const secret = env.INTERLOCK_SECRET ?? '';
      const child = spawn(client.argv[0], [...client.argv.slice(1), '--shell', 'fish', '--pid', '42', '--cwd', '/somewhere'], {
        env: { PATH: process.env.PATH, INTERLOCK_HELLO: handshakeFor(secret).hello, INTERLOCK_PROOF: handshakeFor(secret).proof, ...client.env, ...env },
      });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.on('close', (code) => resolve({ code, out }));
      child.stdin.end(input);
    });

  const cases = [
    { name: 'allowed: exit 0', input: 'ls -la | wc -l', code: 0, out: /allowed by the test guard/ },
    { name: 'refused: exit 1 with the reason', input: 'echo DENYME', code: 1, out: /refused by the test guard \(test\/deny-me\)/ },
    { name: 'multi-line input is one command', input: 'rm -rf x\necho y', code: 1, out: /test\/no-rm/ },
  ];
  let guard: TestGuard;
  before(async () => {
    guard = await startTestGuard();
  });
  after(async () => {
    await guard?.server.close();
  });

  for (const c of cases) {
    test(c.name, async () => {
      const r = await run({ INTERLOCK_PORT: String(guard.server.port), INTERLOCK_SECRET: guard.server.secret }, c.input);
      assert.equal(r.code, c.code);
      assert.match(r.out, c.out);
      assert.equal(r.out.split('\n').length, 2, 'one line');
      const req = guard.requests.at(-1);
      assert.equal(req?.command, c.input);
      assert.equal(req?.cwd, '/somewhere');
      assert.deepEqual(req?.source, { kind: 'terminal', shell: 'fish', pid: 42 });
    });
  }

  test('no guard listening: exit 3, saying so', async () => {
    const r = await run({ INTERLOCK_PORT: String(await closedPort()), INTERLOCK_SECRET: 'x' }, 'ls');
    assert.equal(r.code, 3);
    assert.match(r.out, /cannot reach the guard/);
  });

  test('a wrong secret is dropped by the guard: exit 3, not an allow', async () => {
    const r = await run({ INTERLOCK_PORT: String(guard.server.port), INTERLOCK_SECRET: 'f'.repeat(64) }, 'ls');
    assert.equal(r.code, 3);
  });
});

// With VS Code's own shell integration scripts loaded as VS Code loads them, the hook must not
// disturb what they report (OSC 633: E is the command line, D its exit status): one E per command
// actually run, the refused line reported as the failed `interlock_refused` command. The scripts
// ship with VS Code (src/vs/workbench/contrib/terminal/common/scripts, or lib/vscode/out/… in
// code-server); point INTERLOCK_VSCODE_SCRIPTS at that directory to run these.
const VSCODE_SCRIPTS = process.env.INTERLOCK_VSCODE_SCRIPTS;
describe("alongside VS Code's shell integration", { skip: !VSCODE_SCRIPTS && 'INTERLOCK_VSCODE_SCRIPTS is not set' }, () => {
  const variants: Array<{ name: string; shell: ShellName; setup: (root: string, hook: Record<string, string>) => { env: Record<string, string>; argv: string[] } }> = [
    {
      name: 'bash, with --init-file',
      shell: 'bash',
      setup: () => ({ env: { VSCODE_INJECTION: '1' }, argv: ['bash', '--init-file', join(VSCODE_SCRIPTS ?? '', 'shellIntegration-bash.sh')] }),
    },
    ...(['outer', 'inner'] as const).map((place) => ({
      name: `zsh, VS Code's ZDOTDIR ${place}`,
      shell: 'zsh' as const,
      setup: (root: string, hook: Record<string, string>) => {
        const dir = join(root, 'vscode-zsh');
        mkdirSync(dir);
        for (const [from, to] of [['rc', '.zshrc'], ['profile', '.zprofile'], ['env', '.zshenv'], ['login', '.zlogin']]) {
          copyFileSync(join(VSCODE_SCRIPTS ?? '', `shellIntegration-${from}.zsh`), join(dir, to));
        }
        const env: Record<string, string> = place === 'outer'
          ? { ZDOTDIR: dir, USER_ZDOTDIR: hook.ZDOTDIR, INTERLOCK_USER_ZDOTDIR: '' }
          : { ZDOTDIR: hook.ZDOTDIR, INTERLOCK_USER_ZDOTDIR: dir, USER_ZDOTDIR: '{HOME}' };
        return { env: { ...env, VSCODE_INJECTION: '1' }, argv: ['zsh', '-i'] };
      },
    })),
    {
      name: 'fish, both vendor_conf.d snippets',
      shell: 'fish',
      setup: (root: string, hook: Record<string, string>) => {
        const dir = join(root, 'vscode-fish', 'fish', 'vendor_conf.d');
        mkdirSync(dir, { recursive: true });
        copyFileSync(join(VSCODE_SCRIPTS ?? '', 'shellIntegration.fish'), join(dir, 'shellIntegration.fish'));
        return { env: { TERM_PROGRAM: 'vscode', XDG_DATA_DIRS: `${join(root, 'vscode-fish')}:${hook.XDG_DATA_DIRS}` }, argv: ['fish', '-i'] };
      },
    },
  ];

  for (const v of variants) {
    test(v.name, { skip: missing(v.shell) }, async () => {
      const guard = await startTestGuard();
      const root = mkdtempSync(join(tmpdir(), 'interlock-vscode-'));
      const { env, argv } = v.setup(root, hookEnv(v.shell, guard.server.port, guard.server.secret));
      const sh = await ShellSession.start({ shell: v.shell, port: guard.server.port, secret: guard.server.secret, env: { ...env, VSCODE_NONCE: 'nonce' }, argv });
      try {
        const at = sh.pty.mark;
        sh.pty.write(`touch ${sh.path('vsc-ok')} && true\r`);
        sh.pty.write(`touch ${sh.path('vsc-flagged')} && echo DENYME\r`);
        await sh.sync(at);
        const seen = [...sh.pty.raw.slice(at).matchAll(/\x1b\]633;([ED])(?:;([^\x07]*))?\x07/g)].map((m) =>
          m[1] === 'E' ? `E ${(m[2] ?? '').replace(/;nonce$/, '').replace(/\\x3b/g, ';')}` : `D ${m[2] ?? ''}`,
        );
        // Up to the token line's start: its own D comes with the next prompt, after the token.
        assert.deepEqual(seen.slice(0, 5), [
          `E touch ${sh.path('vsc-ok')} && true`, 'D 0',
          `E ${v.shell === 'fish' ? ' ' : ''}interlock_refused 'touch ${sh.path('vsc-flagged')} && echo DENYME'`, 'D 1',
          `E echo SYNC1x${process.pid}`,
        ]);
        assert.equal(existsSync(sh.path('vsc-ok')), true);
        assert.equal(existsSync(sh.path('vsc-flagged')), false);
      } finally {
        await sh.close();
        await guard.server.close();
        rmSync(root, { recursive: true, force: true });
      }
    });
  }
});
