import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectFileAccess, inspectToolCall, looksLikeSql, parseMcpToolName, toolNameWords } from '../../src/engine/toolCalls';
import type { ToolCall } from '../../src/engine/toolCalls';
import { credentialFile, globSelectsCredentials, searchReachesCredentials } from '../../src/engine/credentialFiles';
import { environmentFrom } from '../../src/engine/environment';

const HOME = '/home/dev';
const CWD = '/home/dev/shop';
const files = { cwd: CWD, home: HOME };
const dev = environmentFrom({});
const prod = environmentFrom({ label: 'production', source: '.interlock.jsonc' });

const credentialCases: { path: string; what?: RegExp }[] = [
  { path: '~/.aws/credentials', what: /AWS/ },
  { path: `${HOME}/.aws/credentials`, what: /AWS/ },
  { path: '$HOME/.aws/credentials', what: /AWS/ },
  { path: '../.aws/credentials', what: /AWS/ }, // relative to the workspace, inside home
  { path: '~/.aws/config' },
  { path: '~/.aws/sso/cache/abc123.json', what: /SSO/ },
  { path: '~/.ssh/id_ed25519', what: /SSH/ },
  { path: '~/.ssh/id_rsa', what: /SSH/ },
  { path: '~/.ssh/id_rsa.pub' },
  { path: '~/.ssh/known_hosts' },
  { path: '~/.ssh/config' },
  { path: '~/.kube/config', what: /Kubernetes/ },
  { path: '~/.npmrc', what: /npm/ },
  { path: '.npmrc' }, // a project's .npmrc usually names a registry only
  { path: '~/.docker/config.json', what: /Docker/ },
  { path: '~/.config/gh/hosts.yml', what: /GitHub/ },
  { path: '~/.netrc', what: /netrc/ },
  { path: '~/.pgpass', what: /PostgreSQL/ },
  { path: '~/.git-credentials', what: /Git/ },
  { path: '~/.config/gcloud/application_default_credentials.json', what: /Google/ },
  { path: '~/.terraform.d/credentials.tfrc.json', what: /Terraform/ },
  { path: '.env', what: /environment/ },
  { path: 'apps/api/.env', what: /environment/ },
  { path: '.env.local', what: /environment/ },
  { path: '.env.production', what: /environment/ },
  { path: '.env.example' },
  { path: '.env.sample' },
  { path: '.env.template' },
  { path: '.envrc', what: /direnv/ },
  { path: 'certs/server.pem', what: /key/ },
  { path: 'config/master.key', what: /key/ },
  { path: 'deploy/id_rsa', what: /SSH/ },
  { path: 'infra/terraform.tfstate', what: /Terraform/ },
  { path: 'credentials.json', what: /service/ },
  { path: 'gcp/service-account-prod.json', what: /service/ },
  { path: 'src/env.ts' },
  { path: 'README.md' },
  { path: 'src/keys.ts' },
  { path: 'docs/.environment.md' },
];

for (const { path, what } of credentialCases) {
  test(`credential file ${what ? 'yes' : 'no'}: ${path}`, () => {
    const got = credentialFile(path, files);
    if (what) assert.match(got ?? '', what);
    else assert.equal(got, undefined);
  });
}

const searchCases: { path: string; flagged: boolean }[] = [
  { path: '~', flagged: true },
  { path: HOME, flagged: true },
  { path: '/', flagged: true },
  { path: '/home', flagged: true },
  { path: '~/.aws', flagged: true },
  { path: '~/.ssh/', flagged: true },
  { path: CWD, flagged: false },
  { path: 'src', flagged: false },
  { path: '/tmp', flagged: false },
];
for (const { path, flagged } of searchCases) {
  test(`search ${flagged ? 'reaches' : 'does not reach'} credentials: ${path}`, () => {
    assert.equal(searchReachesCredentials(path, files) !== undefined, flagged);
  });
}

for (const [glob, flagged] of [['.env*', true], ['*.pem', true], ['**/.env.*', true], ['*.ts', false], ['**/*.md', false]] as const) {
  test(`glob ${glob} ${flagged ? 'selects' : 'does not select'} credential files`, () => {
    assert.equal(globSelectsCredentials(glob) !== undefined, flagged);
  });
}

test('tool names split into words', () => {
  assert.deepEqual(toolNameWords('deleteRepository'), ['delete', 'repository']);
  assert.deepEqual(toolNameWords('drop_table'), ['drop', 'table']);
  assert.deepEqual(toolNameWords('S3DeleteBucket'), ['s3', 'delete', 'bucket']);
  assert.deepEqual(parseMcpToolName('mcp__github__delete_repository'), { server: 'github', tool: 'delete_repository' });
  assert.deepEqual(parseMcpToolName('mcp__my_db__run__query'), { server: 'my_db', tool: 'run__query' });
  assert.equal(parseMcpToolName('Bash'), undefined);
});

for (const [text, sql] of [
  ['DROP TABLE users', true],
  ['delete from orders', true],
  ['update accounts set balance = 0', true],
  ['SELECT * FROM users WHERE id = 1', true],
  ['-- cleanup\nTRUNCATE TABLE sessions;', true],
  ['delete the cache and rebuild', false],
  ['Please update the README', false],
  ['drop me a line', false],
] as const) {
  test(`looks like SQL ${sql ? 'yes' : 'no'}: ${JSON.stringify(text)}`, () => assert.equal(looksLikeSql(text), sql));
}

interface ToolCase {
  name: string;
  call: ToolCall;
  env?: typeof dev;
  rules: string[];
  commands?: string[];
  production?: boolean;
}

const toolCases: ToolCase[] = [
  { name: 'a read-only tool', call: { server: 'github', tool: 'list_issues', args: { repo: 'shop' } }, rules: [] },
  { name: 'a destructive verb', call: { server: 'github', tool: 'delete_repository', args: { repo: 'shop' } }, rules: ['tools/destructive-call'] },
  { name: 'camelCase destructive verb', call: { server: 'railway', tool: 'volumeDelete', args: { volumeId: 'v1' } }, rules: ['tools/destructive-call'] },
  { name: 'terminate', call: { server: 'aws', tool: 'terminate_instances', args: { ids: ['i-1'] } }, rules: ['tools/destructive-call'] },
  { name: 'purge', call: { tool: 'purge_queue', args: {} }, rules: ['tools/destructive-call'] },
  { name: 'an action argument', call: { server: 'k8s', tool: 'resources', args: { action: 'delete', kind: 'namespace' } }, rules: ['tools/destructive-call'] },
  { name: 'a word that only contains a verb', call: { tool: 'get_dropdown_options', args: {} }, rules: [] },
  { name: 'DROP TABLE in a query', call: { server: 'postgres', tool: 'query', args: { sql: 'DROP TABLE users' } }, rules: ['tools/destructive-sql'] },
  { name: 'DELETE without WHERE in any argument', call: { server: 'db', tool: 'execute', args: { text: 'DELETE FROM orders' } }, rules: ['tools/destructive-sql'] },
  { name: 'a SELECT', call: { server: 'postgres', tool: 'query', args: { sql: 'select * from users where id = 3' } }, rules: [] },
  { name: 'an UPDATE with WHERE outside production', call: { server: 'postgres', tool: 'query', args: { sql: "update users set name = 'x' where id = 3" } }, rules: [] },
  { name: 'an UPDATE with WHERE in production', call: { server: 'postgres', tool: 'query', args: { sql: "update users set name = 'x' where id = 3" } }, env: prod, rules: ['tools/production-sql-write'] },
  { name: 'a shell command argument', call: { server: 'runner', tool: 'execute', args: { command: 'git push --force' } }, rules: [], commands: ['git push --force'] },
  { name: 'a shell argv argument', call: { server: 'runner', tool: 'spawn', args: { cmd: ['rm', '-rf', 'build dir'] } }, rules: [], commands: ["rm -rf 'build dir'"] },
  { name: 'a mutating verb outside production', call: { server: 'railway', tool: 'deploy', args: { service: 'api' } }, rules: [] },
  { name: 'a mutating verb in a production workspace', call: { server: 'railway', tool: 'deploy', args: { service: 'api' } }, env: prod, rules: ['tools/production-change'] },
  { name: 'a production name in the arguments', call: { server: 'railway', tool: 'restart_service', args: { environment: 'production', service: 'api' } }, rules: ['tools/production-change'], production: true },
  { name: 'a production project id', call: { server: 'supabase', tool: 'apply_migration', args: { projectId: 'shop-prod' } }, rules: ['tools/production-change'], production: true },
  { name: 'a production URL', call: { server: 'http', tool: 'put_json', args: { target: 'https://api.prod.example.com/v1/x' } }, rules: ['tools/production-change'], production: true },
  { name: 'a production server name', call: { server: 'prod-db', tool: 'update_row', args: {} }, rules: ['tools/production-change'], production: true },
  { name: 'prose mentioning production is not a target', call: { server: 'github', tool: 'create_issue', args: { body: 'the production deploy failed' } }, rules: [] },
  { name: 'a SELECT through run_query in production reads', call: { server: 'db', tool: 'run_query', args: { sql: 'select count(*) from orders' } }, env: prod, rules: [] },
  { name: 'an INSERT through run_query in production writes', call: { server: 'db', tool: 'run_query', args: { sql: "insert into t values (1)" } }, env: prod, rules: ['tools/production-change', 'tools/production-sql-write'] },
  { name: 'a branch with prod in its name is a production target', call: { server: 'github', tool: 'merge_pull_request', args: { base: 'main', branch: 'prod' } }, rules: ['tools/production-change'], production: true },
  { name: 'a name that is prose is not a target', call: { server: 'linear', tool: 'create_issue', args: { name: 'fix the prod outage' } }, rules: [] },
  { name: 'reading a credential file through a tool', call: { server: 'fs', tool: 'read_text_file', args: { path: '~/.aws/credentials' } }, rules: ['tools/credential-file'] },
  { name: 'destruction in production is critical', call: { server: 'db', tool: 'drop_database', args: { name: 'shop' } }, env: prod, rules: ['tools/destructive-call'] },
];

for (const c of toolCases) {
  test(`tool call: ${c.name}`, () => {
    const f = inspectToolCall(c.call, { ...files, environment: c.env ?? dev });
    assert.deepEqual(f.reasons.map((r) => r.rule).sort(), [...c.rules].sort());
    assert.deepEqual(f.commands, c.commands ?? []);
    if (c.production !== undefined) assert.equal(f.production.length > 0, c.production);
    for (const r of f.reasons) assert.equal(r.decision, 'confirm');
  });
}

test('a destructive call in production is critical and names why it is production', () => {
  const f = inspectToolCall({ server: 'db', tool: 'drop_database', args: {} }, { ...files, environment: prod });
  assert.equal(f.reasons[0].risk, 'critical');
  assert.match(f.reasons[0].message, /environment production/);
});

test('arguments are walked within bounds: deep and huge inputs do not explode', () => {
  let deep: unknown = { sql: 'DROP TABLE t' };
  for (let i = 0; i < 100; i++) deep = { next: deep };
  const started = performance.now();
  const f = inspectToolCall({ tool: 'run', args: deep }, { ...files, environment: dev });
  assert.deepEqual(f.reasons, []); // beyond the depth bound: not read
  inspectToolCall({ tool: 'run', args: { rows: Array.from({ length: 100_000 }, (_, i) => `row ${i}`) } }, { ...files, environment: dev });
  assert.ok(performance.now() - started < 1000);
});

for (const [access, rules] of [
  [{ tool: 'Read', paths: ['~/.aws/credentials'] }, ['tools/credential-file']],
  [{ tool: 'Read', paths: ['src/index.ts'] }, []],
  [{ tool: 'Grep', paths: ['~'], search: true }, ['tools/credential-file']],
  [{ tool: 'Grep', paths: ['src'], search: true }, []],
  [{ tool: 'Grep', paths: [], search: true, globs: ['.env*'] }, ['tools/credential-file']],
] as const) {
  test(`file access: ${access.tool} ${[...access.paths, ...('globs' in access ? access.globs : [])].join(' ')}`, () => {
    assert.deepEqual(inspectFileAccess({ ...access, paths: [...access.paths], globs: 'globs' in access ? [...access.globs] : undefined }, files).map((r) => r.rule), rules);
  });
}
