/**
 * Environment facts: what says a command targets production. Workspace-wide facts come from
 * files and variables (kube context, cloud profile, terraform workspace, database URLs), read
 * through the injected reader; per-command facts come from the command itself (`--context`,
 * `--profile`, `-h host`, `user@host`, `NODE_ENV=production`). Each fact names its source, so a
 * reason can say "kube context prod-eks-us-east-1 (from KUBECONFIG)".
 */
import { looksProduction } from './environment';
import { glob } from './glob';
import type { SimpleCommand, EnvironmentFact } from './types';
import type { FileReader } from './unwrap';
import { basename } from './unwrap';

export interface FactPolicy {
  productionPatterns: string[];
  /** Host globs that are production whatever their name says. */
  productionHosts: string[];
}

export interface WorkspaceInputs {
  cwd: string;
  home: string;
  vars: Record<string, string | undefined>;
  reader?: FileReader;
}

function fact(kind: string, value: string, source: string, policy: FactPolicy, host = false): EnvironmentFact {
  // Azure storage account names are lower-case letters and digits only: `prodassets` is prod + assets.
  const named = kind === 'storage account' ? value.replace(/^(prod|production|prd)(?=[a-z0-9])/, '$1-').replace(/(?<=[a-z0-9])(prod|production|prd)$/, '-$1') : value;
  const production = looksProduction(named, policy.productionPatterns) || (host && policy.productionHosts.some((p) => glob(value, p, true)));
  return { kind, value, source, production };
}

/** `current-context:` of a kubeconfig; a line read, not a YAML parse: the key is top-level and scalar. */
export function kubeCurrentContext(text: string): string | undefined {
  const m = /^current-context:\s*["']?([^"'\n#]+?)["']?\s*(#.*)?$/m.exec(text);
  return m?.[1];
}

function iniValue(text: string, key: string): string | undefined {
  const m = new RegExp(`^\\s*${key}\\s*=\\s*(.+?)\\s*$`, 'm').exec(text);
  return m?.[1];
}

/** Host of a URL-like value (`postgres://u:p@db.prod:5432/x` → db.prod). */
export function urlHost(value: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/\s]*@)?(\[[^\]]+\]|[^:/?#\s]+)/i.exec(value.trim());
  return m?.[1]?.replace(/^\[|\]$/g, '').toLowerCase();
}

const URL_VAR = /^([A-Z0-9_]*_URL|[A-Z0-9_]*_URI|DATABASE_URL|DB_HOST|PGHOST|MYSQL_HOST|MYSQL_TCP_HOST|REDIS_HOST|MONGO_URL|MONGODB_URI|DOCKER_HOST|[A-Z0-9_]*_DB_HOST)$/;
const ENV_VARS = ['NODE_ENV', 'RAILS_ENV', 'RACK_ENV', 'APP_ENV', 'ENV', 'ENVIRONMENT', 'FLASK_ENV', 'DJANGO_ENV', 'MIX_ENV', 'STAGE', 'DEPLOY_ENV', 'SPRING_PROFILES_ACTIVE', 'ASPNETCORE_ENVIRONMENT', 'DOTNET_ENVIRONMENT', 'APP_STAGE', 'SENTRY_ENVIRONMENT', 'DJANGO_SETTINGS_MODULE', 'LARAVEL_ENV'];

/** Facts true for every command run in this workspace, from its files and variables. */
export function workspaceFacts(input: WorkspaceInputs, policy: FactPolicy): EnvironmentFact[] {
  return variableFacts(input.vars, input, policy, true);
}

/** Variables that say where commands act: the same names count in the environment and as `NAME=value cmd`. */
export const CONTEXT_VARIABLES: readonly string[] = [
  'KUBECONFIG', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'CLOUDSDK_CORE_PROJECT', 'CLOUDSDK_ACTIVE_CONFIG_NAME', 'CLOUDSDK_CONFIG', 'GOOGLE_CLOUD_PROJECT',
  'AZURE_SUBSCRIPTION_ID', 'ARM_SUBSCRIPTION_ID', 'TF_WORKSPACE', 'PULUMI_STACK', 'DOCKER_CONTEXT', 'DOCKER_HOST',
];

/**
 * Facts from variables. `defaults` reads the files tools fall back to when a variable is not set
 * (`~/.kube/config`, gcloud's active configuration): true for the workspace's own environment,
 * false for a command's assignments, which only override what they name. A kubeconfig that cannot
 * be read still tells by its name (`KUBECONFIG=~/.kube/prod`).
 */
function variableFacts(vars: Record<string, string | undefined>, input: Omit<WorkspaceInputs, 'vars'>, policy: FactPolicy, defaults: boolean): EnvironmentFact[] {
  const { reader } = input;
  const facts: EnvironmentFact[] = [];
  const read = (p: string): string | undefined => reader?.readFile(p);
  const home = (p: string): string => p.replace(/^~(?=\/|$)/, input.home);

  const kubeconfigs = vars.KUBECONFIG ? vars.KUBECONFIG.split(':').filter(Boolean).map(home) : defaults ? [`${input.home}/.kube/config`] : [];
  let kubeFound = false;
  for (const path of kubeconfigs) {
    const text = read(path);
    const ctx = text ? kubeCurrentContext(text) : undefined;
    if (ctx) {
      facts.push(fact('kube context', ctx, vars.KUBECONFIG ? 'KUBECONFIG' : '~/.kube/config', policy));
      kubeFound = true;
      break;
    }
  }
  if (!kubeFound && vars.KUBECONFIG) {
    for (const path of kubeconfigs) facts.push(fact('kubeconfig', path.replace(/^.*\//, ''), 'KUBECONFIG', policy));
  }
  for (const name of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE']) {
    if (vars[name]) facts.push(fact('AWS profile', vars[name]!, name, policy));
  }
  if (vars.CLOUDSDK_CORE_PROJECT) facts.push(fact('gcloud project', vars.CLOUDSDK_CORE_PROJECT, 'CLOUDSDK_CORE_PROJECT', policy));
  else if (defaults || vars.CLOUDSDK_ACTIVE_CONFIG_NAME || vars.CLOUDSDK_CONFIG) {
    const gdir = home(vars.CLOUDSDK_CONFIG ?? `${input.home}/.config/gcloud`);
    const active = vars.CLOUDSDK_ACTIVE_CONFIG_NAME ?? read(`${gdir}/active_config`)?.trim();
    const project = active ? iniValue(read(`${gdir}/configurations/config_${active}`) ?? '', 'project') : undefined;
    if (project) facts.push(fact('gcloud project', project, `gcloud configuration ${active}`, policy));
    else if (vars.CLOUDSDK_ACTIVE_CONFIG_NAME) facts.push(fact('gcloud configuration', vars.CLOUDSDK_ACTIVE_CONFIG_NAME, 'CLOUDSDK_ACTIVE_CONFIG_NAME', policy));
  }
  if (vars.GOOGLE_CLOUD_PROJECT) facts.push(fact('gcloud project', vars.GOOGLE_CLOUD_PROJECT, 'GOOGLE_CLOUD_PROJECT', policy));
  for (const name of ['AZURE_SUBSCRIPTION_ID', 'ARM_SUBSCRIPTION_ID']) {
    if (vars[name]) facts.push(fact('Azure subscription', vars[name]!, name, policy));
  }
  if (vars.TF_WORKSPACE) facts.push(fact('terraform workspace', vars.TF_WORKSPACE, 'TF_WORKSPACE', policy));
  else if (defaults) {
    const ws = read(`${input.cwd.replace(/\/+$/, '')}/.terraform/environment`)?.trim();
    if (ws) facts.push(fact('terraform workspace', ws, '.terraform/environment', policy));
  }
  if (vars.PULUMI_STACK) facts.push(fact('pulumi stack', vars.PULUMI_STACK, 'PULUMI_STACK', policy));
  if (vars.DOCKER_CONTEXT) facts.push(fact('docker context', vars.DOCKER_CONTEXT, 'DOCKER_CONTEXT', policy));
  for (const [name, value] of Object.entries(vars)) {
    if (!value) continue;
    if (URL_VAR.test(name)) {
      const host = urlHost(value) ?? (/^[A-Za-z0-9.-]+$/.test(value) ? value.toLowerCase() : undefined);
      if (host) facts.push(fact('host', host, name, policy, true));
    } else if (ENV_VARS.includes(name)) {
      facts.push(fact('environment variable', `${name}=${value}`, name, { ...policy, productionHosts: [] }));
    }
  }
  return facts.filter((f) => f.production || f.kind !== 'environment variable');
}

/** Options that name where a program acts: a kube context, a cloud profile, a stack, a host. */
const TARGET_OPTIONS: Record<string, Record<string, string>> = {
  kubectl: { '--context': 'kube context', '--cluster': 'kube cluster', '-n': 'namespace', '--namespace': 'namespace' },
  oc: { '--context': 'kube context', '--cluster': 'kube cluster', '-n': 'namespace', '--namespace': 'namespace' },
  helm: { '--kube-context': 'kube context', '-n': 'namespace', '--namespace': 'namespace' },
  k9s: { '--context': 'kube context', '-n': 'namespace' },
  // Resource names count too: `--db-instance-identifier prod-db` names production by itself.
  aws: {
    '--profile': 'AWS profile', '--db-instance-identifier': 'database', '--db-cluster-identifier': 'database cluster',
    '--cluster-identifier': 'cluster', '--stack-name': 'stack', '--bucket': 'bucket', '--table-name': 'table', '--cluster': 'cluster',
    '--function-name': 'function', '--backup-vault-name': 'backup vault', '--repository-name': 'repository', '--environment-name': 'environment',
  },
  eksctl: { '--profile': 'AWS profile', '--cluster': 'cluster', '--name': 'cluster' },
  cdk: { '--profile': 'AWS profile' },
  sam: { '--profile': 'AWS profile', '--stack-name': 'stack' },
  serverless: { '--stage': 'stage', '-s': 'stage', '--aws-profile': 'AWS profile' },
  sls: { '--stage': 'stage', '-s': 'stage', '--aws-profile': 'AWS profile' },
  velero: { '--kubecontext': 'kube context', '-n': 'namespace', '--namespace': 'namespace' },
  argocd: { '--kube-context': 'kube context' },
  gcloud: { '--project': 'gcloud project', '--configuration': 'gcloud configuration' },
  gsutil: { '-p': 'gcloud project' },
  bq: { '--project_id': 'gcloud project' },
  az: { '--subscription': 'Azure subscription', '-g': 'resource group', '--resource-group': 'resource group', '--account-name': 'storage account', '--vault-name': 'key vault' },
  doctl: { '--context': 'doctl context' },
  pulumi: { '--stack': 'pulumi stack', '-s': 'pulumi stack' },
  terraform: { '-var-file': 'terraform var file' },
  tofu: { '-var-file': 'terraform var file' },
  psql: { '-h': 'host', '--host': 'host', '-d': 'database', '--dbname': 'database' },
  pg_dump: { '-h': 'host', '--host': 'host' },
  pg_restore: { '-h': 'host', '--host': 'host' },
  dropdb: { '-h': 'host', '--host': 'host' },
  createdb: { '-h': 'host', '--host': 'host' },
  mysql: { '-h': 'host', '--host': 'host' },
  mariadb: { '-h': 'host', '--host': 'host' },
  mysqldump: { '-h': 'host', '--host': 'host' },
  'redis-cli': { '-h': 'host', '-u': 'host' },
  mongosh: { '--host': 'host' },
  mongo: { '--host': 'host' },
  'clickhouse-client': { '--host': 'host', '-h': 'host' },
  cqlsh: {},
  railway: { '--environment': 'railway environment', '-e': 'railway environment' },
  flyctl: { '-a': 'fly app', '--app': 'fly app' },
  fly: { '-a': 'fly app', '--app': 'fly app' },
  heroku: { '-a': 'heroku app', '--app': 'heroku app', '-r': 'heroku remote', '--remote': 'heroku remote' },
  vercel: { '--scope': 'vercel scope', '--environment': 'vercel environment' },
  supabase: { '--project-ref': 'supabase project' },
};

const HOSTED = new Set(['ssh', 'scp', 'rsync', 'sftp', 'mosh']);

function optionValues(argv: SimpleCommand['argv'], names: Record<string, string>): { kind: string; value: string; flag: string }[] {
  const out: { kind: string; value: string; flag: string }[] = [];
  for (let i = 1; i < argv.length; i++) {
    const v = argv[i].value;
    if (v === '--') break;
    const eq = v.indexOf('=');
    const name = eq > 0 ? v.slice(0, eq) : v;
    const kind = names[name];
    if (kind) {
      const value = eq > 0 ? v.slice(eq + 1) : argv[i + 1]?.value;
      if (value !== undefined && !value.startsWith('-')) out.push({ kind, value, flag: name });
      continue;
    }
    // `-hdb.prod` and `-nprod`: short options with the value attached.
    if (/^-[A-Za-z]./.test(v) && !v.startsWith('--') && names[v.slice(0, 2)]) {
      out.push({ kind: names[v.slice(0, 2)], value: v.slice(2), flag: v.slice(0, 2) });
    }
  }
  return out;
}

/** Facts carried by one command: its target options, URLs, remote hosts, env assignments and files. */
export function commandFacts(cmd: SimpleCommand, policy: FactPolicy, lineVars: Map<string, { value: string }>, inputs?: Omit<WorkspaceInputs, 'vars'>): EnvironmentFact[] {
  const facts: EnvironmentFact[] = [];
  const program = basename(cmd.argv[0]?.value ?? '').toLowerCase();
  const spec = TARGET_OPTIONS[program];
  if (spec) {
    for (const o of optionValues(cmd.argv, spec)) facts.push(fact(o.kind, o.value, o.flag, policy, o.kind === 'host'));
  }
  for (const w of cmd.argv.slice(1)) {
    const host = urlHost(w.value);
    if (host && /^(postgres(ql)?|mysql|mariadb|mongodb(\+srv)?|redis|rediss|amqps?|clickhouse|jdbc:[a-z]+|sqlserver|cockroachdb):/i.test(w.value)) {
      facts.push(fact('database host', host, 'command line', policy, true));
    }
    const bucket = /^(?:s3|gs|r2|az|abfss?|wasbs?):\/\/([^/@]+@)?([^/]+)/i.exec(w.value);
    if (bucket) facts.push(fact('bucket', bucket[2], 'command line', policy));
    // Azure storage by URL (azcopy, az storage --destination): the account, then the container.
    const azure = /^https?:\/\/([a-z0-9]+)\.(?:blob|dfs|file|queue|table)\.core\.windows\.net\/?([^/?]*)/i.exec(w.value);
    if (azure) {
      facts.push(fact('storage account', azure[1], 'command line', policy));
      if (azure[2]) facts.push(fact('bucket', azure[2], 'command line', policy));
    }
    // rclone's `remote:bucket/path` and MinIO client's `alias/bucket/path` name the store by name.
    const remote = program === 'rclone' ? /^([A-Za-z0-9_-]+):(?!\/\/)([^/]*)/.exec(w.value) : undefined;
    if (remote) {
      facts.push(fact('rclone remote', remote[1], 'command line', policy));
      if (remote[2]) facts.push(fact('bucket', remote[2], 'command line', policy));
    }
    const alias = program === 'mc' && !w.value.startsWith('-') ? /^([A-Za-z0-9_-]+)\/([^/]+)/.exec(w.value) : undefined;
    if (alias) facts.push(fact('bucket', alias[2], 'command line', policy), fact('mc alias', alias[1], 'command line', policy));
    if (/(^|\/)\.env\.[A-Za-z0-9_-]+$/.test(w.value) && !/\.(example|sample|template|dist|defaults?)$/i.test(w.value)) {
      facts.push(fact('env file', w.value.replace(/^.*\//, ''), 'command line', policy));
    }
  }
  if (HOSTED.has(program)) {
    for (const w of cmd.argv.slice(1)) {
      if (w.value.startsWith('-')) continue;
      const m = /^(?:[^@\s/]+@)?([A-Za-z0-9.-]+)(?::|$)/.exec(w.value);
      if (m && (w.value.includes('@') || w.value.includes(':') || program === 'ssh' || program === 'mosh')) {
        facts.push(fact('remote host', m[1].toLowerCase(), program, policy, true));
        if (program === 'ssh' || program === 'mosh') break;
      }
    }
  }
  if (cmd.remote?.kind === 'ssh') facts.push(fact('remote host', cmd.remote.target, 'ssh', policy, true));
  // `AWS_PROFILE=prod aws …`, `KUBECONFIG=~/.kube/prod kubectl …`, `env RAILS_ENV=production rails …`, and
  // `export X=…` earlier on the line: read exactly as the same variables in the environment are.
  const assigned: Record<string, string> = {};
  for (const name of [...CONTEXT_VARIABLES, ...ENV_VARS]) {
    const v = lineVars.get(name) as { value: string; dynamic?: boolean; unset?: true } | undefined;
    if (v && !v.unset && !v.dynamic && v.value) assigned[name] = v.value;
  }
  for (const [name, v] of lineVars) if (URL_VAR.test(name) && !(v as { dynamic?: boolean }).dynamic && v.value) assigned[name] = v.value;
  for (const a of cmd.assignments) if (!a.value.dynamic || !/[$`]/.test(a.value.value)) assigned[a.name] = a.value.value;
  const relevant = Object.fromEntries(Object.entries(assigned).filter(([name]) => CONTEXT_VARIABLES.includes(name) || ENV_VARS.includes(name) || URL_VAR.test(name)));
  if (Object.keys(relevant).length > 0) {
    for (const f of variableFacts(relevant, { cwd: inputs?.cwd ?? '/', home: inputs?.home ?? '/', reader: inputs?.reader }, policy, false)) {
      facts.push({ ...f, source: f.source === 'command line' ? f.source : `${f.source} on the command line` });
    }
  }
  // `terraform workspace select prod && terraform apply`: the line's own selection counts.
  if ((program === 'terraform' || program === 'tofu') && lineVars.has('__terraform_workspace')) {
    facts.push(fact('terraform workspace', lineVars.get('__terraform_workspace')!.value, 'terraform workspace select', policy));
  }
  return facts.filter((f) => f.production);
}
