import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBashGrammar, loadGrammar } from '../../src/engine/grammar';
import { newScope, parseCommandLine } from '../../src/engine/parse';
import { literalOutput, MAX_UNWRAPPED, unwrapCommand } from '../../src/engine/unwrap';
import type { ParseIssue } from '../../src/engine/types';
import { grammarBytes, TEST_CWD, TEST_HOME } from './helpers';

const grammarReady = loadBashGrammar(grammarBytes());
const powershellReady = loadGrammar(grammarBytes(), 'powershell');

/** Every effective command a line runs after unwrapping, as argv joined by spaces. */
async function effective(line: string, files: Record<string, string> = {}): Promise<string[]> {
  const grammar = await grammarReady;
  const powershell = await powershellReady;
  const scope = newScope();
  const issues: ParseIssue[] = [];
  const parsed = parseCommandLine(line, { grammar, powershell, scope, depth: 0, via: [], mapSpan: (s) => s });
  const ctx = { grammar, powershell, cwd: TEST_CWD, home: TEST_HOME, scope, issues, reader: { readFile: (p: string) => files[p] } };
  return parsed.commands.flatMap((c) => unwrapCommand(c, ctx)).map((e) => e.argv.map((w) => w.value).join(' '));
}

function utf16Base64(text: string): string {
  return Buffer.from(text, 'utf16le').toString('base64');
}

// What each wrapper really runs: `runs` must all be among the effective commands, `not` none of them.
const cases: { name: string; line: string; runs?: string[]; not?: string[]; files?: Record<string, string> }[] = [
  // env and command
  { name: 'env -S with the string attached', line: 'env -SPATH=/usr/bin git reset --hard', runs: ['git reset --hard'] },
  { name: 'env --split-string=', line: "env --split-string='git reset' --hard", runs: ['git reset --hard'] },
  { name: 'env -P takes a search path', line: 'env -P /usr/bin git reset --hard', runs: ['git reset --hard'], not: ['/usr/bin git reset --hard'] },
  { name: 'command -pv only looks up', line: 'command -pv -- git reset --hard', not: ['git reset --hard'] },
  { name: 'command -V only describes', line: 'command -V git reset --hard', not: ['git reset --hard'] },
  { name: 'command -p runs', line: 'command -p git reset --hard', runs: ['git reset --hard'] },
  { name: 'npx runs the package binary', line: 'npx -y rimraf ~', runs: ['rimraf ~'] },
  { name: 'npx -c runs a command line', line: "npx -c 'rm -rf ~'", runs: ['rm -rf ~'] },
  // runners that run a command in an environment they prepare
  { name: 'uv run', line: 'uv run rm -rf build', runs: ['rm -rf build'] },
  { name: 'uv pip is not a runner form', line: 'uv pip install x', not: ['pip install x', 'install x'] },
  { name: 'aws-vault exec PROFILE --', line: 'aws-vault exec prod -- aws s3 rb s3://b --force', runs: ['aws s3 rb s3://b --force'] },
  { name: 'op run --', line: 'op run --env-file .env -- terraform destroy', runs: ['terraform destroy'] },
  { name: 'doppler run --command', line: 'doppler run --command "rm -rf ~"', runs: ['rm -rf ~'] },
  { name: 'npm exec --', line: 'npm exec -- rimraf ~', runs: ['rimraf ~'] },
  { name: 'nix-shell --run', line: 'nix-shell -p x --run "rm -rf ~"', runs: ['rm -rf ~'] },
  { name: 'direnv exec DIR', line: 'direnv exec . make clean', runs: ['make clean'] },
  { name: 'mise exec TOOLS -- cmd', line: 'mise exec node@20 -- rimraf ~', runs: ['rimraf ~'], not: ['node@20 -- rimraf ~'] },
  { name: 'nix-shell FILE runs no command', line: 'nix-shell shell.nix', not: ['shell.nix'] },
  { name: 'cross-env skips assignments', line: 'cross-env NODE_ENV=x rm -rf ~', runs: ['rm -rf ~'] },
  // hosting platforms that run a command on the app's machines, or with its secrets injected
  { name: 'heroku run CMD -a APP', line: 'heroku run printenv -a shop-prod', runs: ['printenv'], not: ['printenv -a shop-prod'] },
  { name: 'heroku run -a APP -- CMD', line: 'heroku run -a shop -- rails db:drop', runs: ['rails db:drop'] },
  { name: 'heroku run:detached with a size', line: 'heroku run:detached --size=performance-l -a shop "rake db:reset"', runs: ['rake db:reset'] },
  { name: 'heroku apps is not a run', line: 'heroku apps:info -a shop', not: ['-a shop', 'shop'] },
  { name: 'fly ssh console -C', line: "fly ssh console -a shop -C 'cat /app/.env'", runs: ['cat /app/.env'] },
  { name: 'flyctl ssh console --command=', line: 'flyctl ssh console --command="rm -rf /data"', runs: ['rm -rf /data'] },
  { name: 'fly ssh console without a command runs none', line: 'fly ssh console -a shop', not: ['console -a shop'] },
  { name: 'railway run', line: 'railway run -s api printenv', runs: ['printenv'] },
  // other programs that run a command
  { name: 'pkexec', line: 'pkexec rm -rf /', runs: ['rm -rf /'] },
  { name: 'chroot NEWROOT', line: 'chroot /mnt rm -rf /', runs: ['rm -rf /'] },
  { name: 'systemd-run', line: 'systemd-run --unit x rm -rf /', runs: ['rm -rf /'] },
  { name: 'script -qc', line: 'script -qc "rm -rf ~" /dev/null', runs: ['rm -rf ~'] },
  { name: 'runuser -u USER --', line: 'runuser -u bob -- rm -rf ~', runs: ['rm -rf ~'] },
  { name: 'sg GROUP -c', line: 'sg wheel -c "rm -rf ~"', runs: ['rm -rf ~'] },
  { name: 'at reads its job from stdin', line: 'echo "rm -rf ~" | at now', runs: ['rm -rf ~'] },
  { name: 'crontab - installs the jobs piped in', line: 'echo "* * * * * rm -rf ~" | crontab -', runs: ['rm -rf ~'] },
  { name: 'crontab @reboot job', line: "printf '@reboot rm -rf ~\n' | crontab -", runs: ['rm -rf ~'] },
  { name: 'crontab -l runs nothing', line: 'crontab -l', not: ['{stdin}'] },
  { name: 'tmux new-session command', line: 'tmux new -d "rm -rf ~"', runs: ['rm -rf ~'] },
  { name: 'tmux send-keys types a command', line: 'tmux send-keys -t 0 "rm -rf ~" Enter', runs: ['rm -rf ~'] },
  { name: 'screen -dm', line: 'screen -dm rm -rf ~', runs: ['rm -rf ~'] },
  { name: 'fd -x fills {}', line: 'fd . -x rm -rf {}', runs: ['rm -rf ./{found}'] },
  { name: 'fd -e narrows', line: 'fd -e pyc -x rm', runs: ['rm ./**/*.pyc'] },
  { name: 'bash /dev/stdin reads stdin', line: 'bash /dev/stdin <<< "rm -rf ~"', runs: ['rm -rf ~'] },
  { name: 'source /dev/stdin', line: 'source /dev/stdin <<< "rm -rf ~"', runs: ['rm -rf ~'] },
  // git runs commands too
  { name: 'git -c core.pager', line: 'git -c core.pager="rm -rf ~" log', runs: ['rm -rf ~'] },
  { name: 'git -c credential.helper=store is not a command', line: 'git -c credential.helper=store push', not: ['store'] },
  { name: 'GIT_SSH_COMMAND', line: 'GIT_SSH_COMMAND="rm -rf ~" git fetch', runs: ['rm -rf ~'] },
  { name: 'git rebase --exec', line: 'git rebase -x "rm -rf ~" main', runs: ['rm -rf ~'] },
  { name: 'git submodule foreach', line: 'git submodule foreach "rm -rf ~"', runs: ['rm -rf ~'] },
  { name: 'git bisect run', line: 'git bisect run rm -rf ~', runs: ['rm -rf ~'] },
  // awk runs shell commands through system() and pipes
  { name: 'awk system()', line: `awk 'BEGIN{system("rm -rf ~")}'`, runs: ['rm -rf ~'] },
  { name: 'awk "cmd" | getline', line: `awk 'BEGIN { "rm -rf ~" | getline x }'`, runs: ['rm -rf ~'] },
  { name: 'python __import__(os).system', line: `python3 -c "__import__('os').system('rm -rf ~')"`, runs: ['rm -rf ~'] },
  // xargs: literal input is known; items split as xargs splits them
  { name: 'xargs appends literal input', line: 'echo / | xargs rm -rf', runs: ['rm -rf /'] },
  { name: 'xargs splits on blanks', line: "echo 'rm -rf /' | xargs bash -c", runs: ['bash -c rm -rf /', 'rm'], not: ['rm -rf /'] },
  { name: 'xargs honours quotes in input', line: `echo "'rm -rf /'" | xargs bash -c`, runs: ['rm -rf /'] },
  { name: 'xargs -I reads whole lines', line: "echo 'rm -rf /' | xargs -I{} bash -c {}", runs: ['rm -rf /'] },
  { name: 'xargs -d reads whole items', line: "echo 'rm -rf /' | xargs -d '\\n' bash -c", runs: ['rm -rf /'] },
  { name: 'xargs --replace defaults to {}', line: 'echo / | xargs --replace bash -c "rm -rf {}"', runs: ['rm -rf /'] },
  { name: 'xargs --replace=STR', line: "echo / | xargs --replace=FOO bash -c 'rm -rf FOO'", runs: ['rm -rf /'] },
  { name: 'xargs -i without the slot appends nothing', line: 'echo / | xargs -i rm -rf', runs: ['rm -rf'], not: ['rm -rf /'] },
  { name: 'BSD xargs -J', line: 'echo / | xargs -J {} rm -rf {}', runs: ['rm -rf /'] },
  { name: 'xargs fed by find gets what find reaches', line: "find . -name '*.pyc' -print0 | xargs -0 rm", runs: ['rm ./**/*.pyc'] },
  { name: 'xargs fed by an unknown command', line: 'cat list | xargs rm -rf', runs: ['rm -rf {stdin}'] },
  { name: 'xargs -a reads a file, not stdin', line: 'echo / | xargs -a paths rm -rf', runs: ['rm -rf {stdin}'], not: ['rm -rf /'] },
  { name: 'xargs -I with a shell running the input', line: 'cat cmds | xargs -I{} sh -c {}', runs: ['{stdin}'] },
  // parallel: inputs as command lines, as arguments, and the shell line parallel composes
  { name: 'parallel runs inputs as commands', line: "parallel ::: 'rm -rf /'", runs: ['rm -rf /'] },
  { name: 'parallel appends inputs', line: 'parallel rm -rf ::: /', runs: ['rm -rf /'] },
  { name: 'parallel fills {} (both readings)', line: "echo / | parallel bash -c 'rm -rf {}'", runs: ['rm -rf /', 'rm'] },
  { name: 'parallel bash -c with the input as the command', line: "parallel bash -c ::: 'rm -rf /'", runs: ['rm -rf /'] },
  { name: 'parallel :::: reads files', line: 'parallel rm -rf :::: list.txt', runs: ['rm -rf {stdin}'] },
  { name: 'parallel with commands from a pipe', line: 'cat cmds | parallel', runs: ['{stdin}'] },
  { name: 'parallel -j takes a value', line: 'parallel -j 4 gzip ::: a b', runs: ['gzip a', 'gzip b'] },
  // find: -delete and -exec, with what {} stands for
  { name: 'find -delete removes the whole tree', line: 'find . -delete', runs: ['rm -r ./{found}'] },
  { name: 'find / -delete', line: 'find / -delete', runs: ['rm -r /{found}'] },
  { name: 'find -name narrows what -delete removes', line: "find . -name '*.pyc' -delete", runs: ['rm ./**/*.pyc'] },
  { name: 'find -o branches: no narrowing', line: 'find . -name a -o -name b -delete', runs: ['rm -r ./{found}'] },
  { name: 'find -empty -delete removes only empty things', line: 'find . -type d -empty -delete', not: ['rm -r ./{found}'] },
  { name: '-delete as the value of -name', line: 'find . -name -delete -print', not: ['rm -r ./{found}', 'rm ./**/-delete'] },
  { name: '-delete inside -exec', line: 'find . -exec echo -delete \\; -print', runs: ['echo -delete'], not: ['rm -r ./{found}'] },
  { name: 'find -exec with one -name', line: 'find src -name "*.ts" -exec rm {} +', runs: ['rm src/**/*.ts'] },
  { name: 'find -execdir env rm', line: 'find /tmp -execdir env rm -rf {} +', runs: ['rm -rf /tmp/{found}'] },
  { name: 'find with several starting points', line: 'find a b -delete', runs: ['rm -r a/{found}', 'rm -r b/{found}'] },
  { name: 'find -L before the starting point', line: 'find -L ~ -delete', runs: ['rm -r ~/{found}'] },
  { name: 'busybox find', line: 'busybox find . -delete', runs: ['rm -r ./{found}'] },
  // shells reading what a pipe gives them
  { name: 'cat FILE | sh reads the file', line: 'cat x.sh | sh', runs: ['rm -rf /'], files: { [`${TEST_CWD}/x.sh`]: 'rm -rf /\n' } },
  { name: 'printf decodes escapes', line: "printf '\\x72m -rf /' | sh", runs: ['rm -rf /'] },
  { name: 'printf %s fills arguments', line: "printf '%s -rf %s' rm / | sh", runs: ['rm -rf /'] },
  { name: 'echo -e decodes escapes', line: "echo -e 'rm\\x20-rf /' | sh", runs: ['rm -rf /'] },
  // interpreters reading code from stdin, and library deletions
  { name: 'python heredoc code', line: 'python3 <<EOF\nimport os\nos.system("rm -rf /")\nEOF', runs: ['rm -rf /'] },
  { name: 'node here-string code', line: `node <<< "require('child_process').execSync('rm -rf /')"`, runs: ['rm -rf /'] },
  { name: 'python -m reads data, not code', line: 'echo \'os.system("rm -rf /")\' | python3 -m json.tool', not: ['rm -rf /'] },
  { name: 'python.exe is python', line: `python.exe -c "import os; os.system('rm -rf /')"`, runs: ['rm -rf /'] },
  { name: 'shutil.rmtree of a literal is rm -r', line: `python3 -c "import shutil; shutil.rmtree('/tmp/x')"`, runs: ['rm -r /tmp/x'] },
  { name: 'os.remove of a literal is rm', line: `python3 -c "import os; os.remove('/etc/passwd')"`, runs: ['rm /etc/passwd'] },
  { name: 'fs.rmSync recursive', line: `node -e "require('fs').rmSync('/etc', { recursive: true })"`, runs: ['rm -r /etc'] },
  { name: 'fs.rmSync of a file', line: `node -e "require('fs').rmSync('a.txt')"`, runs: ['rm a.txt'] },
  { name: 'FileUtils.rm_rf', line: `ruby -e "FileUtils.rm_rf('/')"`, runs: ['rm -r /'] },
  { name: 'perl unlink glob', line: `perl -e 'unlink glob("/etc/*")'`, runs: ['rm /etc/*'] },
  { name: 'escaped literal paths are decoded', line: `python3 -c "import shutil; shutil.rmtree('\\x2f')"`, runs: ['rm -r /'] },
  { name: 'a computed path is not a literal', line: `python3 -c "import shutil; shutil.rmtree('/' + x)"`, not: ['rm -r /'] },
  { name: 'a string that only mentions rm', line: `python3 -c "print('rm -rf /')"`, not: ['rm -rf /'] },
  // Found by fuzzing (test/unit/fuzz.test.ts)
  { name: 'an unset variable glued to a subcommand', line: 'git reset$X --hard', runs: ['git reset --hard'] },
  { name: 'an unset variable glued to an option', line: 'bash -c${X} "rm -rf ~"', runs: ['rm -rf ~'] },
  { name: 'paths keep their computed reading too', line: 'rm -rf /etc$X', runs: ['rm -rf /etc$X', 'rm -rf /etc'] },
  { name: 'assumed-set variables are not emptied', line: 'rm -rf $TMPDIR/x', not: ['rm -rf /x'] },
  { name: 'time is not the program a pipe feeds', line: 'time echo "rm -rf ~" | sh', runs: ['rm -rf ~'] },
  // PowerShell and cmd
  { name: 'iex runs its string', line: 'iex "Remove-Item -Recurse C:/x"', runs: ['Remove-Item -Recurse C:/x', 'rm -r -- C:/x'] },
  { name: 'pwsh -Command runs the rest', line: 'pwsh -NoProfile -Command Remove-Item -Recurse x', runs: ['Remove-Item -Recurse x', 'rm -r -- x'] },
  { name: 'powershell -EncodedCommand is decoded', line: `powershell -enc ${utf16Base64('rm -rf /')}`, runs: ['Remove-Item -rf /', 'rm -rf -- /'] },
  { name: 'pwsh -Command reads PowerShell: aliases and parameter prefixes', line: `pwsh -c "ri -rec -fo 'C:\\Users\\bob'"`, runs: ['Remove-Item -Recurse -Force C:/Users/bob', 'rm -r -f -- C:/Users/bob'] },
  { name: 'cmd /c runs the rest', line: 'cmd /c rd /s /q build', runs: ['rd /s /q build', 'rm -r -f -- build'] },
  { name: 'cmd /c reads cmd.exe: & separates commands', line: 'cmd /c "cd src & del /q *.ts"', runs: ['cd src', 'del /q *.ts', 'rm -f -- *.ts'] },
  { name: 'wsl runs its words as a bash line', line: 'wsl -d Ubuntu rm -rf ~/x', runs: ['rm -rf ~/x'] },
];

for (const c of cases) {
  test(`unwrap — ${c.name}`, async () => {
    const got = await effective(c.line, c.files);
    for (const r of c.runs ?? []) assert.ok(got.includes(r), `expected ${JSON.stringify(r)} among ${JSON.stringify(got)}`);
    for (const r of c.not ?? []) assert.ok(!got.includes(r), `expected no ${JSON.stringify(r)} among ${JSON.stringify(got)}`);
  });
}

test('unwrap — wrappers that multiply stop at MAX_UNWRAPPED and leave an issue (fail closed)', async () => {
  const grammar = await grammarReady;
  const line = 'parallel '.repeat(7) + 'echo ::: a b c d e f g h i j k l m n o p';
  const scope = newScope();
  const issues: ParseIssue[] = [];
  const parsed = parseCommandLine(line, { grammar, scope, depth: 0, via: [], mapSpan: (s) => s });
  const ctx = { grammar, cwd: TEST_CWD, home: TEST_HOME, scope, issues };
  const got = parsed.commands.flatMap((c) => unwrapCommand(c, ctx));
  assert.ok(got.length <= MAX_UNWRAPPED);
  assert.ok(issues.some((i) => i.message.includes(String(MAX_UNWRAPPED))), JSON.stringify(issues));
});

test('unwrap — a literal list fed to xargs is bounded', async () => {
  const got = await effective(`echo ${Array.from({ length: 100 }, (_, i) => `f${i}`).join(' ')} | xargs -I{} rm {}`);
  assert.ok(got.filter((g) => g.startsWith('rm ')).length <= 16);
});

const outputs: { line: string; text: string | undefined }[] = [
  { line: 'echo a b', text: 'a b' },
  { line: 'echo -n a', text: 'a' },
  { line: "echo -e 'a\\tb'", text: 'a\tb' },
  { line: "printf 'x\\x41%s' y", text: 'xAy' },
  { line: "printf '%d%%' 5", text: '5%' },
  { line: 'echo $X', text: undefined },
  { line: 'time echo a', text: 'a' },
  { line: 'sudo -u bob env A=1 printf x', text: 'x' },
];

for (const o of outputs) {
  test(`literalOutput — ${o.line}`, async () => {
    const grammar = await grammarReady;
    const [cmd] = parseCommandLine(o.line, { grammar, scope: newScope(), depth: 0, via: [], mapSpan: (s) => s }).commands;
    assert.equal(literalOutput(cmd), o.text);
  });
}
