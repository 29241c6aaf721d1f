#!/usr/bin/env node
// Interlock: ask the guard about one command line, for a shell that cannot open a TCP connection
// itself (fish; bash or zsh built without /dev/tcp or zsh/net/tcp).
//
//   printf '%s' "$line" | ELECTRON_RUN_AS_NODE=1 "$INTERLOCK_NODE" "$INTERLOCK_HOOK_DIR/ask.js" \
//     --shell fish --pid "$fish_pid" [--cwd DIR]
//
// Reads the command line from standard input and the guard's address from INTERLOCK_PORT and
// INTERLOCK_SECRET; waits up to INTERLOCK_ASK_TIMEOUT seconds (default 70: a person may be deciding
// in the confirmation). Prints one printable line, the guard's message or why there is no answer,
// and exits 0 when the command may run, 1 when it was refused, 3 when there is no usable answer
// (the shell then applies INTERLOCK_PRODUCTION / INTERLOCK_UNREACHABLE), 2 on a usage error.
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

function main() {
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
  if (!Number.isInteger(port) || port <= 0 || port > 65535 || !secret) {
    return finish(3, 'this terminal has no guard address (INTERLOCK_PORT/INTERLOCK_SECRET unset)');
  }

  const id = crypto.randomBytes(16).toString('hex');
  const source = { kind: 'terminal', shell };
  if (Number.isInteger(pid) && pid > 0) source.pid = pid;
  const request = { v: 1, secret, id, type: 'check', command, cwd: arg('--cwd') || process.cwd(), source };

  let settled = false;
  let buffer = '';
  const socket = net.connect({ host: '127.0.0.1', port });
  const done = (code, message) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    socket.destroy();
    finish(code, message);
  };
  const timer = setTimeout(() => done(3, `no answer from the guard within ${timeoutSeconds} s`), timeoutSeconds * 1000);
  socket.setEncoding('utf8');
  socket.on('connect', () => socket.write(JSON.stringify(request) + '\n'));
  socket.on('data', (chunk) => {
    buffer += chunk;
    const nl = buffer.indexOf('\n');
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
  socket.on('error', (e) => done(3, `cannot reach the guard at 127.0.0.1:${port} (${e.code || e.message})`));
  socket.on('close', () => done(3, 'the guard closed the connection without answering'));
}

main();
