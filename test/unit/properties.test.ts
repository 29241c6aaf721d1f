// Property tests: a flagged command stays flagged however it is dressed up, and no input crashes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { check } from './helpers';

/** Flagged commands as argv, program first. */
const FLAGGED: string[][] = [
  ['git', 'reset', '--hard'],
  ['git', 'push', '--force', 'origin', 'main'],
  ['git', 'clean', '-fdx'],
  ['git', 'branch', '-D', 'feature'],
  ['git', 'stash', 'clear'],
  ['git', 'checkout', '--', '.'],
];

const quoteWord = (w: string, how: number): string => {
  switch (how) {
    case 1: return `'${w}'`;
    case 2: return `"${w}"`;
    case 3: return `\\${w}`;
    case 4: return w.length > 1 ? `${w[0]}''${w.slice(1)}` : w; // r''m
    case 5: return w.length > 1 ? `${w[0]}""${w.slice(1)}` : w;
    default: return w;
  }
};

const PREFIXES = ['', '/usr/bin/', '/bin/', './node_modules/.bin/', '/opt/homebrew/bin/'];
const WRAPPERS = [
  (c: string) => c,
  (c: string) => `sudo ${c}`,
  (c: string) => `sudo -u root ${c}`,
  (c: string) => `env ${c}`,
  (c: string) => `env -i PATH=/usr/bin ${c}`,
  (c: string) => `FOO=bar ${c}`,
  (c: string) => `command ${c}`,
  (c: string) => `nohup ${c}`,
  (c: string) => `nice -n 5 ${c}`,
  (c: string) => `timeout 10 ${c}`,
  (c: string) => `time ${c}`,
  (c: string) => `stdbuf -o0 ${c}`,
  (c: string) => `setsid ${c}`,
  (c: string) => `bash -c '${c.replace(/'/g, `'\\''`)}'`,
  (c: string) => `sh -c "${c.replace(/["\\$`]/g, '\\$&')}"`,
  (c: string) => `eval '${c.replace(/'/g, `'\\''`)}'`,
  (c: string) => `echo start && ${c}`,
  (c: string) => `true; ${c}`,
  (c: string) => `(${c})`,
  (c: string) => `{ ${c}; }`,
  (c: string) => `echo $(${c})`,
];
const SEPARATORS = [' ', '  ', '\t', ' \\\n', ' \\\n  '];

const variant = fc.record({
  base: fc.constantFrom(...FLAGGED),
  quotes: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 8, maxLength: 8 }),
  prefix: fc.constantFrom(...PREFIXES),
  wrapper: fc.integer({ min: 0, max: WRAPPERS.length - 1 }),
  separators: fc.array(fc.constantFrom(...SEPARATORS), { minLength: 8, maxLength: 8 }),
  lead: fc.constantFrom('', ' ', '\t'),
  unicodeDash: fc.boolean(),
});

test('flagged commands stay flagged under quoting, path prefixes, wrappers, whitespace and continuations', async () => {
  await fc.assert(
    fc.asyncProperty(variant, async (v) => {
      const words = v.base.map((w, i) => {
        let word = v.unicodeDash && w.startsWith('--') ? `\u2010\u2010${w.slice(2)}` : w;
        if (i === 0) word = v.prefix + word;
        return quoteWord(word, i === 0 && v.prefix ? 0 : v.quotes[i]);
      });
      let line = words[0];
      for (let i = 1; i < words.length; i++) line += v.separators[i] + words[i];
      line = v.lead + WRAPPERS[v.wrapper](line);
      const d = await check(line);
      assert.notEqual(d.decision, 'allow', `allowed: ${JSON.stringify(line)}`);
    }),
    { numRuns: 400, seed: 20261125 },
  );
});

test('any input is answered, never thrown', async () => {
  const shellish = fc.stringMatching(/^[a-z $'"`\\|&;(){}<>\n*?~=#!-]{0,80}$/);
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 100 }), shellish), async (line) => {
      const d = await check(line);
      assert.ok(['allow', 'confirm', 'block'].includes(d.decision));
    }),
    { numRuns: 500, seed: 7 },
  );
});
