/**
 * HTTP requests a command makes: curl, wget, HTTPie (`http`, `https`), xh, PowerShell's
 * Invoke-WebRequest / Invoke-RestMethod, and the raw API commands of platform CLIs (`gh api`,
 * `glab api`, `railway api`). For each: method, hosts, whether it carries credentials, whether it
 * sends a local file, the body, and any GraphQL mutation names in it. Option values come from the
 * pack's `programs` spec, so a value is never mistaken for a URL.
 */
import type { Analysed } from './analyse';
import type { FileReader } from './unwrap';
import { basename, literalOutput } from './unwrap';
import { glob } from './glob';

export interface HttpRequest {
  method: string;
  /**
   * `host:port` of every URL, lower case, IPv6 addresses in brackets; the port is the scheme's
   * default when the URL names none. Host patterns without a port compare the host alone.
   */
  hosts: string[];
  /** The URLs (or API paths) requested, as written. */
  urls: string[];
  authorization: boolean;
  uploadsFile: boolean;
  body: string;
  mutations: string[];
}

const METHOD_WORD = /^[A-Za-z]+$/;
/** Header names that carry credentials: Authorization, cookies, and any *token* / *api-key* / *secret* header. */
const AUTH_HEADER = /^\s*(authorization|proxy-authorization|cookie|[\w-]*(token|api-?key|apikey|secret|auth(?![a-z]))[\w-]*)\s*:/i;
const TOKEN_IN_URL = /[?&](access_token|token|api_key|apikey|api-key|key|auth|sig|signature|x-amz-signature)=|\/\/[^/@\s]+:[^/@\s]*@/i;
const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443', ws: '80', wss: '443', ftp: '21', ftps: '990' };

/** A URL's `host:port`, or undefined when it names no network host. */
export function endpointOf(url: string, defaultScheme = 'http', httpieShorthand = false): string | undefined {
  let text = url.trim();
  if (!text || text.startsWith('@') || text.startsWith('-')) return undefined;
  // HTTPie and xh shorthands: `:3000/x` and `:/x` are localhost.
  if (httpieShorthand) {
    const short = /^:(\d*)(\/.*)?$/.exec(text);
    if (short) return `localhost:${short[1] || DEFAULT_PORTS[defaultScheme] || '80'}`;
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `${defaultScheme}://${text}`;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return undefined;
  }
  const name = parsed.hostname.toLowerCase();
  if (!name) return undefined;
  const port = parsed.port || DEFAULT_PORTS[parsed.protocol.replace(/:$/, '').toLowerCase()] || '';
  return port ? `${name}:${port}` : name;
}

function splitEndpoint(endpoint: string): { name: string; port: string } {
  if (endpoint.startsWith('[')) {
    const close = endpoint.indexOf(']');
    return { name: endpoint.slice(1, close), port: endpoint.slice(close + 2) };
  }
  const colon = endpoint.lastIndexOf(':');
  return colon < 0 ? { name: endpoint, port: '' } : { name: endpoint.slice(0, colon), port: endpoint.slice(colon + 1) };
}

export function isLocalHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    h === 'localhost' || h.endsWith('.localhost') || h === 'localhost.localdomain' || h === 'ip6-localhost' ||
    h === '::1' || h === '0:0:0:0:0:0:0:1' || h === '0.0.0.0' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === 'host.docker.internal'
  );
}

/** Host patterns split once into host and port parts: they are matched against every host of every request. */
const hostPatterns = new Map<string, { host: string; port?: string }>();

function hostPattern(pattern: string): { host: string; port?: string } {
  let p = hostPatterns.get(pattern);
  if (!p) {
    const withPort = /^(.*[^:]):([0-9*?{},[\]-]+)$/.exec(pattern);
    p = withPort && !withPort[1].includes(':') ? { host: withPort[1], port: withPort[2] } : { host: pattern };
    hostPatterns.set(pattern, p);
  }
  return p;
}

/**
 * Does a request endpoint (`host:port`, or a bare host) match a host pattern? `local` stands for
 * loopback hosts; any other pattern is a glob over the host. A pattern ending in `:port` (a glob:
 * `local:9200`, `*.internal:{8200,8500}`) also matches the port.
 */
export function hostMatches(endpoint: string, pattern: string): boolean {
  const { name, port } = splitEndpoint(endpoint);
  const parsed = hostPattern(pattern);
  if (parsed.port !== undefined) {
    if (!port || !glob(port, parsed.port)) return false;
    return parsed.host === 'local' ? isLocalHost(name) : glob(name, parsed.host, true);
  }
  if (pattern === 'local') return isLocalHost(name);
  return glob(name, pattern, true);
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
      else if (level === 0 && paren === 0 && /[A-Za-z_]/.test(ch) && !/[A-Za-z0-9_$]/.test(selection[k - 1] ?? '')) {
        const word = /^[A-Za-z_][A-Za-z0-9_]*(\s*:\s*[A-Za-z_][A-Za-z0-9_]*)?/.exec(selection.slice(k))!;
        const name = word[0].includes(':') ? word[0].split(':')[1].trim() : word[0];
        names.push(name);
        k += word[0].length - 1;
      }
    }
  }
  return names;
}

interface Io {
  reader: FileReader | undefined;
  cwd: string;
  /** The command's standard input, when the line says what it is. */
  stdin: () => string;
}

/**
 * A file's text, read only when it lies under the working directory: request bodies there are
 * the project's own, and nothing outside it is opened on a command's say-so.
 */
function readUnderCwd(path: string, io: Io): string | undefined {
  if (!io.reader || !path || /[$`*?]/.test(path)) return undefined;
  const cwd = io.cwd.replace(/\/+$/, '');
  const parts: string[] = [];
  for (const seg of (path.startsWith('/') ? path : `${cwd}/${path}`).split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  const abs = `/${parts.join('/')}`;
  if (!abs.startsWith(`${cwd}/`)) return undefined;
  const text = io.reader.readFile(abs);
  return text !== undefined && text.length <= 1024 * 1024 ? text : undefined;
}

/** The body named by `@file` (`@-` is standard input). */
function readBody(path: string, io: Io): string {
  if (path === '-') return io.stdin();
  return readUnderCwd(path, io) ?? '';
}

function stdinText(a: Analysed, io: Omit<Io, 'stdin'>): string {
  const s = a.cmd.stdin;
  if (!s) return '';
  if (s.kind === 'text') return s.text;
  if (s.kind === 'file') return readUnderCwd(s.path.value, { ...io, stdin: () => '' }) ?? '';
  const literal = literalOutput(s.command);
  if (literal !== undefined) return literal;
  // `cat body.json | curl -d @- …`: the file's text is the body.
  const argv = s.command.argv;
  if (basename(argv[0]?.value ?? '') === 'cat' && argv.length === 2) return readUnderCwd(argv[1].value, { ...io, stdin: () => '' }) ?? '';
  // `jq -n '{query: "mutation { … }"}' | curl -d @- …`: the body is built from the producer's
  // arguments, so a GraphQL document written there is the one sent.
  return argv.slice(1).map((w) => w.value).join(' ');
}

/** `"$(cat body.json)"` and `"$(< body.json)"` stand for the file's text. */
function expandValue(value: string, io: Io): string {
  const file = /^\$\(\s*(?:cat\s+|<\s*)([^\s;|&()$`<>]+)\s*\)$|^`\s*cat\s+([^\s;|&()$`<>]+)\s*`$/.exec(value);
  if (!file) return value;
  return readUnderCwd(file[1] ?? file[2], io) ?? value;
}

/** The request an HTTP client command makes, or undefined if it is not one. */
export function httpRequest(a: Analysed, reader: FileReader | undefined, cwd: string): HttpRequest | undefined {
  let stdin: string | undefined;
  const io: Io = { reader, cwd, stdin: () => (stdin ??= stdinText(a, { reader, cwd })) };
  switch (a.program) {
    case 'curl':
      return curl(a, io);
    case 'wget':
      return wget(a, io);
    case 'http':
    case 'https':
    case 'xh':
    case 'xhs':
      return httpie(a, io);
    case 'invoke-webrequest':
    case 'invoke-restmethod':
    case 'iwr':
    case 'irm':
      return powershell(a, io);
    case 'gh':
      return platformApi(a, io, 'api.github.com');
    case 'glab':
      return platformApi(a, io, 'gitlab.com');
    case 'railway':
      return railwayApi(a, io);
    default:
      return undefined;
  }
}

interface Draft {
  method: string;
  urls: string[];
  hosts?: string[];
  authorization: boolean;
  uploadsFile: boolean;
  bodies: string[];
}

function finish(d: Draft, defaultScheme = 'http', httpieShorthand = false): HttpRequest {
  const body = d.bodies.filter((b) => b !== '').join('\n');
  const authorization = d.authorization || d.urls.some((u) => TOKEN_IN_URL.test(u));
  const hosts = d.hosts ?? d.urls.map((u) => endpointOf(u, defaultScheme, httpieShorthand)).filter((h): h is string => h !== undefined);
  return {
    method: d.method,
    hosts,
    urls: d.urls,
    authorization,
    uploadsFile: d.uploadsFile,
    body,
    mutations: /\bmutation\b/.test(body) ? graphqlMutations(body) : [],
  };
}

function curl(a: Analysed, io: Io): HttpRequest {
  let method: string | undefined;
  let authorization = false;
  let uploadsFile = false;
  let hasData = false;
  let get = false;
  let head = false;
  const bodies: string[] = [];
  const urls = a.positionals.map((w) => w.value);
  for (const o of a.options) {
    const v = o.value ?? '';
    switch (o.name) {
      case '-X':
      case '--request':
        method = v.toUpperCase();
        break;
      case '-d': case '--data': case '--data-binary': case '--data-ascii': case '--json':
        hasData = true;
        if (v.startsWith('@')) {
          uploadsFile = v !== '@-';
          bodies.push(readBody(v.slice(1), io));
        } else bodies.push(expandValue(v, io));
        break;
      case '--data-raw':
        hasData = true;
        bodies.push(expandValue(v, io));
        break;
      case '--data-urlencode': {
        hasData = true;
        // `name@file` and `@file` read a file; `=text` and `name=text` are literal.
        const file = /^[^=@]*@(.*)$/s.exec(v);
        if (file) {
          uploadsFile = file[1] !== '-';
          bodies.push(readBody(file[1], io));
        } else bodies.push(v);
        break;
      }
      case '-F': case '--form': case '--form-string': {
        hasData = true;
        const part = /^[^=]*=([@<])([^;]*)/.exec(v);
        if (part && o.name !== '--form-string') {
          uploadsFile = part[2] !== '-';
          if (part[1] === '<') bodies.push(readBody(part[2], io));
        } else bodies.push(v);
        break;
      }
      case '-T': case '--upload-file':
        uploadsFile = v !== '-' && v !== '.';
        hasData = true;
        method ??= 'PUT';
        break;
      case '-H': case '--header':
      case '--proxy-header':
        if (v.startsWith('@')) {
          const text = readBody(v.slice(1), io);
          if (text.split('\n').some((line) => AUTH_HEADER.test(line))) authorization = true;
        } else if (AUTH_HEADER.test(v)) authorization = true;
        break;
      case '-u': case '--user': case '--oauth2-bearer': case '--aws-sigv4': case '-E': case '--cert': case '--key':
      case '-b': case '--cookie': case '-n': case '--netrc': case '--netrc-file': case '--netrc-optional':
      case '--negotiate': case '--ntlm': case '--delegation': case '--sasl-authzid': case '--login-options':
        authorization = true;
        break;
      case '--url':
        urls.push(v);
        break;
      case '-I': case '--head':
        head = true;
        break;
      case '-G': case '--get':
        get = true;
        break;
      default:
        if (o.letters?.includes('I')) head = true;
        if (o.letters?.includes('G')) get = true;
        if (o.letters?.includes('n')) authorization = true;
    }
  }
  // -X wins over everything; -I asks for HEAD; -G turns data into a query string.
  method ??= head ? 'HEAD' : get ? 'GET' : hasData ? 'POST' : 'GET';
  return finish({ method, urls, authorization, uploadsFile, bodies });
}

function wget(a: Analysed, io: Io): HttpRequest {
  let method: string | undefined;
  let authorization = false;
  let uploadsFile = false;
  let hasData = false;
  const bodies: string[] = [];
  const urls = a.positionals.map((w) => w.value);
  for (const o of a.options) {
    const v = o.value ?? '';
    if (o.name === '--method') method = v.toUpperCase();
    else if (o.name === '--post-data' || o.name === '--body-data') {
      hasData = true;
      bodies.push(expandValue(v, io));
    } else if (o.name === '--post-file' || o.name === '--body-file') {
      hasData = true;
      uploadsFile = true;
      bodies.push(readBody(v, io));
    } else if (o.name === '--header' && AUTH_HEADER.test(v)) authorization = true;
    else if (['--user', '--password', '--http-user', '--http-password', '--http-passwd', '--load-cookies', '--certificate', '--private-key', '--ask-password', '--use-askpass'].includes(o.name)) {
      authorization = true;
    }
  }
  method ??= hasData ? 'POST' : 'GET';
  return finish({ method, urls, authorization, uploadsFile, bodies });
}

function httpie(a: Analysed, io: Io): HttpRequest | undefined {
  // --offline builds and prints the request without sending it.
  if (a.options.some((o) => o.name === '--offline')) return undefined;
  const words = a.positionals.map((w) => w.value);
  let method: string | undefined;
  if (words.length > 1 && METHOD_WORD.test(words[0])) method = words.shift()!.toUpperCase();
  const url = words.shift() ?? '';
  let authorization = a.options.some((o) => ['-a', '--auth', '--bearer'].includes(o.name));
  let uploadsFile = false;
  let hasData = a.options.some((o) => o.name === '--raw');
  const bodies: string[] = [];
  for (const o of a.options) if (o.name === '--raw' && o.value) bodies.push(o.value);
  for (const item of words) {
    // Request items: Header:Value, field=value, field:=json, field=@file, field:=@file, field@file, param==value.
    const m = /^((?:\\.|[^:=@\\])*)(:=@|=@|:=|==|=|@|:)(.*)$/s.exec(item);
    if (!m) continue;
    const [, key, sep, value] = m;
    if (sep === ':' && AUTH_HEADER.test(`${key}:`)) authorization = true;
    if (sep === '==' && TOKEN_IN_URL.test(`?${key}=`)) authorization = true;
    if (sep === '=' || sep === ':=') {
      hasData = true;
      bodies.push(`${key}=${expandValue(value, io)}`);
    }
    if (sep === '@' || sep === '=@' || sep === ':=@') {
      hasData = true;
      uploadsFile = true;
      bodies.push(readBody(value, io));
    }
  }
  // Without data items, HTTPie and xh send standard input as the body when something is piped in.
  if (!hasData && a.cmd.stdin && !a.options.some((o) => o.name === '--ignore-stdin' || o.name === '-I')) {
    const text = io.stdin();
    if (text.trim()) {
      hasData = true;
      bodies.push(text);
    }
  }
  method ??= hasData ? 'POST' : 'GET';
  const scheme = a.program === 'https' || a.program === 'xhs' || a.options.some((o) => o.name === '--https') ? 'https' : 'http';
  return finish({ method, urls: url ? [url] : [], authorization, uploadsFile, bodies }, scheme, true);
}

/** Invoke-WebRequest / Invoke-RestMethod parameters; PowerShell accepts any unambiguous prefix, in any case. */
const PS_VALUE_PARAMS = [
  'uri', 'method', 'custommethod', 'body', 'headers', 'infile', 'outfile', 'credential', 'authentication', 'token', 'contenttype',
  'useragent', 'websession', 'sessionvariable', 'timeoutsec', 'maximumredirection', 'maximumretrycount', 'retryintervalsec', 'proxy',
  'proxycredential', 'form', 'certificate', 'certificatethumbprint', 'transferencoding', 'httpversion', 'sslprotocol',
  'responseheadersvariable', 'statuscodevariable', 'connectiontimeoutseconds', 'operationtimeoutseconds',
];
const PS_SWITCHES = [
  'usebasicparsing', 'usedefaultcredentials', 'skipcertificatecheck', 'passthru', 'disablekeepalive', 'allowunencryptedauthentication',
  'resume', 'skipheadervalidation', 'skiphttperrorcheck', 'preserveauthorizationonredirect', 'noproxy', 'allowinsecureredirect',
  'followrellink', 'proxyusedefaultcredentials', 'preservehttpmethodonredirect',
];

function psParam(word: string): { name: string; switch: boolean } | undefined {
  const prefix = word.replace(/^-/, '').toLowerCase();
  const all = [...PS_VALUE_PARAMS.map((n) => ({ name: n, switch: false })), ...PS_SWITCHES.map((n) => ({ name: n, switch: true }))];
  const exact = all.find((p) => p.name === prefix);
  if (exact) return exact;
  const found = all.filter((p) => p.name.startsWith(prefix));
  return found.length === 1 ? found[0] : undefined;
}

function powershell(a: Analysed, io: Io): HttpRequest {
  const argv = a.cmd.argv.slice(1).map((w) => w.value);
  let method: string | undefined;
  let authorization = false;
  let uploadsFile = false;
  const urls: string[] = [];
  const bodies: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (!/^-[A-Za-z]/.test(word)) {
      if (urls.length === 0 && /^(https?:\/\/|[\w.-]+\.[a-z]{2,}|localhost)/i.test(word)) urls.push(word);
      else if (/\b(authorization|bearer|api-?key|x-[\w-]*token)\b/i.test(word)) authorization = true;
      continue;
    }
    const colon = word.indexOf(':');
    const param = psParam(colon > 0 ? word.slice(0, colon) : word);
    if (!param || param.switch) {
      if (param?.name === 'usedefaultcredentials') authorization = true;
      continue;
    }
    const value = colon > 0 ? word.slice(colon + 1) : argv[++i] ?? '';
    switch (param.name) {
      case 'uri':
        urls.push(value);
        break;
      case 'method':
      case 'custommethod':
        method = value.toUpperCase();
        break;
      case 'body':
        bodies.push(value);
        break;
      case 'infile':
        uploadsFile = true;
        bodies.push(readBody(value, io));
        break;
      case 'form':
        uploadsFile ||= /Get-Item|Get-ChildItem/i.test(value);
        break;
      case 'credential':
      case 'authentication':
      case 'token':
      case 'certificate':
      case 'certificatethumbprint':
        authorization = true;
        break;
      case 'headers':
        if (/\b(authorization|bearer|cookie|api-?key|token|secret)\b/i.test(value)) authorization = true;
        break;
    }
  }
  method ??= 'GET';
  return finish({ method, urls, authorization, uploadsFile, bodies }, 'https');
}

/**
 * `gh api` and `glab api`: a REST path or `graphql` on the platform's API, sent with the stored
 * login. GET unless fields or an input are given (then POST) or --method says otherwise.
 */
function platformApi(a: Analysed, io: Io, defaultHost: string): HttpRequest | undefined {
  if (a.positionals[0]?.value !== 'api' || !a.positionals[1]) return undefined;
  const endpoint = a.positionals[1].value;
  let method: string | undefined;
  let host = defaultHost;
  let hasData = false;
  let uploadsFile = false;
  const bodies: string[] = [];
  for (const o of a.options) {
    const v = o.value ?? '';
    switch (o.name) {
      case '-X':
      case '--method':
        method = v.toUpperCase();
        break;
      case '--hostname':
        host = v;
        break;
      case '-f': case '--raw-field': {
        hasData = true;
        const eq = v.indexOf('=');
        bodies.push(eq > 0 ? `${v.slice(0, eq)}=${expandValue(v.slice(eq + 1), io)}` : v);
        break;
      }
      case '-F': case '--field': {
        hasData = true;
        // `key=@file` reads the value from a file (`@-`: standard input).
        const file = /^([^=]*)=@(.*)$/s.exec(v);
        if (file) bodies.push(`${file[1]}=${readBody(file[2], io)}`);
        else bodies.push(v);
        break;
      }
      case '--input':
        hasData = true;
        uploadsFile = v !== '-';
        bodies.push(readBody(v, io));
        break;
    }
  }
  method ??= hasData || endpoint === 'graphql' ? 'POST' : 'GET';
  const url = /^https?:\/\//i.test(endpoint) ? endpoint : `https://${host}/${endpoint.replace(/^\//, '')}`;
  return finish({ method, urls: [url], authorization: true, uploadsFile, bodies });
}

/** `railway api '<document>'` (or --file): a GraphQL request to Railway's API with the stored login. */
function railwayApi(a: Analysed, io: Io): HttpRequest | undefined {
  if (a.positionals[0]?.value !== 'api') return undefined;
  const sub = a.positionals[1]?.value;
  if (sub === 'schema' || sub === 'search' || sub === 'describe' || sub === 'help') return undefined;
  const bodies: string[] = [];
  if (sub !== undefined) bodies.push(expandValue(sub, io));
  for (const o of a.options) if ((o.name === '-f' || o.name === '--file') && o.value !== undefined) bodies.push(readBody(o.value, io));
  if (sub === undefined && !a.options.some((o) => o.name === '-f' || o.name === '--file')) bodies.push(io.stdin());
  return finish({ method: 'POST', urls: ['https://backboard.railway.com/graphql/v2'], authorization: true, uploadsFile: false, bodies });
}

