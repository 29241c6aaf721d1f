/**
 * Literal secrets written into a command line: provider tokens, private keys, passwords in URLs.
 * A secret on the command line lands in shell history, process listings, CI logs and the agent's
 * transcript, whatever the command does with it.
 *
 * The patterns are those of secretlint's recommended preset
 * (@secretlint/secretlint-rule-preset-recommend 13.1.0, MIT, https://github.com/secretlint/secretlint),
 * one entry per rule and message id, with its placeholder filters. Only provider-specific formats
 * are kept: each has a fixed prefix or structure, so a match is almost never anything but a secret.
 * The preset itself is not a dependency: bundled and minified it is 65 KB and adds about 6 ms to
 * every CLI start, run through @secretlint/core it costs about 85 µs a line (12 µs calling its
 * rules directly), against an engine budget of 50 µs a line, and it declares Node >= 22. These
 * patterns cost well under 1 µs a line, because text with none of their prefixes is skipped.
 *
 * Departures from the preset, for command lines: the AWS secret access key may follow its name
 * after a space (`aws configure set aws_secret_access_key KEY`), and AWS access key IDs (AKIA…)
 * are not reported, as in the preset's defaults: an ID is not a secret, and IAM commands name
 * them routinely (`aws iam update-access-key --access-key-id AKIA…`).
 */

export interface SecretMatch {
  /** What the secret is, by the preset rule that finds it (e.g. `github-token`, `private-key`). */
  kind: string;
  /** UTF-16 offsets of the secret in the text, end exclusive. */
  start: number;
  end: number;
}

interface Detector {
  kind: string;
  /** Global regular expression; group `secret` (when present) narrows the reported range. */
  pattern: RegExp;
  /** Further check on the match; false drops it (placeholders, examples). */
  accept?: (m: RegExpExecArray) => boolean;
}

/** Cheap first pass: text without any of these substrings holds none of the secrets below. */
const ANCHORS =
  /-----BEGIN|_authToken=|npm_|xox[abpor]-|xapp-|hooks\.slack\.com|:\/\/[^\s/@:]{1,256}:[^\s/@]{1,256}@|SG\.|shp(?:pa|ca|at|ss)_|[rs]k_(?:live|test)_|gh[pousr]_|github_pat_|glpat-|gl(?:c|sa)_|sk-|gsk_|hf_|lin_api_|ntn_|ops_ey|hv[sbr]\.|vc[pikar]_|dapi|dckr_pat_|figd_|cf(?:k|ut|at)_|tskey-|secret_?access_?key/i;

/** @secretlint/secretlint-rule-aws: keys the AWS documentation uses as examples. */
const AWS_EXAMPLE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** @secretlint/secretlint-rule-database-connection-string: placeholders that are not credentials. */
const DB_PLACEHOLDERS = new Set([
  'localhost', '127.0.0.1', 'example.com', 'example.org', 'test.com', 'password', 'username', 'secret', 'mypassword',
  'myusername', 'root', 'admin', 'user', 'pass', '{password}', '${password}', '{{password}}', '{username}', '${username}',
  '{{username}}', 'your_password', 'your_username', 'replace_with_password',
]);

/** @secretlint/secretlint-rule-basicauth: placeholders, matched as substrings. */
const BASIC_AUTH_PLACEHOLDERS = [
  'localhost', '127.0.0.1', 'password', 'mypassword', 'myusername', '{password}', '${password}', '{{password}}',
  '{username}', '${username}', '{{username}}', 'your_password', 'your_username', 'replace_with_password', 'replace_with_username',
];

/** A template or variable reference rather than a value: `${VAR}`, `{{var}}`, `%VAR%`, `$VAR`, `$(cmd)`. */
function variableLike(s: string): boolean {
  return /\$\{[^}]{1,50}\}|\{\{[^}]{1,50}\}\}|\{[^}]{1,50}\}|%[A-Z_]{1,30}%|\$[A-Z_]{1,30}|\$\([^)]{1,50}\)/.test(s);
}

function likelyDbCredential(user: string | undefined, password: string | undefined): boolean {
  if (!user || !password || user === password || password.length < 4 || variableLike(password)) return false;
  if (DB_PLACEHOLDERS.has(password.toLowerCase())) return false;
  return !/^(.)\1{3,}$/.test(password);
}

function likelyBasicAuth(user: string | undefined, password: string | undefined): boolean {
  if (!user || !password || user.length < 2 || password.length < 4) return false;
  if (variableLike(user) || variableLike(password)) return false;
  const lower = (s: string): string => s.toLowerCase();
  if (BASIC_AUTH_PLACEHOLDERS.some((p) => lower(user).includes(p) || lower(password).includes(p))) return false;
  return !/^(.)\1{3,}$/.test(password);
}

/** @secretlint/secretlint-rule-privatekey: the body must be base64 of a real key (ASN.1 or openssh-key-v1). */
function realPrivateKey(body: string): boolean {
  const b64 = body.replace(/\s|\\n/g, '');
  return /^[A-Za-z0-9+/]+=*$/.test(b64) && b64.length >= 100 && /^(MI|b3BlbnNzaC1rZXktdjE)/.test(b64);
}

/** @secretlint/secretlint-rule-1password: the body decodes to a JSON object. */
function onePasswordToken(body: string): boolean {
  try {
    const json: unknown = JSON.parse(atob(body.replace(/-/g, '+').replace(/_/g, '/')));
    return typeof json === 'object' && json !== null;
  } catch {
    return false;
  }
}

const DB_URI = (scheme: string): RegExp =>
  new RegExp(`${scheme}:\\/\\/(?:(?<user>[^:\\/\\s]{1,100}):(?<password>[^@\\/\\s]{1,200})@)?(?<host>[^\\/\\s?]{1,100})(?:\\/[^?\\s]{0,100})?(?:\\?[^\\s]{0,500})?`, 'gi');

const DETECTORS: Detector[] = [
  // @secretlint/secretlint-rule-privatekey (PrivateKey)
  {
    kind: 'private-key',
    pattern: /-----BEGIN[ ]?(?:(?:RSA|DSA|EC|OPENSSH|PGP) )?PRIVATE KEY(?: BLOCK)?-----\n?(?<body>[A-Za-z0-9+/=\s\\]{100,10000})\n?-----END[ ]?(?:(?:RSA|DSA|EC|OPENSSH|PGP) )?PRIVATE KEY(?: BLOCK)?-----/gm,
    accept: (m) => realPrivateKey(m.groups!.body),
  },
  // @secretlint/secretlint-rule-aws (AWSSecretAccessKey), also after a space.
  {
    kind: 'aws-secret-access-key',
    pattern: /["']?(?:AWS|aws|Aws)?_?(?:SECRET|secret|Secret)_?(?:ACCESS|access|Access)_?(?:KEY|key|Key)["']?(?:\s*(?::|=>|=)\s*|\s+)["']?(?<secret>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/g,
    accept: (m) => m.groups!.secret !== AWS_EXAMPLE_SECRET,
  },
  // @secretlint/secretlint-rule-npm (Npmrc_authToken, NPM_ACCESS_TOKEN)
  { kind: 'npm-token', pattern: /_authToken=(?<secret>[^$\s'"][^\s'"]{7,})/g },
  { kind: 'npm-token', pattern: /(?<!\p{L})npm_[A-Za-z0-9_]{36}(?![A-Za-z0-9_])/gu },
  // @secretlint/secretlint-rule-slack (SLACK_TOKEN, IncomingWebhook)
  { kind: 'slack-token', pattern: /\b(?:xoxb|xoxp|xapp|xoxa|xoxo|xoxr)-(?:\d-)?(?:[a-zA-Z0-9]{1,40}-)+[a-zA-Z0-9]{1,40}\b/g },
  { kind: 'slack-webhook', pattern: /https:\/\/hooks\.slack\.com\/services\/T[a-zA-Z0-9]{1,40}\/B[a-zA-Z0-9]{1,40}\/[a-zA-Z0-9]{1,40}/gi },
  // @secretlint/secretlint-rule-basicauth (BasicAuth)
  {
    kind: 'basic-auth',
    pattern: /(?:https?|ftps?):\/\/(?<user>[-a-zA-Z0-9_]{1,256}):(?<password>[-a-zA-Z0-9_]{1,256})@[-a-zA-Z0-9%._+~#=]{1,256}\.[a-zA-Z0-9()]{1,6}\b/g,
    accept: (m) => likelyBasicAuth(m.groups!.user, m.groups!.password),
  },
  // @secretlint/secretlint-rule-database-connection-string (MongoDB/MySQL/PostgreSQLConnection)
  { kind: 'database-connection-string', pattern: DB_URI('mongodb(?:\\+srv)?'), accept: (m) => likelyDbCredential(m.groups!.user, m.groups!.password) },
  { kind: 'database-connection-string', pattern: DB_URI('(?:jdbc:)?mysqlx?'), accept: (m) => likelyDbCredential(m.groups!.user, m.groups!.password) },
  { kind: 'database-connection-string', pattern: DB_URI('postgres(?:ql)?'), accept: (m) => likelyDbCredential(m.groups!.user, m.groups!.password) },
  // @secretlint/secretlint-rule-sendgrid, -shopify, -stripe
  { kind: 'sendgrid-api-key', pattern: /(?<!\p{L})SG\.\w{1,128}\.\w{1,128}[-_]?\w{1,128}(?!\w)/gu },
  { kind: 'shopify-token', pattern: /(?<!\p{L})(?:shppa|shpca|shpat|shpss)_[a-zA-Z0-9]{32,64}(?![a-zA-Z0-9])/gu },
  { kind: 'stripe-key', pattern: /(?<!\p{L})(?:sk_live|sk_test|rk_live|rk_test)_[a-zA-Z0-9]{24,99}(?![a-zA-Z0-9])/gu },
  // @secretlint/secretlint-rule-github (classic, fine-grained, app installation tokens)
  { kind: 'github-token', pattern: /(?<!\p{L})(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{36}(?![A-Za-z0-9_])/gu },
  { kind: 'github-token', pattern: /(?<!\p{L})github_pat_[A-Za-z0-9_]{82}(?![A-Za-z0-9_])/gu },
  { kind: 'github-token', pattern: /(?<!\p{L})ghs_[0-9]{1,20}_[A-Za-z0-9_-]{1,1000}\.[A-Za-z0-9_-]{1,10000}\.[A-Za-z0-9_-]{1,1000}(?![A-Za-z0-9_-])/gu },
  // @secretlint/secretlint-rule-gitlab, -grafana
  { kind: 'gitlab-token', pattern: /(?<!\p{L})glpat-[A-Za-z0-9_-]{20,128}(?![A-Za-z0-9_-])/gu },
  { kind: 'grafana-token', pattern: /(?<!\p{L})glc_[A-Za-z0-9+/]{32,400}={0,2}(?![A-Za-z0-9+/=])/gu },
  { kind: 'grafana-token', pattern: /(?<!\p{L})glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}(?![A-Fa-f0-9])/gu },
  // @secretlint/secretlint-rule-openai, -anthropic, -groq, -huggingface
  {
    kind: 'openai-api-key',
    pattern: /sk-(?:proj|svcacct|admin)-(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})T3BlbkFJ(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})\b|sk-[a-zA-Z0-9]{20}T3BlbkFJ[a-zA-Z0-9]{20}/g,
  },
  { kind: 'anthropic-api-key', pattern: /(?<!\p{L})sk-ant-api0\d-[A-Za-z0-9_-]{90,128}AA(?![A-Za-z0-9_-])/gu },
  { kind: 'groq-api-key', pattern: /(?<!\p{L})gsk_[a-zA-Z0-9]{52}(?![a-zA-Z0-9])/gu },
  { kind: 'huggingface-token', pattern: /(?<!\p{L})hf_[a-zA-Z]{34}(?![a-zA-Z])/gu },
  // @secretlint/secretlint-rule-linear, -notion, -1password
  { kind: 'linear-api-key', pattern: /(?<!\p{L})lin_api_[a-zA-Z0-9_]{32,128}(?![a-zA-Z0-9_])/gu },
  { kind: 'notion-token', pattern: /(?<!\p{L})ntn_[0-9]{11}[A-Za-z0-9]{35}(?![A-Za-z0-9])/gu },
  { kind: '1password-service-account-token', pattern: /(?<!\p{L})ops_(?<body>ey[A-Za-z0-9+/=]{100,1280}fQ={0,2})(?![A-Za-z0-9+/=])/gu, accept: (m) => onePasswordToken(m.groups!.body) },
  // @secretlint/secretlint-rule-hashicorp-vault (service, batch, recovery tokens)
  { kind: 'vault-token', pattern: /(?<!\p{L})hvs\.[A-Za-z0-9_-]{90,120}(?![A-Za-z0-9_-])/gu },
  { kind: 'vault-token', pattern: /(?<!\p{L})hvb\.[A-Za-z0-9_-]{138,300}(?![A-Za-z0-9_-])/gu },
  { kind: 'vault-token', pattern: /(?<!\p{L})hvr\.[A-Za-z0-9_-]{90,120}(?![A-Za-z0-9_-])/gu },
  // @secretlint/secretlint-rule-vercel, -databricks, -docker, -figma, -cloudflare, -tailscale
  { kind: 'vercel-token', pattern: /(?<!\p{L})(?:vcp|vci|vca|vcr|vck)_[A-Za-z0-9]{20,60}(?![A-Za-z0-9])/gu },
  { kind: 'databricks-token', pattern: /(?<!\p{L})dapi[A-Fa-f0-9]{32}(?:-[0-9])?(?![A-Fa-f0-9])/gu },
  { kind: 'docker-token', pattern: /(?<!\p{L})dckr_pat_[a-zA-Z0-9_-]{27}(?![a-zA-Z0-9_-])/gu },
  { kind: 'figma-token', pattern: /(?<!\p{L})figd_[A-Za-z0-9_-]{40,200}(?![A-Za-z0-9_-])/gu },
  { kind: 'cloudflare-token', pattern: /(?<!\p{L})(?:cfk|cfut|cfat)_[A-Za-z0-9]{40}[0-9a-f]{8}(?![A-Za-z0-9])/gu },
  { kind: 'tailscale-key', pattern: /(?<!\p{L})tskey-[a-z]{2,20}-[0-9A-Za-z_]{8,40}-[0-9A-Za-z_]{16,60}(?![0-9A-Za-z_])/gu },
];

/** Every literal secret in `text`, in order of position. */
export function findSecrets(text: string): SecretMatch[] {
  if (!ANCHORS.test(text)) return [];
  const found: SecretMatch[] = [];
  for (const d of DETECTORS) {
    d.pattern.lastIndex = 0;
    for (let m = d.pattern.exec(text); m; m = d.pattern.exec(text)) {
      if (m[0].length === 0) d.pattern.lastIndex++;
      if (d.accept && !d.accept(m)) continue;
      const secret = m.groups?.secret;
      const start = secret !== undefined ? m.index + m[0].lastIndexOf(secret) : m.index;
      const end = start + (secret ?? m[0]).length;
      // Two formats of one provider can find the same token (`_authToken=npm_…`): report it once.
      if (!found.some((f) => f.kind === d.kind && f.start === start && f.end === end)) found.push({ kind: d.kind, start, end });
    }
  }
  return found.sort((a, b) => a.start - b.start || a.end - b.end);
}
