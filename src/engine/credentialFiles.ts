/**
 * Files that hold credentials: cloud and cluster keys, registry and forge tokens, SSH and TLS
 * private keys, `.env` files. An agent that reads one can use what it finds far beyond its task;
 * the incident Interlock exists for began with an agent finding a token in a file.
 * Pure string work against the working directory and home passed in; nothing touches the disk.
 */
import { normalizePath } from './paths';

export interface FileContext {
  cwd: string;
  home: string;
}

/** Paths under the home directory, as globs over path segments (`*` within one segment). */
const HOME_FILES: [string, string][] = [
  ['.aws/credentials', 'AWS credentials'],
  ['.aws/sso/cache/*', 'AWS SSO tokens'],
  ['.aws/cli/cache/*', 'AWS session tokens'],
  ['.ssh/id_*', 'an SSH private key'],
  ['.kube/config', 'Kubernetes credentials'],
  ['.kube/*.kubeconfig', 'Kubernetes credentials'],
  ['.npmrc', 'an npm token'],
  ['.pypirc', 'a PyPI token'],
  ['.docker/config.json', 'Docker registry credentials'],
  ['.config/gh/hosts.yml', 'a GitHub CLI token'],
  ['.config/hub', 'a GitHub token'],
  ['.git-credentials', 'Git credentials'],
  ['.netrc', 'netrc passwords'],
  ['.pgpass', 'PostgreSQL passwords'],
  ['.my.cnf', 'MySQL credentials'],
  ['.config/gcloud/application_default_credentials.json', 'Google Cloud credentials'],
  ['.config/gcloud/credentials.db', 'Google Cloud credentials'],
  ['.config/gcloud/access_tokens.db', 'Google Cloud tokens'],
  ['.config/gcloud/legacy_credentials/*/*', 'Google Cloud credentials'],
  ['.azure/accessTokens.json', 'Azure tokens'],
  ['.azure/msal_token_cache.*', 'Azure tokens'],
  ['.terraform.d/credentials.tfrc.json', 'a Terraform Cloud token'],
  ['.config/doctl/config.yaml', 'a DigitalOcean token'],
  ['.fly/config.yml', 'a Fly.io token'],
  ['.railway/config.json', 'a Railway token'],
  ['.local/share/com.vercel.cli/auth.json', 'a Vercel token'],
  ['.supabase/access-token', 'a Supabase token'],
  ['.config/netlify/config.json', 'a Netlify token'],
  ['.wrangler/config/default.toml', 'a Cloudflare token'],
  ['.config/.wrangler/config/default.toml', 'a Cloudflare token'],
  ['.cargo/credentials', 'a crates.io token'],
  ['.cargo/credentials.toml', 'a crates.io token'],
  ['.gem/credentials', 'a RubyGems token'],
  ['.vault-token', 'a Vault token'],
  ['.boto', 'cloud storage credentials'],
  ['.s3cfg', 'S3 credentials'],
  ['.config/rclone/rclone.conf', 'rclone remote credentials'],
  ['.gnupg/private-keys-v1.d/*', 'a GPG private key'],
  ['.password-store/*', 'a password store entry'],
];

/** Directories whose contents are mostly credentials: searching them reads the secrets. */
const HOME_DIRS = ['.aws', '.ssh', '.kube', '.docker', '.config/gh', '.config/gcloud', '.azure', '.gnupg', '.password-store', '.terraform.d'];

/** File names that hold secrets wherever they are. */
const ANYWHERE: [RegExp, string][] = [
  [/^\.env$/, 'an environment file'],
  [/^\.envrc$/, 'a direnv environment file'],
  [/^id_(rsa|dsa|ecdsa|ed25519)(_sk)?$/, 'an SSH private key'],
  [/\.(pem|key|p12|pfx|jks|keystore|ppk)$/i, 'a private key or keystore'],
  // Terraform state keeps every resource attribute in plain text, passwords and keys included.
  [/\.tfstate(\.backup)?$/, 'Terraform state'],
  [/^(credentials|client_secrets?.*|service[-_]?account.*)\.json$/i, 'a service credentials file'],
  [/^kubeconfig$|\.kubeconfig$/, 'Kubernetes credentials'],
  [/^\.htpasswd$/, 'password hashes'],
];

/** `.env.local`, `.env.production`… but not the templates checked in beside them. */
const ENV_VARIANT = /^\.env\.[A-Za-z0-9_.-]+$/;
const ENV_TEMPLATE = /\.(example|sample|template|dist|defaults?)$/i;

/** Absolute, normalized form of a path as the agent gave it: `~`, `$HOME` and relative paths resolved. */
export function resolvePath(raw: string, ctx: FileContext): string {
  let p = raw.trim();
  if (p === '~' || p.startsWith('~/')) p = ctx.home + p.slice(1);
  else if (/^(\$HOME|\$\{HOME\})(?=\/|$)/.test(p)) p = ctx.home + p.replace(/^(\$HOME|\$\{HOME\})/, '');
  else if (p.startsWith('file://')) p = decodeURIComponent(p.slice('file://'.length));
  if (!p.startsWith('/')) p = `${ctx.cwd}/${p}`;
  return normalizePath(p);
}

function segmentsMatch(rel: string[], pattern: string[]): boolean {
  if (rel.length !== pattern.length) return false;
  return pattern.every((seg, i) => {
    if (!seg.includes('*')) return seg === rel[i];
    const re = new RegExp(`^${seg.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
    return re.test(rel[i]);
  });
}

/** What credential a file holds (`AWS credentials`), or undefined when it is not a known credential file. */
export function credentialFile(raw: string, ctx: FileContext): string | undefined {
  if (!raw) return undefined;
  const path = resolvePath(raw, ctx);
  const name = path.slice(path.lastIndexOf('/') + 1);
  // Public halves of key pairs are meant to be shared.
  if (name.endsWith('.pub')) return undefined;
  const home = normalizePath(ctx.home);
  if (path.startsWith(home + '/')) {
    const rel = path.slice(home.length + 1).split('/');
    for (const [pattern, what] of HOME_FILES) if (segmentsMatch(rel, pattern.split('/'))) return what;
  }
  if (ENV_VARIANT.test(name) && !ENV_TEMPLATE.test(name)) return 'an environment file';
  for (const [re, what] of ANYWHERE) if (re.test(name)) return what;
  return undefined;
}

/**
 * Whether searching below `raw` reads credentials: a credential directory, the home directory, or
 * anything above it (a recursive search of `/` or `~` walks through `~/.aws` and `~/.ssh`).
 */
export function searchReachesCredentials(raw: string, ctx: FileContext): string | undefined {
  const path = resolvePath(raw, ctx);
  const home = normalizePath(ctx.home);
  if (path === home || home.startsWith(path === '/' ? '/' : path + '/')) return 'the home directory, where credential files live';
  for (const dir of HOME_DIRS) {
    const full = `${home}/${dir}`;
    if (path === full || path.startsWith(full + '/')) return `~/${dir}, a directory of credentials`;
  }
  return credentialFile(raw, ctx);
}

/** Whether a file-name glob (`.env*`, `*.pem`) selects credential files. */
export function globSelectsCredentials(glob: string): string | undefined {
  const name = glob.slice(glob.lastIndexOf('/') + 1);
  // Try the glob's literal shape against the name patterns with its wildcards filled in plausibly.
  for (const fill of ['', 'production', 'x']) {
    const probe = name.replace(/\{([^}]*)\}/g, (_m, alts: string) => alts.split(',')[0] ?? '').replace(/\*+/g, fill).replace(/\?/g, 'x');
    const what = credentialFile(probe, { cwd: '/', home: '/nonexistent-home' });
    if (what) return what;
  }
  return undefined;
}
