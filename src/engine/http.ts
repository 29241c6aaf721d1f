/**
 * HTTP requests made by curl, wget, HTTPie and xh: method, hosts, credentials, body and any GraphQL
 * mutation names in it. Option values come from the pack's `programs` spec, so a value is never
 * mistaken for a URL.
 */
import type { Analysed } from './match';
import type { FileReader } from './unwrap';
import { glob } from './match';

export interface HttpRequest {
  method: string;
  hosts: string[];
  authorization: boolean;
  uploadsFile: boolean;
  body: string;
  mutations: string[];
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);
const AUTH_HEADER = /^\s*(authorization|proxy-authorization|x-api-key|api-key|x-auth-token|private-token|x-access-token|cookie|x-goog-api-key|x-railway-token|x-vercel-token)\s*:/i;
const TOKEN_IN_URL = /[?&](access_token|token|api_key|apikey|key|auth)=|\/\/[^/@\s]+:[^/@\s]+@/i;

function hostOf(url: string): string | undefined {
  let text = url.trim();
  if (!text || text.startsWith('@')) return undefined;
  // HTTPie shorthands: `:3000/x` is localhost; a bare host gets a scheme.
  if (/^:\d*/.test(text)) return 'localhost';
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `http://${text}`;
  try {
    return new URL(text).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return undefined;
  }
}

export function isLocalHost(host: string): boolean {
  return (
    host === 'localhost' || host.endsWith('.localhost') || host === '::1' || host === '0.0.0.0' || /^127\./.test(host) ||
    host === 'host.docker.internal'
  );
}

/** `local` stands for loopback hosts; anything else is a host glob. */
export function hostMatches(host: string, pattern: string): boolean {
  if (pattern === 'local') return isLocalHost(host);
  return glob(host, pattern, true);
}

/** GraphQL mutation field names in a request body (JSON-escaped or raw). */
export function graphqlMutations(body: string): string[] {
  const names: string[] = [];
  const text = body.replace(/\\"/g, '"').replace(/\\n/g, '\n');
  for (const m of text.matchAll(/\bmutation\b[^{]*\{/g)) {
    let depth = 1;
    let i = m.index + m[0].length;
    const start = i;
    for (; i < text.length && depth > 0; i++) {
      if (text[i] === '{') depth++;
      else if (text[i] === '}') depth--;
    }
    // Top-level selections of the mutation are the operations it performs.
    const selection = text.slice(start, i);
    let level = 0;
    let paren = 0;
    for (let k = 0; k < selection.length; k++) {
      const ch = selection[k];
      if (ch === '{') level++;
      else if (ch === '}') level--;
      else if (ch === '(') paren++;
      else if (ch === ')') paren--;
      else if (level === 0 && paren === 0 && /[A-Za-z_]/.test(ch) && !/[A-Za-z0-9_]/.test(selection[k - 1] ?? '')) {
        const word = /^[A-Za-z_][A-Za-z0-9_]*(\s*:\s*[A-Za-z_][A-Za-z0-9_]*)?/.exec(selection.slice(k))!;
        const name = word[0].includes(':') ? word[0].split(':')[1].trim() : word[0];
        names.push(name);
        k += word[0].length - 1;
      }
    }
  }
  return names;
}

function readBodyFile(value: string, reader: FileReader | undefined, cwd: string): string {
  const path = value.replace(/^@/, '');
  if (!reader || !path || path === '-' || /[$`]/.test(path)) return '';
  const abs = path.startsWith('/') ? path : `${cwd.replace(/\/+$/, '')}/${path}`;
  const text = reader.readFile(abs);
  return text !== undefined && text.length <= 1024 * 1024 ? text : '';
}

/** The request an HTTP client command makes, or undefined if it is not one. */
export function httpRequest(a: Analysed, reader: FileReader | undefined, cwd: string): HttpRequest | undefined {
  switch (a.program) {
    case 'curl':
      return curl(a, reader, cwd);
    case 'wget':
      return wget(a, reader, cwd);
    case 'http':
    case 'https':
    case 'xh':
    case 'xhs':
      return httpie(a, reader, cwd);
    default:
      return undefined;
  }
}

function finish(req: Omit<HttpRequest, 'mutations'>): HttpRequest {
  return { ...req, mutations: /\bmutation\b/.test(req.body) ? graphqlMutations(req.body) : [] };
}

function curl(a: Analysed, reader: FileReader | undefined, cwd: string): HttpRequest {
  let method: string | undefined;
  let authorization = false;
  let uploadsFile = false;
  const bodies: string[] = [];
  const urls = a.positionals.map((w) => w.value);
  let get = false;
  for (const o of a.options) {
    const v = o.value ?? '';
    switch (o.name) {
      case '-X':
      case '--request':
        method = v.toUpperCase();
        break;
      case '-d': case '--data': case '--data-raw': case '--data-binary': case '--data-ascii': case '--data-urlencode': case '--json':
        if (v.startsWith('@') && o.name !== '--data-raw') {
          uploadsFile = true;
          bodies.push(readBodyFile(v, reader, cwd));
        } else bodies.push(v);
        break;
      case '-F': case '--form': case '--form-string':
        if (/=[@<]/.test(v)) uploadsFile = true;
        bodies.push(v);
        break;
      case '-T': case '--upload-file':
        uploadsFile = true;
        method ??= 'PUT';
        break;
      case '-H': case '--header':
        if (AUTH_HEADER.test(v)) authorization = true;
        break;
      case '-u': case '--user': case '--oauth2-bearer': case '--aws-sigv4': case '-E': case '--cert': case '-b': case '--cookie':
        authorization = true;
        break;
      case '--url':
        urls.push(v);
        break;
      case '-I': case '--head':
        method ??= 'HEAD';
        break;
      case '-G': case '--get':
        get = true;
        break;
      default:
        if (o.letters?.includes('I')) method ??= 'HEAD';
        if (o.letters?.includes('G')) get = true;
    }
  }
  if (urls.some((u) => TOKEN_IN_URL.test(u))) authorization = true;
  const hosts = urls.map(hostOf).filter((h): h is string => h !== undefined);
  method ??= get ? 'GET' : bodies.length > 0 ? 'POST' : 'GET';
  return finish({ method, hosts, authorization, uploadsFile, body: bodies.join('\n') });
}

function wget(a: Analysed, reader: FileReader | undefined, cwd: string): HttpRequest {
  let method: string | undefined;
  let authorization = false;
  let uploadsFile = false;
  const bodies: string[] = [];
  for (const o of a.options) {
    const v = o.value ?? '';
    if (o.name === '--method') method = v.toUpperCase();
    else if (o.name === '--post-data' || o.name === '--body-data') bodies.push(v);
    else if (o.name === '--post-file' || o.name === '--body-file') {
      uploadsFile = true;
      bodies.push(readBodyFile(v, reader, cwd));
    } else if (o.name === '--header' && AUTH_HEADER.test(v)) authorization = true;
    else if (['--user', '--password', '--http-user', '--http-password', '--http-passwd'].includes(o.name)) authorization = true;
  }
  const urls = a.positionals.map((w) => w.value);
  if (urls.some((u) => TOKEN_IN_URL.test(u))) authorization = true;
  method ??= bodies.length > 0 ? 'POST' : 'GET';
  return finish({ method, hosts: urls.map(hostOf).filter((h): h is string => h !== undefined), authorization, uploadsFile, body: bodies.join('\n') });
}

function httpie(a: Analysed, reader: FileReader | undefined, cwd: string): HttpRequest {
  const words = a.positionals.map((w) => w.value);
  let method: string | undefined;
  if (words[0] && METHODS.has(words[0].toUpperCase()) && /^[A-Za-z]+$/.test(words[0]) && words.length > 1) method = words.shift()!.toUpperCase();
  const url = words.shift() ?? '';
  let authorization = a.options.some((o) => ['-a', '--auth', '-A', '--auth-type', '--bearer'].includes(o.name));
  let uploadsFile = false;
  let hasData = a.options.some((o) => o.name === '--raw' || o.name === '-f' || o.name === '--form');
  const bodies: string[] = [];
  for (const o of a.options) if (o.name === '--raw' && o.value) bodies.push(o.value);
  for (const item of words) {
    // Request items: Header:Value, field=value, field:=json, field@file, param==value.
    const m = /^((?:\\.|[^:=@\\])*)(:=@|=@|:=|==|=|@|:)(.*)$/s.exec(item);
    if (!m) continue;
    const [, key, sep, value] = m;
    if (sep === ':' && AUTH_HEADER.test(`${key}:`)) authorization = true;
    if (sep === '=' || sep === ':=') {
      hasData = true;
      bodies.push(`${key}=${value}`);
    }
    if (sep === '@' || sep === '=@' || sep === ':=@') {
      hasData = true;
      uploadsFile = true;
      bodies.push(readBodyFile(value, reader, cwd));
    }
  }
  if (TOKEN_IN_URL.test(url)) authorization = true;
  method ??= hasData ? 'POST' : 'GET';
  const host = hostOf(url);
  return finish({ method, hosts: host ? [host] : [], authorization, uploadsFile, body: bodies.join('\n') });
}
