import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { resolveContext, ruleFileReading } from '../../src/engine/resolve';
import { EMPTY_READING } from '../../src/engine/ruleFileTrust';
import type { FolderRecord } from '../../src/engine/ruleFileTrust';
import { kubeCurrentContext, urlHost } from '../../src/engine/context';
import { looksProduction, canonicalLabel } from '../../src/engine/environment';
import { engine, grammarBytes, loadPacks } from './helpers';
import { createEngine } from '../../src/engine/index';
import { fileReader } from '../../src/fsutil/fileReader';

/** A scratch workspace and home with real files, read through the CLI's real file reader. */
function scratch(): { ws: string; home: string } {
  const root = mkdtempSync(join(tmpdir(), 'interlock-ctx-'));
  const ws = join(root, 'ws');
  const home = join(root, 'home');
  mkdirSync(ws);
  mkdirSync(home);
  return { ws, home };
}

test('production is a name segment, not a substring', () => {
  for (const name of ['prod', 'prod-eks-us-east-1', 'db.production.internal', 'acme_prd', 'LIVE']) assert.equal(looksProduction(name), true, name);
  for (const name of ['product', 'reproduce', 'staging', 'preprod-x', 'dev']) assert.equal(looksProduction(name), false, name);
  assert.equal(canonicalLabel('Prod'), 'production');
  assert.equal(canonicalLabel('stg'), 'staging');
});

test('kube current-context and URL hosts are read', () => {
  assert.equal(kubeCurrentContext('apiVersion: v1\ncurrent-context: "prod-eks" # active\nkind: Config'), 'prod-eks');
  assert.equal(urlHost('postgres://u:p@db.prod.internal:5432/app'), 'db.prod.internal');
});

const sources: { name: string; setup: (ws: string, home: string) => Record<string, string>; kind: string; value: string; source: string }[] = [
  {
    name: 'kubeconfig from KUBECONFIG',
    setup: (ws) => {
      writeFileSync(join(ws, 'kc'), 'apiVersion: v1\ncurrent-context: prod-eks-us-east-1\n');
      return { KUBECONFIG: join(ws, 'kc') };
    },
    kind: 'kube context', value: 'prod-eks-us-east-1', source: 'KUBECONFIG',
  },
  {
    name: '~/.kube/config',
    setup: (_ws, home) => {
      mkdirSync(join(home, '.kube'));
      writeFileSync(join(home, '.kube', 'config'), 'current-context: live-cluster\n');
      return {};
    },
    kind: 'kube context', value: 'live-cluster', source: '~/.kube/config',
  },
  { name: 'AWS_PROFILE', setup: () => ({ AWS_PROFILE: 'acme-prod' }), kind: 'AWS profile', value: 'acme-prod', source: 'AWS_PROFILE' },
  {
    name: 'gcloud configuration',
    setup: (_ws, home) => {
      mkdirSync(join(home, '.config', 'gcloud', 'configurations'), { recursive: true });
      writeFileSync(join(home, '.config', 'gcloud', 'active_config'), 'work\n');
      writeFileSync(join(home, '.config', 'gcloud', 'configurations', 'config_work'), '[core]\nproject = shop-prod\n');
      return {};
    },
    kind: 'gcloud project', value: 'shop-prod', source: 'gcloud configuration work',
  },
  {
    name: '.terraform/environment',
    setup: (ws) => {
      mkdirSync(join(ws, '.terraform'));
      writeFileSync(join(ws, '.terraform', 'environment'), 'production');
      return {};
    },
    kind: 'terraform workspace', value: 'production', source: '.terraform/environment',
  },
  { name: 'DATABASE_URL', setup: () => ({ DATABASE_URL: 'postgres://app@db.prod.acme.io/app' }), kind: 'host', value: 'db.prod.acme.io', source: 'DATABASE_URL' },
  { name: 'NODE_ENV', setup: () => ({ NODE_ENV: 'production' }), kind: 'environment variable', value: 'NODE_ENV=production', source: 'NODE_ENV' },
];

for (const s of sources) {
  test(`detects production from ${s.name}`, () => {
    const { ws, home } = scratch();
    const vars = s.setup(ws, home);
    const r = resolveContext({ cwd: ws, home, vars, reader: fileReader });
    assert.equal(r.environment.production, true);
    assert.deepEqual(r.environment.facts.find((f) => f.kind === s.kind), { kind: s.kind, value: s.value, source: s.source, production: true });
  });
}

test('a non-production context is a fact but not production', () => {
  const { ws, home } = scratch();
  writeFileSync(join(ws, 'kc'), 'current-context: kind-dev\n');
  const r = resolveContext({ cwd: ws, home, vars: { KUBECONFIG: join(ws, 'kc') }, reader: fileReader });
  assert.equal(r.environment.production, false);
  assert.equal(r.environment.facts[0].value, 'kind-dev');
});

test('.interlock.jsonc labels the workspace, from a subdirectory too, and --env overrides it', () => {
  const { ws, home } = scratch();
  writeFileSync(join(ws, '.interlock.jsonc'), '// the shop\n{ "environment": "staging" }\n');
  mkdirSync(join(ws, 'sub'));
  const r = resolveContext({ cwd: join(ws, 'sub'), home, vars: {}, reader: fileReader });
  assert.equal(r.environment.label, 'staging');
  assert.equal(r.environment.production, false);
  const o = resolveContext({ cwd: ws, home, vars: {}, reader: fileReader, label: 'prod' });
  assert.deepEqual([o.environment.label, o.environment.production, o.environment.source], ['production', true, '--env']);
});

test('custom production patterns and hosts from .interlock.jsonc', () => {
  const { ws, home } = scratch();
  writeFileSync(join(ws, '.interlock.jsonc'), '{ "productionPatterns": ["main"], "productionHosts": ["*.acme.internal"] }');
  const r = resolveContext({ cwd: ws, home, vars: { AWS_PROFILE: 'main-account', REDIS_URL: 'redis://cache.acme.internal:6379' }, reader: fileReader });
  assert.equal(r.environment.facts.filter((f) => f.production).length, 2);
});

test('a malformed .interlock.jsonc: error with file:line:col; a label it still states applies, else unknown', () => {
  const { ws, home } = scratch();
  writeFileSync(join(ws, '.interlock.jsonc'), '{\n  "environment": "production",\n  "rules": [ { "id": "workspace/x" } ]\n}');
  const r = resolveContext({ cwd: ws, home, vars: {}, reader: fileReader });
  assert.equal(r.environment.label, 'production');
  const unlabelled = scratch();
  writeFileSync(join(unlabelled.ws, '.interlock.jsonc'), '{ "rules": [ { "id": "workspace/x" } ] }');
  assert.equal(resolveContext({ cwd: unlabelled.ws, home, vars: {}, reader: fileReader }).environment.label, 'unknown');
  assert.match(r.configError ?? '', /\.interlock\.jsonc:3:\d+: /);
  const broken = scratch();
  writeFileSync(join(broken.ws, '.interlock.jsonc'), '{ "environment": "production", ');
  assert.match(resolveContext({ cwd: broken.ws, home, vars: {}, reader: fileReader }).configError ?? '', /:1:\d+: invalid JSON/);
});

test('loosening workspace rules apply only to approved content; a relabel down needs approval too', async () => {
  const { ws, home } = scratch();
  const text = JSON.stringify({ environment: 'development', rules: [{ id: 'workspace/push-ok', command: 'git', subcommand: ['push'], decision: 'allow', overrides: ['git/force-push'], risk: 'none', reason: 'this repo is a personal sandbox', examples: { match: ['git push -f'], noMatch: [] } }] }, null, 2);
  writeFileSync(join(ws, '.interlock.jsonc'), text);
  const sha256 = (t: string): string => createHash('sha256').update(t).digest('hex');
  const plain = resolveContext({ cwd: ws, home, vars: {}, reader: fileReader });
  assert.deepEqual(plain.withheld, ['rule workspace/push-ok (allows)']);
  assert.equal(plain.workspacePack, undefined);
  const reading = ruleFileReading(text, join(ws, '.interlock.jsonc'));
  const record: FolderRecord = { baseline: { sha256: sha256(text), reading, by: 'person', at: 'now' }, approved: [] };
  const approved = resolveContext({ cwd: ws, home, vars: {}, reader: fileReader, approvals: { record: (f) => (f === ws ? record : undefined), sha256 } });
  assert.deepEqual(approved.withheld, []);
  const opts = { cwd: ws, home };
  const strict = createEngine({ packs: loadPacks(), grammarBytes });
  assert.equal((await strict.check('git push --force', { ...opts, environment: plain.environment })).decision, 'confirm');
  const loose = createEngine({ packs: [...loadPacks(), approved.workspacePack!], grammarBytes });
  assert.equal((await loose.check('git push --force', { ...opts, environment: approved.environment })).decision, 'allow');
  // An agent relabelling a production workspace to development gains nothing until approved.
  const prodRecord: FolderRecord = { baseline: { sha256: 'x', reading: { ...EMPTY_READING, environment: 'production' }, by: 'first-sight', at: 'then' }, approved: [] };
  const relabelled = resolveContext({ cwd: ws, home, vars: {}, reader: fileReader, approvals: { record: (f) => (f === ws ? prodRecord : undefined), sha256 } });
  assert.equal(relabelled.environment.label, 'production');
  assert.ok(relabelled.withheld.includes('environment production → development'), relabelled.withheld.join('; '));
});

test('per-command facts: --context, --profile, -h, user@host, inline NODE_ENV, terraform workspace select', async () => {
  const cases: [string, string][] = [
    ['kubectl --context prod-eks get pods', 'kube context prod-eks'],
    ['aws --profile=prod s3 ls', 'AWS profile prod'],
    ['psql -h db.production.acme.io -c "select 1"', 'host db.production.acme.io'],
    ['ssh deploy@web1.prod.acme.io uptime', 'remote host web1.prod.acme.io'],
    ['NODE_ENV=production node migrate.js', 'environment variable NODE_ENV=production'],
    ['terraform workspace select prod && terraform plan', 'terraform workspace prod'],
    ['psql postgres://u@db.live.acme.io/app -c "select 1"', 'database host db.live.acme.io'],
    ['docker compose --env-file .env.production up', 'env file .env.production'],
  ];
  for (const [line, fact] of cases) {
    const d = await engine().check(line, { environment: { label: 'unknown', production: false, source: 'none', facts: [] }, cwd: '/w', home: '/h' });
    assert.ok(d.environment.production, line);
    assert.ok(d.environment.facts.some((f) => `${f.kind} ${f.value}` === fact), `${line}: ${JSON.stringify(d.environment.facts)}`);
  }
});
