// @ts-check
// Recording pass only: stands in the hook entry as `node hookRecorder.mjs <dir> <the installer's
// command…>`, runs that command with the agent's stdin, passes its answer through unchanged, and
// writes what went in and out and how long the hook process took to <dir>.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, program, ...args] = process.argv.slice(2);
const chunks = /** @type {Buffer[]} */ ([]);
for await (const chunk of process.stdin) chunks.push(chunk);
const stdin = Buffer.concat(chunks);

const started = process.hrtime.bigint();
const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
let stdout = '';
let stderr = '';
child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
child.stdin.on('error', () => undefined);
child.stdin.end(stdin);
child.on('close', (code) => {
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  writeFileSync(join(dir, `${Date.now()}-${process.pid}.json`), JSON.stringify({ stdin: stdin.toString('utf8'), stdout, stderr, exit: code, ms }));
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  process.exit(code ?? 1);
});
