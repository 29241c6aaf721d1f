import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { findSecrets } from '../../src/engine/secrets';
import { CORPUS } from './helpers';

// Test values are assembled from parts so that this file itself holds no literal secret that a
// scanner (or a push protection rule) would stop.
const rep = (s: string, n: number): string => s.repeat(n);
const GITHUB_CLASSIC = 'ghp' + '_' + rep('A1b2C3d4', 4) + 'wxyz';
const GITHUB_FINE = 'github_pat' + '_' + rep('11ABCDEFG0', 8) + 'ab';
const STRIPE_LIVE = 'sk' + '_live_' + '4eC39HqLyjWDarjtT1zdp7dc';
const SLACK_BOT = 'xoxb' + '-123456789012-1234567890123-' + 'abcdefghijABCDEFGHIJklmn';
const NPM = 'npm' + '_' + rep('abcdef', 6);
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY' + 'zZ9yX8wV7u';
const ANTHROPIC = 'sk-ant-api03-' + rep('aB3dE5fG7h', 9) + 'AA';
const OPENAI = 'sk-proj-' + rep('Ab1Cd2Ef3G', 7) + 'Ab1C' + 'T3BlbkFJ' + rep('Ab1Cd2Ef3G', 7) + 'Ab1C';
const GITLAB = 'glpat' + '-' + 'xY9zAbCdEfGhIjKlMnOp';
const VAULT = 'hvs.' + rep('CAESIJ0aB1cD2eF3gH4', 5);
const SENDGRID = 'SG' + '.ngeVfQFYQlKU0ufo8x5d1A.TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc1s5cr';
const HF = 'hf' + '_' + 'abcdefghijklmnopqrstuvwxyzABCDEFGH';
const PEM_BODY = 'MIIEow' + rep('IBAAKCAQEAvN5tN8z1Ws9hTq0Xk', 6);
const PRIVATE_KEY = `-----BEGIN RSA PRIVATE KEY-----\n${PEM_BODY}\n-----END RSA PRIVATE KEY-----`;

const found: { line: string; kinds: string[]; secret?: string }[] = [
  { line: `curl -H "Authorization: token ${GITHUB_CLASSIC}" https://api.github.com/user`, kinds: ['github-token'], secret: GITHUB_CLASSIC },
  { line: `GH_TOKEN=${GITHUB_FINE} gh pr list`, kinds: ['github-token'], secret: GITHUB_FINE },
  { line: `stripe --api-key ${STRIPE_LIVE} charges list`, kinds: ['stripe-key'], secret: STRIPE_LIVE },
  { line: `curl -d token=${SLACK_BOT} https://slack.com/api/auth.test`, kinds: ['slack-token'], secret: SLACK_BOT },
  { line: 'curl -X POST https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXX -d x', kinds: ['slack-webhook'] },
  { line: `npm config set //registry.npmjs.org/:_authToken=${NPM}`, kinds: ['npm-token'], secret: NPM },
  { line: 'npm config set //registry.npmjs.org/:_authToken=abcd1234efgh5678', kinds: ['npm-token'], secret: 'abcd1234efgh5678' },
  // The preset's AWS rule wants `name = value`; on a command line a space separates them too.
  { line: `aws configure set aws_secret_access_key ${AWS_SECRET}`, kinds: ['aws-secret-access-key'], secret: AWS_SECRET },
  { line: `export AWS_SECRET_ACCESS_KEY=${AWS_SECRET}`, kinds: ['aws-secret-access-key'], secret: AWS_SECRET },
  { line: `export ANTHROPIC_API_KEY=${ANTHROPIC}`, kinds: ['anthropic-api-key'], secret: ANTHROPIC },
  { line: `OPENAI_API_KEY=${OPENAI} python app.py`, kinds: ['openai-api-key'], secret: OPENAI },
  { line: `glab auth login --token ${GITLAB}`, kinds: ['gitlab-token'], secret: GITLAB },
  { line: `VAULT_TOKEN=${VAULT} vault kv get secret/x`, kinds: ['vault-token'], secret: VAULT },
  { line: `curl -H "Authorization: Bearer ${SENDGRID}" https://api.sendgrid.com/v3/mail/send`, kinds: ['sendgrid-api-key'], secret: SENDGRID },
  { line: `huggingface-cli login --token ${HF}`, kinds: ['huggingface-token'], secret: HF },
  { line: 'git clone https://octocat:s3cr3tT0ken99@github.com/org/repo.git', kinds: ['basic-auth'] },
  { line: 'psql postgresql://app:Zq8vLk2pW@db.internal:5432/app -c "select 1"', kinds: ['database-connection-string'] },
  { line: 'mongosh "mongodb+srv://ops:Hx7pQ2rT@cluster0.example.net/app"', kinds: ['database-connection-string'] },
  { line: `cat > key.pem <<'EOF'\n${PRIVATE_KEY}\nEOF`, kinds: ['private-key'] },
  { line: `curl -u x:${STRIPE_LIVE} https://api.stripe.com -H "Authorization: token ${GITHUB_CLASSIC}"`, kinds: ['stripe-key', 'github-token'] },
];

for (const c of found) {
  test(`findSecrets finds ${c.kinds.join(' + ')}: ${c.line.slice(0, 60)}`, () => {
    const got = findSecrets(c.line);
    assert.deepEqual(got.map((s) => s.kind), c.kinds);
    for (const s of got) assert.ok(s.start >= 0 && s.end > s.start && s.end <= c.line.length);
    if (c.secret) assert.equal(c.line.slice(got[0].start, got[0].end), c.secret);
  });
}

// Placeholders, examples, variables and public material are not secrets.
const clean = [
  'git status',
  'aws iam update-access-key --access-key-id AKIAIOSFODNN7EXAMPLQ --status Inactive',
  'export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'export AWS_SECRET_ACCESS_KEY=$AWS_SECRET',
  'npm config set //registry.npmjs.org/:_authToken=${NPM_TOKEN}',
  'curl -H "Authorization: Bearer $GITHUB_TOKEN" https://api.github.com',
  'psql postgres://postgres:postgres@localhost:5432/app',
  'psql postgresql://user:password@db.example.com/app',
  'mysql://root:${DB_PASSWORD}@db/app',
  'curl https://myusername:password@example.com/',
  'grep -r "BEGIN RSA PRIVATE KEY" ~',
  'echo "-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----"',
  'cat ~/.ssh/id_rsa.pub',
  'git checkout ghp_feature_branch',
  'stripe listen --forward-to localhost:3000/webhook',
  'echo sk_live_short',
];

for (const line of clean) {
  test(`findSecrets finds nothing: ${line.slice(0, 70)}`, () => {
    assert.deepEqual(findSecrets(line), []);
  });
}

test('findSecrets finds nothing in the peers corpus and stays fast', { skip: !existsSafe(CORPUS) }, () => {
  const lines = readFileSync(CORPUS, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { command: string }).command);
  for (const l of lines) findSecrets(l);
  const t0 = performance.now();
  let hits = 0;
  for (const l of lines) hits += findSecrets(l).length;
  const perLine = ((performance.now() - t0) * 1000) / lines.length;
  assert.equal(hits, 0);
  // Generous bound for a loaded machine; typical is well under 2 µs a line.
  assert.ok(perLine < 25, `${perLine.toFixed(1)} µs per line`);
});

test('findSecrets stays linear on long hostile input', () => {
  const hostile = [rep('ghp_', 20_000), rep('-----BEGIN ', 5_000), rep('https://a:b@', 5_000), rep('sk-', 20_000), rep('xoxb-1-', 10_000), 'xoxb-' + rep('a-', 30_000) + '!'];
  for (const text of hostile) {
    const t0 = performance.now();
    findSecrets(text);
    assert.ok(performance.now() - t0 < 1000, `slow on ${text.slice(0, 20)}…`);
  }
});

function existsSafe(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}
