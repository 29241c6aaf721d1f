// Guarded files are matched on the files a command changes, so every writer counts: each guarded
// class is written through each writer, spelled the ways an agent might, and must be asked
// (blocked in production); reading the same files stays silent. Agents' file tools go through
// `checkWrites` and meet the same rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fastAllows, fastPath } from '../../src/engine/fastPath';
import { patchWrites } from '../../src/engine/fileWrites';
import type { FileWrite } from '../../src/engine/fileWrites';
import { environmentFrom } from '../../src/engine/environment';
import { lexPlainWords } from '../../src/engine/parse';
import { glob } from '../../src/engine/match';
import { check, engine, TEST_CWD, TEST_HOME } from './helpers';

/** Every way of changing a file `{P}`, as an agent might type it. */
const WRITERS = [
  "echo x > {P}",
  "echo x >> {P}",
  "printf x >| {P}",
  "make &> {P}",
  "cat <<EOF > {P}\nx\nEOF",
  "cat <<'EOF' >> {P}\nx\nEOF",
  "echo x | tee {P}",
  "echo x | tee -a {P}",
  "cp /tmp/x {P}",
  "cp -f /tmp/x {P}",
  "mv /tmp/x {P}",
  "mv {P} /tmp/gone",
  "install -m 600 /tmp/x {P}",
  "ln -sf /dev/null {P}",
  "rm {P}",
  "rm -f {P}",
  "unlink {P}",
  "shred -u {P}",
  "truncate -s0 {P}",
  "truncate -s 0 {P}",
  "sed -i 's/a/b/' {P}",
  "sed -i.bak -e '/x/d' {P}",
  "perl -pi -e 's/a/b/' {P}",
  "dd if=/tmp/x of={P}",
  "curl -sSL https://example.com/x -o {P}",
  "curl -sSLo {P} https://example.com/x",
  "wget -O {P} https://example.com/x",
  "wget -qO {P} https://example.com/x",
  "chmod 000 {P}",
  "chmod a-r {P}",
  "rsync -a /tmp/x {P}",
  "sort -o {P} /tmp/x",
  "sudo tee {P} < /tmp/x",
  "sudo cp /tmp/x {P}",
  "bash -c 'echo x > {P}'",
  "sh -c \"rm -f {P}\"",
  "cd /tmp && cp x {P}",
  "echo x | sponge {P}",
] as const;

/** Writers that restore from git: only meaningful for files a repository holds. */
const GIT_WRITERS = ['git checkout HEAD~1 -- {P}', 'git checkout main {P}', 'git restore {P}', 'git restore --source HEAD~2 {P}', 'git rm {P}', 'git mv {P} x'] as const;

interface GuardedClass {
  name: string;
  rule: string;
  /** Spellings of one guarded file, relative to TEST_CWD (/work/project) and TEST_HOME (/home/user). */
  paths: string[];
  /** Writer templates besides WRITERS that only make sense for this class. */
  extra?: readonly string[];
}

const CLASSES: GuardedClass[] = [
  {
    name: 'Interlock rule file',
    rule: 'evasion/interlock-config-write',
    paths: ['.interlock.jsonc', './.interlock.jsonc', '$PWD/.interlock.jsonc', '"$PWD"/.interlock.jsonc', '/work/project/.interlock.jsonc', '../other/.interlock.jsonc', 'sub/.interlock.jsonc', '"$DIR"/.interlock.jsonc'],
    extra: GIT_WRITERS,
  },
  {
    name: 'Interlock state',
    rule: 'evasion/interlock-state-write',
    paths: [
      '~/.local/state/interlock/approvals.json', '$HOME/.local/state/interlock/approvals.json', '"$HOME"/.local/share/interlock/hook.sh',
      '/home/user/.cache/interlock/x', '~/.config/Code/User/globalStorage/interlock.interlock/approvals.json',
      '~/.vscode/extensions/interlock.interlock-0.3.0/dist/cli.js', '/tmp/interlock-1000/windows.json', '/run/user/1000/interlock/sock.json',
    ],
  },
  {
    name: 'editor settings',
    rule: 'evasion/editor-settings-write',
    paths: ['.vscode/settings.json', './.vscode/settings.json', '/work/project/.vscode/settings.json', 'app.code-workspace', '~/.config/Code/User/settings.json', '"$HOME/.config/Cursor/User/settings.json"', '~/.local/share/code-server/User/settings.json', '"$HOME/Library/Application Support/Code/User/settings.json"'],
    extra: GIT_WRITERS,
  },
  {
    name: 'agent hook configs',
    rule: 'evasion/agent-hook-config-write',
    paths: ['.claude/settings.json', './.claude/settings.local.json', '~/.claude/settings.json', '.cursor/hooks.json', '.github/hooks/interlock.json', '~/.copilot/hooks/hooks.json', '.codex/config.toml', '~/.codex/hooks.json', '.gemini/settings.json'],
    extra: GIT_WRITERS,
  },
  {
    name: 'shell startup files',
    rule: 'evasion/shell-startup-write',
    paths: ['~/.bashrc', '$HOME/.bashrc', '"$HOME"/.zshrc', '${HOME}/.profile', '/home/user/.bash_profile', '~/.config/fish/config.fish', '/etc/profile.d/x.sh', '/root/.bashrc'],
  },
  {
    name: 'credential stores',
    rule: 'evasion/credential-store-write',
    paths: ['~/.ssh/authorized_keys', '$HOME/.ssh/config', '~/.ssh/id_ed25519', '~/.aws/credentials', '~/.aws/config', '~/.kube/config', '~/.docker/config.json', '~/.netrc', '"$HOME"/.npmrc', '~/.pgpass', '~/.git-credentials', '~/.config/gcloud/credentials.db'],
  },
];

for (const c of CLASSES) {
  test(`${c.name}: every writer, every spelling, is asked, and blocked in production`, async () => {
    const misses: string[] = [];
    for (const path of c.paths) {
      for (const template of [...WRITERS, ...(c.extra ?? [])]) {
        // Inside a double-quoted `sh -c "…"`, the path's own quotes are escaped as a person would.
        const line = template.replaceAll('{P}', template.startsWith('sh -c "') ? path.replaceAll('"', '\\"') : path);
        const plain = await check(line);
        const prod = await check(line, { env: 'production' });
        const hit = (d: typeof plain) => d.reasons.some((r) => r.rule === c.rule);
        if (!hit(plain) || plain.decision === 'allow') misses.push(`${line} → ${plain.decision}`);
        if (!hit(prod) || prod.decision !== 'block') misses.push(`[production] ${line} → ${prod.decision}`);
      }
    }
    assert.deepEqual(misses, []);
  });
}

const DIRECTORY_WRITES = [
  { line: 'cp /tmp/x/.interlock.jsonc .', rule: 'evasion/interlock-config-write' },
  { line: 'cp -t ./ /tmp/x/.interlock.jsonc', rule: 'evasion/interlock-config-write' },
  { line: 'mv /tmp/a /tmp/b/.interlock.jsonc ./', rule: 'evasion/interlock-config-write' },
  { line: 'rm .interlock*', rule: 'evasion/interlock-config-write' },
  { line: 'find . -name .interlock.jsonc -delete', rule: 'evasion/interlock-config-write' },
  { line: "git -C app checkout HEAD -- .interlock.jsonc", rule: 'evasion/interlock-config-write' },
  { line: 'rm -rf ~/.local/state/interlock', rule: 'evasion/interlock-state-write' },
  { line: 'rm -rf .vscode', rule: 'evasion/editor-settings-write' },
  { line: 'rm -rf .claude', rule: 'evasion/agent-hook-config-write' },
  { line: 'mv .github/hooks /tmp/', rule: 'evasion/agent-hook-config-write' },
  { line: 'chmod -R 777 ~/.ssh', rule: 'evasion/credential-store-write' },
  { line: 'mv ~/.aws /tmp/', rule: 'evasion/credential-store-write' },
  { line: 'cd ~ && echo x >> .bashrc', rule: 'evasion/shell-startup-write' },
  { line: 'curl -O https://example.com/dotfiles/.bashrc --output-dir ~', rule: 'evasion/shell-startup-write' },
  { line: "sed -n 'w /home/user/.bashrc' /tmp/x", rule: 'evasion/shell-startup-write' },
  { line: 'xxd -r -p dump.hex ~/.ssh/authorized_keys', rule: 'evasion/credential-store-write' },
  { line: 'scp host:keys ~/.ssh/authorized_keys', rule: 'evasion/credential-store-write' },
  { line: "patch -p1 <<'EOF'\n--- a/.interlock.jsonc\n+++ b/.interlock.jsonc\n@@ -1 +1 @@\n-{\"environment\":\"production\"}\n+{}\nEOF", rule: 'evasion/interlock-config-write' },
  { line: "apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: .claude/settings.json\n@@\n-x\n+y\n*** End Patch\nEOF", rule: 'evasion/agent-hook-config-write' },
] as const;

for (const { line, rule } of DIRECTORY_WRITES) {
  test(`${rule}: ${line.split('\n')[0]}`, async () => {
    const d = await check(line);
    assert.ok(d.reasons.some((r) => r.rule === rule), `${rule} not among ${d.reasons.map((r) => r.rule).join(', ') || 'nothing'}`);
    assert.notEqual(d.decision, 'allow');
  });
}

/** Reading, listing, diffing or copying a guarded file away stays silent. */
const READERS = [
  'cat .interlock.jsonc', 'grep environment .interlock.jsonc', 'cp .interlock.jsonc /tmp/backup', 'git diff .interlock.jsonc', 'git log -p .interlock.jsonc',
  'git show HEAD:.interlock.jsonc', 'ls -la', 'ls .vscode', 'jq . .vscode/settings.json', 'cat .claude/settings.json', 'cp .claude/settings.json /tmp/x.json',
  'cat ~/.bashrc', 'source ~/.bashrc', 'cp ~/.bashrc ~/.bashrc.bak', 'sed -n 1,5p ~/.zshrc', "sed 's/a/b/' ~/.bashrc > /tmp/rc", 'cat ~/.ssh/config', 'ls ~/.ssh',
  'cp ~/.ssh/id_rsa.pub /tmp/key.pub', 'touch .interlock.jsonc', 'echo SECRET=1 > .env', 'echo x > .npmrc', 'git checkout main', 'git checkout -b feature origin/main',
  'git restore --staged .interlock.jsonc', 'rm -rf ~/.cache/pip', 'rm -rf /tmp/*', 'echo {} > .vscode/launch.json', 'scp .interlock.jsonc host:/tmp/',
  'find . -name "*.pyc" -delete', 'echo x > src/app.ts', 'cp a.txt b.txt',
];

for (const line of READERS) {
  test(`allow: ${line}`, async () => {
    const d = await check(line);
    assert.equal(d.decision, 'allow', d.reasons.map((r) => `${r.rule}: ${r.message}`).join('; '));
    const prod = await check(line, { env: 'production' });
    assert.ok(!prod.reasons.some((r) => /^evasion\/(interlock|editor|agent-hook|shell-startup|credential-store)/.test(r.rule)), prod.reasons.map((r) => r.rule).join(', '));
  });
}

function writes(list: FileWrite[], env?: string, tool = 'Write') {
  return engine().checkWrites(list, { environment: environmentFrom({ label: env, source: 'test' }), cwd: TEST_CWD, home: TEST_HOME }, tool);
}

const TOOL_CASES: { name: string; writes: FileWrite[]; decision: 'allow' | 'confirm'; production?: 'allow' | 'confirm' | 'block'; rule?: string }[] = [
  { name: 'Write .interlock.jsonc', writes: [{ path: '.interlock.jsonc', how: 'write', text: '{"environment":"development"}' }], decision: 'confirm', production: 'block', rule: 'evasion/interlock-config-write' },
  { name: 'Write an absolute .interlock.jsonc', writes: [{ path: '/work/project/.interlock.jsonc', how: 'write', text: '{}' }], decision: 'confirm', production: 'block', rule: 'evasion/interlock-config-write' },
  { name: 'delete .interlock.jsonc', writes: [{ path: './.interlock.jsonc', how: 'delete' }], decision: 'confirm', production: 'block', rule: 'evasion/interlock-config-write' },
  { name: 'Edit .vscode/settings.json: font size only', writes: [{ path: '.vscode/settings.json', how: 'edit', text: '{"editor.fontSize": 14}' }], decision: 'allow', production: 'allow' },
  { name: 'Edit .vscode/settings.json: interlock off', writes: [{ path: '.vscode/settings.json', how: 'edit', text: '{"interlock.enabled": false}' }], decision: 'confirm', production: 'block', rule: 'evasion/editor-settings-write' },
  { name: 'Write user settings with unknown text', writes: [{ path: '/home/user/.config/Code/User/settings.json', how: 'write' }], decision: 'confirm', production: 'block', rule: 'evasion/editor-settings-write' },
  { name: 'Write src/app.ts', writes: [{ path: 'src/app.ts', how: 'write', text: 'export {}' }], decision: 'allow', production: 'allow' },
  { name: 'Write .env', writes: [{ path: '.env', how: 'write', text: 'A=1' }], decision: 'allow', production: 'allow' },
  { name: 'Write ~/.ssh/authorized_keys', writes: [{ path: '~/.ssh/authorized_keys', how: 'append', text: 'ssh-ed25519 AAAA x' }], decision: 'confirm', production: 'block', rule: 'evasion/credential-store-write' },
  { name: 'Edit .claude/settings.json', writes: [{ path: '.claude/settings.json', how: 'edit', text: '"hooks": {}' }], decision: 'confirm', production: 'block', rule: 'evasion/agent-hook-config-write' },
  { name: 'Write ~/.bashrc', writes: [{ path: '/home/user/.bashrc', how: 'append', text: 'unset PROMPT_COMMAND' }], decision: 'confirm', production: 'block', rule: 'evasion/shell-startup-write' },
  { name: 'a patch touching a safe and a guarded file', writes: patchWrites('*** Begin Patch\n*** Update File: src/a.ts\n@@\n-a\n+b\n*** Delete File: .interlock.jsonc\n*** End Patch'), decision: 'confirm', production: 'block', rule: 'evasion/interlock-config-write' },
];

for (const c of TOOL_CASES) {
  test(`checkWrites: ${c.name} → ${c.decision}`, () => {
    const d = writes(c.writes);
    assert.equal(d.decision, c.decision, d.reasons.map((r) => r.message).join('; '));
    if (c.rule) {
      const r = d.reasons.find((x) => x.rule === c.rule);
      assert.ok(r, `${c.rule} not among ${d.reasons.map((x) => x.rule).join(', ')}`);
      assert.match(r.message, /\(Write /, 'the reason names the tool');
    }
    if (c.production) assert.equal(writes(c.writes, 'production').decision, c.production);
  });
}

test('checkWrites names the tool and the path', () => {
  const d = writes([{ path: '.interlock.jsonc', how: 'write' }], undefined, 'Edit');
  assert.match(d.reasons[0].message, /\(Edit writes \.interlock\.jsonc\)/);
});

test('checkWrites ignores rules that need a command line', () => {
  // system/overwrite-critical-file matches redirects only: a tool's write of /etc/passwd is not a redirect.
  const d = writes([{ path: '/etc/passwd', how: 'write' }]);
  assert.ok(!d.reasons.some((r) => r.rule === 'system/overwrite-critical-file'));
});

test('the fast path never lets through a plain line that writes a guarded file', () => {
  const fp = fastPath(engine().rules);
  assert.ok(fp.enabled);
  for (const line of ['cp a .interlock.jsonc', 'rm .interlock.jsonc', 'chmod 000 .interlock.jsonc', 'truncate -s0 ~/.bashrc', 'apply_patch x', 'shred -u ~/.ssh/id_rsa']) {
    const words = lexPlainWords(line)?.map((w) => w.value);
    assert.ok(words, line);
    assert.equal(fastAllows(fp, words, (name, g) => glob(name, g, true)), false, line);
  }
});

test('patchWrites reads unified diffs and apply_patch envelopes', () => {
  const diff = patchWrites('--- a/src/x.ts\n+++ b/src/x.ts\n@@ -1 +1 @@\n-a\n+b\n--- a/old.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n');
  assert.deepEqual(diff.map((w) => [w.path, w.how]), [['src/x.ts', 'edit'], ['old.txt', 'delete']]);
  const env = patchWrites('*** Begin Patch\n*** Add File: a.txt\n+hi\n*** Update File: b.txt\n*** Move to: c.txt\n@@\n-x\n+y\n*** End Patch', 0);
  assert.deepEqual(env.map((w) => [w.path, w.how]), [['a.txt', 'write'], ['b.txt', 'move'], ['c.txt', 'move']]);
  assert.equal(env[0].text, 'hi');
  // An envelope the strict reader refuses still names its files, indented headers included.
  const damaged = patchWrites('*** Begin Patch\n  *** Delete File: .interlock.jsonc\nstray text\n');
  assert.deepEqual(damaged.map((w) => [w.path, w.how]), [['.interlock.jsonc', 'delete']]);
});
