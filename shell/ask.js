#!/usr/bin/env node
// Interlock: ask the guard about one command line, for a shell that cannot open a TCP connection
// itself (fish; bash or zsh built without /dev/tcp or zsh/net/tcp).
//
//   printf '%s' "$line" | ELECTRON_RUN_AS_NODE=1 "$INTERLOCK_NODE" "$INTERLOCK_HOOK_DIR/ask.js" \
//     --shell fish --pid "$fish_pid" [--cwd DIR]
//
// Reads the command line from standard input and the guard's address from INTERLOCK_ENDPOINT_FILE
// (where the window's guard listens now) and from INTERLOCK_PORT and INTERLOCK_SECRET (where it
// listened when the terminal started): the file first, since each run starts afresh and the file is
// the newer; the other when the first does not take the request. Waits up to INTERLOCK_ASK_TIMEOUT
// seconds (default 70: a person may be deciding in the confirmation). Prints one printable line,
// the guard's message or why there is no answer, and exits 0 when the command may run, 1 when it
// was refused, 3 when there is no usable answer (the shell then applies INTERLOCK_PRODUCTION /
// INTERLOCK_UNREACHABLE), 2 on a usage error.
//
// The handshake is the one in src/channel/protocol.ts: this client's hello, then the guard's proof,
// both derived from the secret; the secret is sent only to a listener that gave the proof.
//
// Plain CommonJS with no dependencies: it runs from the hook directory under whatever node binary
// the editor has, Electron's included (ELECTRON_RUN_AS_NODE=1 makes Electron act as node).
'use strict';

const net = require('node:net');
const fs = require('node:fs');
const crypto = require('node:crypto');

const MAX_COMMAND = 64 * 1024;

function arg(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The message as one printable line: control characters would let a message move the cursor. */
function oneLine(text) {
  return String(text).replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
}

function finish(code, message) {
  process.stdout.write(oneLine(message) + '\n', () => process.exit(code));
}

/** The handshake values of `secret`, as src/channel/protocol.ts derives them. */
function handshake(secret) {
  const mac = (label) => crypto.createHmac('sha256', secret).update(label).digest('hex');
  return { hello: mac('interlock-client-hello'), proof: mac('interlock-guard-proof') };
}

/**
 * The endpoint in the window's endpoint file: only a regular file of this user's that nobody else
 * can read, holding one well-formed line (src/channel/registry.ts writes it).
 */
function endpointFromFile(file) {
  try {
    const st = fs.lstatSync(file);
    if (!st.isFile() || (process.getuid && st.uid !== process.getuid()) || (st.mode & 0o077) !== 0) return undefined;
    const m = /^interlock-endpoint 2 (\d{1,5}) ([0-9A-Za-z_-]+) [0-9a-f]{64} [0-9a-f]{64}\n?$/.exec(fs.readFileSync(file, 'utf8'));
    return m ? { port: Number(m[1]), secret: m[2] } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One try at the guard at `endpoint`: resolves with { code, message, sent }, where `sent` says
 * whether the request went out (nothing else should be tried then: the guard has it).
 */
function attempt(endpoint, fields, deadline) {
  const id = crypto.randomBytes(16).toString('hex');
  const { hello, proof } = handshake(endpoint.secret);
  const wantProof = JSON.stringify({ v: 2, proof });
  return new Promise((resolve) => {
    let settled = false;
    let proven = false;
    let buffer = '';
    const socket = net.connect({ host: '127.0.0.1', port: endpoint.port });
    const done = (code, message) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(proofTimer);
      socket.destroy();
      resolve({ code, message, sent: proven });
    };
    const notGuard = () => done(3, `what listens on 127.0.0.1:${endpoint.port} is not this window's guard (it did not prove it)`);
    const timer = setTimeout(() => done(3, `no answer from the guard within ${Math.round((deadline - Date.now()) / 1000)} s`), Math.max(0, deadline - Date.now()));
    // The guard sends its proof at once; a listener that says nothing is not it.
    const proofTimer = setTimeout(() => proven || notGuard(), 5000);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(JSON.stringify({ v: 2, hello }) + '\n'));
    socket.on('data', (chunk) => {
      buffer += chunk;
      let nl = buffer.indexOf('\n');
      if (nl >= 0 && !proven) {
        if (buffer.slice(0, nl) !== wantProof) return notGuard();
        proven = true;
        buffer = buffer.slice(nl + 1);
        nl = buffer.indexOf('\n');
        socket.write(JSON.stringify({ v: 2, secret: endpoint.secret, id, ...fields }) + '\n');
      }
      if (nl < 0) return;
      let answer;
      try {
        answer = JSON.parse(buffer.slice(0, nl));
      } catch {
        return done(3, 'the guard sent a malformed answer');
      }
      // An answer to some other request (a replay, a confused server) is no answer.
      if (!answer || answer.id !== id) return done(3, 'the guard answered a different request');
      const message = typeof answer.message === 'string' ? answer.message : '';
      if (answer.outcome === 'allow') return done(0, message);
      if (answer.outcome === 'deny') return done(1, message || 'refused by the guard');
      return done(3, 'the guard sent an answer without an outcome');
    });
    socket.on('error', (e) => done(3, `cannot reach the guard at 127.0.0.1:${endpoint.port} (${e.code || e.message})`));
    socket.on('close', () => (proven ? done(3, 'the guard closed the connection without answering') : notGuard()));
  });
}

async function main() {
  const port = Number(process.env.INTERLOCK_PORT);
  const secret = process.env.INTERLOCK_SECRET || '';
  const timeoutSeconds = Number(process.env.INTERLOCK_ASK_TIMEOUT) > 0 ? Number(process.env.INTERLOCK_ASK_TIMEOUT) : 70;
  const shell = arg('--shell') || 'unknown';
  const pid = Number(arg('--pid'));
  let command;
  try {
    command = fs.readFileSync(0, 'utf8');
  } catch (e) {
    return finish(2, `ask.js: cannot read the command from standard input (${e.message})`);
  }
  if (command.length > MAX_COMMAND) return finish(1, 'the command is longer than 64 KiB, too long to check');
  const endpoints = [];
  const fromFile = process.env.INTERLOCK_ENDPOINT_FILE ? endpointFromFile(process.env.INTERLOCK_ENDPOINT_FILE) : undefined;
  if (fromFile) endpoints.push(fromFile);
  if (Number.isInteger(port) && port > 0 && port <= 65535 && secret && !(fromFile && fromFile.port === port && fromFile.secret === secret)) {
    endpoints.push({ port, secret });
  }
  if (endpoints.length === 0) return finish(3, 'this terminal has no guard address (INTERLOCK_PORT/INTERLOCK_SECRET unset)');

  const source = { kind: 'terminal', shell };
  if (Number.isInteger(pid) && pid > 0) source.pid = pid;
  const fields = { type: 'check', command, cwd: arg('--cwd') || process.cwd(), source };
  const deadline = Date.now() + timeoutSeconds * 1000;
  let first;
  for (const endpoint of endpoints) {
    const r = await attempt(endpoint, fields, deadline);
    if (r.sent) return finish(r.code, r.message);
    first = first || r;
  }
  return finish(first.code, first.message);
}

void main();
