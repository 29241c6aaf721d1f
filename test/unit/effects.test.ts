// Judge what a command does, not how it is spelled: per class of effect, risky lines and everyday
// lines of the same tools, then generated spellings of each that must keep their verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { check, TEST_CWD, TEST_HOME } from './helpers';
import { targetKinds } from '../../src/engine/effects';
import { sedShellCommands } from '../../src/engine/unwrap';

type Verdict = 'allow' | 'confirm' | 'block';
interface Case {
  line: string;
  verdict: Verdict;
  /** risky: must be stopped; everyday: the ordinary neighbour that must stay silent. */
  label: 'risky' | 'everyday';
  env?: string;
  vars?: Record<string, string>;
}

const risky = (line: string, verdict: Verdict = 'confirm', more: Partial<Case> = {}): Case => ({ line, verdict, label: 'risky', ...more });
const everyday = (line: string, more: Partial<Case> = {}): Case => ({ line, verdict: 'allow', label: 'everyday', ...more });

/** Environment of a check where temp variables are known (set or unset), as the CLI passes them. */
const UNSET_TMP = { HOME: TEST_HOME };
const SET_TMP = { HOME: TEST_HOME, TMPDIR: '/tmp/user-1000' };

const CLASSES: Record<string, Case[]> = {
  'one file is enough': [
    risky('rm -f terraform.tfstate'), risky('rm infra/prod.tfstate.backup'), risky('rm -rf .terraform'), risky('rm ~/.kube/config'),
    risky('rm .env'), risky('rm -f .env.local'), risky('unlink .envrc'), risky('rm app.db'), risky('rm -f data/dev.sqlite3'),
    risky('rm db.sqlite3-wal'), risky('rm nightly-backup.sql'), risky('rm dump.rdb'), risky('rm -f certs/tls.key'), risky('rm ~/.ssh/id_rsa'),
    risky('rm -f service-account.json'), risky('rm -f src/*'), risky('rm -f lib/*.ts'), risky('find . -name "*.db" -delete'),
    risky('cd infra && rm terraform.tfstate'), risky(': > prod.db'), risky('truncate -s0 terraform.tfstate'),
    everyday('rm build/out.js'), everyday('rm -f *.log'), everyday('rm /tmp/x'), everyday('rm node_modules/.cache/x'), everyday('rm .env.example'),
    everyday('rm /tmp/test.db'), everyday('rm -f coverage/*'), everyday('rm src/old.ts'), everyday('rm -f *.txt'), everyday('rm id_rsa.pub'),
    everyday('echo API_URL=http://localhost > .env'), everyday('pg_dump app > backup.sql'), everyday('cp .env.example .env'),
  ],
  'writers other than >': [
    risky("xxd -r dump.hex .interlock.jsonc"), risky('tree -o ~/.bashrc'), risky("sed -n 'w .interlock.jsonc' x"),
    risky("cat <<EOF > ~/.zshrc\nalias ls=rm\nEOF"), risky("sed 's/.*/rm -rf src/e' f"), risky("sed '1e rm -rf src' f"),
    risky("sed -e '/x/e git reset --hard' notes.txt"), risky("gsed --expression='$e rm -rf ~' f", 'block'),
    everyday("sed 's/foo/bar/g' f"), everyday("sed -n '1,5p' f"), everyday("sed -i 's/a/b/' src/app.ts"), everyday("sed 's/e/E/g' f"),
    everyday("sed '/^#/d' f"), everyday('tree -o tree.txt'), everyday('xxd app.bin'),
  ],
  'find, in order': [
    risky("find . -name '*.ts' -delete"), risky("find . -delete -name '*.pyc'"), risky("find src -type f -delete"),
    risky("find . -type f -delete -name '*.log'"), risky("find . -name '*.py' -exec rm {} +"),
    everyday("find . -name '*.pyc' -delete"), everyday('find /tmp -mtime +7 -delete'), everyday("find . -name '__pycache__' -exec rm -rf {} +"),
    everyday("find . -name .DS_Store -delete"), everyday('find . -type d -empty -delete'), everyday("find . -name '*.txt' -exec rm {} \\;"),
  ],
  'lists from another command': [
    risky('git ls-files | xargs rm -f'), risky('ls | xargs rm'), risky('xargs rm < list'), risky('fd -x rm'), risky('fd -e ts -X rm'),
    risky('cat files.txt | parallel rm'), risky('git diff --name-only | xargs -I{} rm {}'), risky('grep -rl TODO src | xargs rm -f'),
    risky('parallel rm :::: files.txt'),
    everyday("find . -name '*.pyc' | xargs rm"), everyday('echo a.txt b.txt | xargs rm'), everyday('git ls-files | xargs wc -l'),
    everyday("ls | xargs -I{} echo {}"), everyday('fd -e ts'), everyday('parallel gzip ::: a.log b.log'),
  ],
  'wrappers not peeled': [
    risky("docker compose exec db psql -c 'DROP DATABASE app'"), risky("docker-compose exec -T db psql -U app -c 'drop database app'"),
    risky("podman exec db psql -c 'DROP DATABASE app'"), risky("kubectl exec -it pg-0 -- psql -c 'DROP DATABASE app'"),
    risky("docker compose run --rm web rails db:drop"), risky("echo 'rm -rf ~' | parallel {}", 'block'), risky("parallel ::: 'rm -rf ~'", 'block'),
    risky("echo 'rm -rf ~' > x.sh && bash x.sh", 'block'), risky("cat > s.sh <<EOF\nrm -rf ~\nEOF\nsh s.sh", 'block'),
    risky("printf 'git reset --hard\\n' > /tmp/go.sh; chmod +x /tmp/go.sh; /tmp/go.sh"),
    risky("echo 'DROP DATABASE app;' > drop.sql && psql -f drop.sql"), risky("sed -e 's/^/rm -rf /e' dirs.txt"), risky('> terraform.tfstate'),
    everyday('docker compose exec db psql -c "select 1"'), everyday('docker compose up -d'), everyday('docker-compose exec web ls'),
    everyday("echo 'echo hi' > x.sh && bash x.sh"), everyday('echo ok | parallel echo {}'),
  ],
  'temp variables': [
    risky('rm -rf "$TMPDIR"/foo', 'confirm', { vars: UNSET_TMP }), risky('rm -rf "$TMPDIR"/*', 'block', { vars: UNSET_TMP }),
    risky('rm -rf $TMP/cache', 'confirm', { vars: UNSET_TMP }), risky('rm -rf "${TEMP}/"*', 'block', { vars: UNSET_TMP }),
    everyday('rm -rf "$TMPDIR"/foo', { vars: SET_TMP }), everyday('rm -rf "$TMPDIR"/*', { vars: SET_TMP }), everyday('rm -rf ${TMPDIR:-/tmp}/build', { vars: UNSET_TMP }),
    everyday('d=$(mktemp -d) && rm -rf "$d"', { vars: UNSET_TMP }), everyday('rm -rf $TMPDIR', { vars: UNSET_TMP }), everyday('rm -rf "$TMPDIR/build"'),
  ],
  'git discards': [
    risky('git checkout .'), risky('git checkout src'), risky('git checkout -- src/app.ts'), risky('git checkout package.json'), risky('git restore .'),
    risky('git restore src'), risky('git rm -rf .'), risky('git read-tree -u --reset HEAD'), risky('git checkout-index -f -a'),
    risky('git update-ref -d refs/heads/x'), risky('git branch -D x'), risky('git filter-branch --tree-filter "rm -f x" HEAD'), risky('git filter-repo --invert-paths --path x'),
    risky('bfg --delete-files id_rsa'), risky('git push origin :main'), risky('git push origin --delete main'), risky('git push --prune origin'),
    risky('git push --mirror'), risky('git clean -fd'),
    everyday('git checkout main'), everyday('git checkout -b x'), everyday('git restore --staged f'), everyday('git push origin main'),
    everyday('git checkout feature/login'), everyday('git checkout v2.1.0'), everyday('git rm --cached .env'), everyday('git checkout -'),
  ],
  publishing: [
    risky('docker push myimg:latest'), risky('podman push quay.io/org/app:1'), risky('docker buildx build --push -t org/app .'), risky('docker image push org/app'),
    risky('gh release create v1.0 --notes x'), risky('twine upload dist/*'), risky('cargo publish'), risky('gem push app-1.0.gem'), risky('npm publish'),
    risky('python -m twine upload dist/*'), risky('docker compose push'),
    everyday('docker pull nginx'), everyday('docker build -t app .'), everyday('gh release list'), everyday('cargo build'), everyday('npm pack'), everyday('docker images'),
  ],
  'processes chosen by a list': [
    risky('kill -9 $(pgrep node)'), risky('pgrep x | xargs kill'), risky('kill $(lsof -t -i:3000)'), risky('lsof -ti tcp:8080 | xargs kill -9'),
    risky('kill `pidof python`'), risky('pkill -f vite'),
    everyday('kill 1234'), everyday('kill -9 4321'), everyday('kill $(cat app.pid)'), everyday('kill %1'), everyday('pgrep node'), everyday('lsof -ti:3000'),
  ],
  'production by every tool': [
    risky('gsutil cp dist/app.js gs://prod-assets/'), risky('gcloud storage cp dist/app.js gs://prod-assets/'),
    risky('az storage blob upload --account-name prodassets -c web -f x -n x'), risky('azcopy copy ./dist https://prodassets.blob.core.windows.net/web --recursive'),
    risky('rclone copy ./dist s3:prod-assets'), risky('mc cp ./dist/app.js minio/prod-assets/'), risky('aws s3 cp x s3://prod-assets/'),
    risky('heroku config:get DATABASE_URL'), risky('heroku config'), risky('railway variables'), risky('vercel env pull'), risky('netlify env:get API_KEY'),
    risky('AWS_PROFILE=prod aws ec2 stop-instances --instance-ids i-1'), risky('KUBECONFIG=~/.kube/prod kubectl delete deploy api'),
    risky('CLOUDSDK_CORE_PROJECT=acme-prod gcloud compute instances stop vm-1'), risky('TF_WORKSPACE=prod terraform apply -auto-approve'),
    risky("DATABASE_URL=postgres://u@db.prod.internal/app psql -c 'update users set x=1'"), risky("PGHOST=db.production.internal psql -c 'insert into t values (1)'"),
    risky('RAILS_ENV=production rails db:migrate'), risky('RAILS_ENV=production npm run db:reset'), risky('NODE_ENV=production npx prisma migrate deploy'),
    risky('APP_ENV=production ./scripts/seed.sh'), risky('MIX_ENV=prod mix ecto.migrate'), risky('export NODE_ENV=production && npm run db:seed'),
    risky('python manage.py migrate', 'confirm', { env: 'production' }), risky('make db-drop', 'confirm', { env: 'production' }),
    everyday('gsutil cp dist/app.js gs://dev-assets/'), everyday('gsutil cp gs://prod-assets/app.js .'), everyday('rclone ls s3:prod-assets'),
    everyday('fly secrets list'), everyday('vercel env ls'), everyday('heroku logs --tail'), everyday('AWS_PROFILE=dev aws ec2 stop-instances --instance-ids i-1'),
    everyday('RAILS_ENV=development rails db:migrate'), everyday('npm run db:reset'), everyday('python manage.py migrate'), everyday('make build', { env: 'production' }),
    everyday('NODE_ENV=production npm run build'),
  ],
};

for (const [name, cases] of Object.entries(CLASSES)) {
  for (const c of cases) {
    test(`${name} [${c.label}] ${c.verdict}: ${JSON.stringify(c.line)}${c.env ? ` (env ${c.env})` : ''}${c.vars ? ` (vars ${JSON.stringify(c.vars)})` : ''}`, async () => {
      const d = await check(c.line, { env: c.env, vars: c.vars });
      assert.equal(d.decision, c.verdict, d.reasons.map((r) => `${r.rule}: ${r.message}`).join('\n'));
    });
  }
}

test('every class has both risky and everyday lines, about two to one', () => {
  for (const [name, cases] of Object.entries(CLASSES)) {
    const r = cases.filter((c) => c.label === 'risky').length;
    const e = cases.filter((c) => c.label === 'everyday').length;
    assert.ok(r > 0 && e > 0, name);
  }
});

const ctx = { cwd: TEST_CWD, home: TEST_HOME };
const kinds = [
  { path: 'terraform.tfstate', kinds: ['infra-state', 'credentials'] },
  { path: 'app.db', kinds: ['database'] },
  { path: 'build/app.db', kinds: [] },
  { path: '/tmp/app.db', kinds: [] },
  { path: 'backup-2024.sql', kinds: ['database-dump'] },
  { path: '.env.production', kinds: ['env-file'] },
  { path: '.env.example', kinds: [] },
  { path: '~/.aws/credentials', kinds: ['credentials'] },
  { path: 'src/*', kinds: ['sources'] },
  { path: './**/*.py', kinds: ['sources'] },
  { path: './**/*.pyc', kinds: [] },
  { path: '*.txt', kinds: [] },
  { path: '{stdin}', kinds: ['listed'] },
] as const;
for (const k of kinds) {
  test(`target kinds of ${k.path}: ${k.kinds.join(', ') || 'none'}`, () => {
    assert.deepEqual([...targetKinds(k.path, false, ctx)].sort(), [...k.kinds].sort());
  });
}

const sedScripts = [
  { script: 's/.*/rm -rf src/e', commands: ['rm -rf src'] },
  { script: '1e rm -rf src', commands: ['rm -rf src'] },
  { script: '/start/,/end/{e date\n}', commands: ['date'] },
  { script: 's/a/b/g;e', commands: ['{stdin}'] },
  { script: 's/e/E/g', commands: [] },
  { script: 's|x|y|w out.txt', commands: [] },
  { script: 'a\\\ne rm -rf /', commands: [] },
  { script: '/^e /d', commands: [] },
  { script: 's/^/rm -rf /e', commands: ['rm -rf {stdin}'] },
] as const;
for (const s of sedScripts) {
  test(`sed script ${JSON.stringify(s.script)} runs ${JSON.stringify(s.commands)}`, () => {
    assert.deepEqual(sedShellCommands(s.script), s.commands);
  });
}

// Generated spellings: each class's effect stays judged the same however the line is written.

const quoted = (w: string, how: number): string => (how === 1 ? `'${w}'` : how === 2 ? `"${w}"` : w);
const RUNS = { numRuns: 150, seed: 20261206 };

test('deleting a file git cannot bring back is confirmed by every deleter and spelling', async () => {
  const target = fc.constantFrom('terraform.tfstate', 'infra/terraform.tfstate', 'app.db', 'data/app.sqlite3', '.env', '.env.production', 'prod-dump.sql.gz', 'certs/server.key', 'credentials.json');
  const prefix = fc.constantFrom('', './', '$PWD/', `${TEST_CWD}/`);
  const deleter = fc.constantFrom(
    (p: string) => `rm ${p}`, (p: string) => `rm -f ${p}`, (p: string) => `rm -v -- ${p}`, (p: string) => `unlink ${p}`, (p: string) => `sudo rm -f ${p}`,
    (p: string) => `command rm ${p}`, (p: string) => `echo ${p} | xargs rm -f`, (p: string) => `bash -c "rm -f ${p}"`, (p: string) => `shred -u ${p}`,
    (p: string) => `/bin/rm ${p}`, (p: string) => `true && rm ${p}`,
  );
  await fc.assert(
    fc.asyncProperty(target, prefix, deleter, fc.integer({ min: 0, max: 2 }), async (t, pre, del, q) => {
      const line = del(quoted(pre + t, pre === '$PWD/' ? 2 : q));
      const d = await check(line);
      assert.notEqual(d.decision, 'allow', line);
    }),
    RUNS,
  );
});

test('deleting build outputs, caches, logs and temp files stays silent however it is spelled', async () => {
  const target = fc.constantFrom('build/out.js', 'dist/app.db', 'node_modules/.cache/x', '*.log', 'coverage/lcov.info', '/tmp/app.db', '/tmp/x.env', 'out/terraform.tfstate', '.DS_Store');
  const deleter = fc.constantFrom((p: string) => `rm ${p}`, (p: string) => `rm -f ${p}`, (p: string) => `unlink ${p}`, (p: string) => `command rm -f -- ${p}`, (p: string) => `echo ${p} | xargs rm -f`);
  await fc.assert(
    fc.asyncProperty(target, deleter, async (t, del) => {
      const line = del(t);
      const d = await check(line);
      assert.equal(d.decision, 'allow', `${line}: ${d.reasons.map((r) => r.rule).join(', ')}`);
    }),
    RUNS,
  );
});

test('deleting files another command lists is confirmed whatever lists them', async () => {
  const lister = fc.constantFrom('git ls-files', 'ls', 'cat files.txt', 'grep -rl TODO .', 'git diff --name-only', 'fd -t f', 'rg -l secret');
  const runner = fc.constantFrom('xargs rm', 'xargs rm -f', 'xargs -0 rm', 'xargs -I{} rm {}', 'xargs -n1 rm -f', 'parallel rm', 'parallel rm {}', 'xargs unlink');
  await fc.assert(
    fc.asyncProperty(lister, runner, async (l, r) => {
      const line = `${l} | ${r}`;
      assert.notEqual((await check(line)).decision, 'allow', line);
    }),
    RUNS,
  );
});

test('git discards of paths are confirmed under every global option and spelling', async () => {
  const globalOpt = fc.constantFrom('', '-C . ', '-c color.ui=never ', '--no-pager ', '-C repo ');
  const discard = fc.constantFrom('checkout .', 'checkout -- .', 'checkout src', 'checkout -- src/app.ts', 'checkout HEAD -- .', 'checkout package.json', 'restore .', 'restore src/app.ts', 'rm -rf .', 'checkout-index -fa', 'read-tree --reset -u HEAD', 'clean -fdx', 'reset --hard');
  const wrap = fc.constantFrom((c: string) => c, (c: string) => `sudo ${c}`, (c: string) => `bash -c '${c}'`, (c: string) => `cd app && ${c}`, (c: string) => `env GIT_PAGER=cat ${c}`);
  await fc.assert(
    fc.asyncProperty(globalOpt, discard, wrap, async (g, d, w) => {
      const line = w(`git ${g}${d}`);
      assert.notEqual((await check(line)).decision, 'allow', line);
    }),
    RUNS,
  );
});

test('switching and creating branches stays silent', async () => {
  const name = fc.constantFrom('main', 'develop', 'feature/login', 'fix-123', 'release/1.2', 'v1.2.3', 'HEAD~1', '-');
  const form = fc.constantFrom((n: string) => `git checkout ${n}`, (n: string) => `git checkout -b ${n.replace(/^-$/, 'x')}`, (n: string) => `git switch ${n}`, (n: string) => `git -C . checkout ${n}`);
  await fc.assert(
    fc.asyncProperty(name, form, async (n, f) => {
      const line = f(n);
      assert.equal((await check(line)).decision, 'allow', line);
    }),
    RUNS,
  );
});

test('processes picked by another command are confirmed; one PID is not', async () => {
  const signal = fc.constantFrom('', '-9 ', '-KILL ', '-s TERM ', '-15 ');
  const picker = fc.constantFrom('$(pgrep node)', '$(pidof nginx)', '$(lsof -t -i:3000)', '`pgrep -f vite`', "$(ps aux | grep x | awk '{print $2}')");
  await fc.assert(
    fc.asyncProperty(signal, picker, fc.boolean(), async (s, p, piped) => {
      const line = piped ? `${p.replace(/^\$\(|\)$|`/g, '')} | xargs kill ${s}`.trim() : `kill ${s}${p}`;
      assert.notEqual((await check(line)).decision, 'allow', line);
      assert.equal((await check(`kill ${s}1234`)).decision, 'allow');
    }),
    RUNS,
  );
});

test('publishing is confirmed by every registry client', async () => {
  const cmd = fc.constantFrom(
    'docker push org/app:1', 'podman push org/app', 'nerdctl push org/app', 'docker image push org/app', 'docker buildx build --push -t org/app .',
    'docker build --push -t org/app .', 'gh release create v1', 'twine upload dist/*', 'cargo publish', 'gem push x.gem', 'npm publish', 'pnpm publish', 'poetry publish',
  );
  const wrap = fc.constantFrom((c: string) => c, (c: string) => `sudo ${c}`, (c: string) => `make build && ${c}`, (c: string) => `sh -c "${c}"`, (c: string) => `time ${c}`);
  await fc.assert(
    fc.asyncProperty(cmd, wrap, async (c, w) => {
      const line = w(c);
      assert.notEqual((await check(line)).decision, 'allow', line);
    }),
    RUNS,
  );
});

test('a context variable set on the line counts like the same variable in the environment', async () => {
  const setting = fc.constantFrom(
    ['AWS_PROFILE', 'prod', 'aws ec2 stop-instances --instance-ids i-1'],
    ['KUBECONFIG', '~/.kube/prod-config', 'kubectl delete deploy api'],
    ['CLOUDSDK_CORE_PROJECT', 'acme-production', 'gcloud compute instances stop vm'],
    ['TF_WORKSPACE', 'production', 'terraform apply'],
    ['RAILS_ENV', 'production', 'rails db:migrate'],
    ['NODE_ENV', 'production', 'npm run db:seed'],
    ['DATABASE_URL', 'postgres://u@db.prod.example.com/app', "psql -c 'delete from sessions where 1=1'"],
  );
  const spelling = fc.constantFrom(
    (n: string, v: string, c: string) => `${n}=${v} ${c}`,
    (n: string, v: string, c: string) => `env ${n}=${v} ${c}`,
    (n: string, v: string, c: string) => `export ${n}=${v}; ${c}`,
    (n: string, v: string, c: string) => `${n}="${v}" ${c}`,
  );
  await fc.assert(
    fc.asyncProperty(setting, spelling, async ([n, v, c], s) => {
      const line = s(n, v, c);
      assert.notEqual((await check(line)).decision, 'allow', line);
    }),
    RUNS,
  );
});
