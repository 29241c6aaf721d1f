// What the terminal hooks cost per command, measured in the real shells in a real pty.
//
// For each shell, two sessions with the same startup files, one with Interlock's hook and one
// without, run the same benign command alternately (so that a noisy machine slows both alike);
// latency runs from writing the line to the pty until the next prompt has been drawn after the
// command's output. The hooked session then runs a line that has to ask the guard (quotes take it
// off the fast path) to show the cost of one round trip. Last, bash scripts: a loop run by
// non-interactive bash with and without BASH_ENV pointing at the hook.
//
//   node --import tsx bench/shells.ts [rounds]     (default 200 per shell and kind)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOOK_DIR, PROMPT, SHELLS, ShellSession, hasProgram, hookEnv, startTestGuard } from '../test/unit/pty';
import type { ShellName } from '../test/unit/pty';
import { quantile } from './stats';
const ms = (n: number): string => n.toFixed(2);

/** Milliseconds from Enter to the prompt after `echo <token>`-style output `token`. */
async function timeLine(sh: ShellSession, line: string, token: string): Promise<number> {
  const at = sh.pty.mark;
  const t0 = performance.now();
  sh.pty.write(line + '\r');
  await sh.pty.waitFor(new RegExp(`(^|\\n)${token}\\n[^]*?${PROMPT}`), at, 30_000);
  return performance.now() - t0;
}

interface Row {
  shell: ShellName;
  plain: number[];
  hooked: number[];
  asked: number[];
}

async function benchShell(shell: ShellName, rounds: number): Promise<Row> {
  const guard = await startTestGuard();
  const opts = { shell, port: guard.server.port, secret: guard.server.secret };
  const plain = await ShellSession.start({ ...opts, hook: false });
  const hooked = await ShellSession.start(opts);
  const row: Row = { shell, plain: [], hooked: [], asked: [] };
  try {
    for (let i = 0; i < rounds + 10; i++) {
      // Benign and plain: the fast path, no request. The first ten warm caches and are dropped.
      const a = await timeLine(plain, `echo b${i}x`, `b${i}x`);
      const b = await timeLine(hooked, `echo b${i}x`, `b${i}x`);
      if (i >= 10) {
        row.plain.push(a);
        row.hooked.push(b);
      }
    }
    const before = guard.requests.length;
    for (let i = 0; i < rounds + 10; i++) {
      const t = await timeLine(hooked, `echo "q${i}x"`, `q${i}x`);
      if (i >= 10) row.asked.push(t);
    }
    if (guard.requests.length - before !== rounds + 10) throw new Error(`${shell}: expected every quoted line to ask the guard`);
  } finally {
    await plain.close();
    await hooked.close();
    await guard.server.close();
  }
  return row;
}

/** Median wall time (5 runs) of non-interactive bash running `script` in `env`. */
async function timeScript(script: string, env: NodeJS.ProcessEnv): Promise<number> {
  const times: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t = performance.now();
    // Asynchronous: the guard answering the hooked runs lives in this process's event loop.
    await new Promise<void>((resolve, reject) => {
      const child = spawn('bash', [script], { env, stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bash ${script} exited ${code}`))));
    });
    times.push(performance.now() - t);
  }
  return quantile(times, 0.5);
}

/** A bash script of `n` loop passes of three plain commands, without and with BASH_ENV. */
async function benchBashScripts(n: number): Promise<{ plain: number; hooked: number; requests: number }> {
  const guard = await startTestGuard();
  const dir = mkdtempSync(join(tmpdir(), 'interlock-bench-'));
  const script = join(dir, 'loop.sh');
  writeFileSync(script, `for ((i = 0; i < ${n}; i++)); do\n  x=$((i * 2))\n  echo "$x" > /dev/null\n  true\ndone\n`);
  const base = { PATH: process.env.PATH, HOME: dir, LANG: 'C.UTF-8' };
  try {
    const plain = await timeScript(script, base);
    const hooked = await timeScript(script, { ...base, ...hookEnv('bash', guard.server.port, guard.server.secret) });
    return { plain, hooked, requests: guard.requests.length };
  } finally {
    await guard.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchShells(rounds: number): Promise<void> {
  console.log(`\n## Terminal hook overhead (${rounds} commands per shell and kind, real pty)`);
  console.log('Latency from Enter to the next prompt. "plain" runs without Interlock; "hooked" is the same shell with the hook, on the fast path (no request); "asked" is a hooked line that goes to the guard and is allowed.\n');
  console.log('| shell | plain median | plain p99 | hooked median | hooked p99 | added median | asked median | asked p99 |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const shell of SHELLS) {
    if (!hasProgram(shell)) {
      console.log(`| ${shell} | not installed | | | | | | |`);
      continue;
    }
    const r = await benchShell(shell, rounds);
    const added = quantile(r.hooked, 0.5) - quantile(r.plain, 0.5);
    console.log(
      `| ${shell} | ${ms(quantile(r.plain, 0.5))} ms | ${ms(quantile(r.plain, 0.99))} ms | ${ms(quantile(r.hooked, 0.5))} ms | ${ms(quantile(r.hooked, 0.99))} ms | ` +
        `${ms(added)} ms${added <= 2 ? '' : ' (goal ≤ 2)'} | ${ms(quantile(r.asked, 0.5))} ms | ${ms(quantile(r.asked, 0.99))} ms |`,
    );
  }
  if (hasProgram('bash')) {
    const n = 2000;
    const s = await benchBashScripts(n);
    console.log(`\nbash script, ${n} loop passes of 3 commands: ${ms(s.plain)} ms without BASH_ENV, ${ms(s.hooked)} ms with the hook ` +
      `(${ms(((s.hooked - s.plain) * 1000) / (n * 3))} µs per command; ${s.requests} guard requests over 5 runs).`);
  }
  console.log(`\n(hook scripts: ${HOOK_DIR})`);
}

if (require.main === module) {
  const rounds = Number(process.argv[2]) > 0 ? Number(process.argv[2]) : 200;
  benchShells(rounds).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
