import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine } from '../../src/engine/index';
import { environmentFrom } from '../../src/engine/environment';
import { parsePack, PackError } from '../../src/engine/packs';
import type { Example } from '../../src/engine/packs';
import { grammarBytes, loadPacks, RULES_DIR, TEST_CWD, TEST_HOME } from './helpers';

const packs = loadPacks();
// One engine over every pack: an example must hold with all packs loaded, as shipped.
const engine = createEngine({ packs, grammarBytes });

function normalize(e: Example): Exclude<Example, string> {
  return typeof e === 'string' ? { command: e } : e;
}

async function ruleIds(e: Example): Promise<string[]> {
  const ex = normalize(e);
  const files = ex.files ?? {};
  const d = await engine.check(ex.command, {
    environment: environmentFrom({ label: ex.env, source: 'example' }),
    cwd: ex.cwd ?? TEST_CWD,
    home: TEST_HOME,
    reader: { readFile: (p) => files[p] },
    shell: ex.shell,
  });
  return d.reasons.map((r) => r.rule);
}

for (const pack of packs) {
  for (const rule of pack.rules) {
    test(`${rule.id}: examples`, async () => {
      assert.ok(rule.examples, 'every rule carries examples');
      for (const e of rule.examples.match) {
        const ids = await ruleIds(e);
        assert.ok(ids.includes(rule.id), `expected ${rule.id} to match ${JSON.stringify(normalize(e).command)}; matched: ${ids.join(', ') || 'nothing'}`);
      }
      for (const e of rule.examples.noMatch) {
        const ids = await ruleIds(e);
        assert.ok(!ids.includes(rule.id), `expected ${rule.id} not to match ${JSON.stringify(normalize(e).command)}`);
      }
    });
  }
}

test('every pack file is named after its id', () => {
  for (const f of readdirSync(RULES_DIR).filter((x) => x.endsWith('.jsonc'))) {
    const pack = parsePack(readFileSync(join(RULES_DIR, f), 'utf8'), f);
    assert.equal(`${pack.id}.jsonc`, f);
  }
});

const invalid = [
  { name: 'syntax error', text: '{\n  "id": "x",\n  "rules": [,]\n}', at: '3:' },
  { name: 'unknown field', text: '{\n  "id": "x",\n  "rules": [\n    { "id": "x/a", "decision": "confirm", "risk": "low", "reason": "a harm here", "examples": { "match": ["a"], "noMatch": [] }, "colour": 1 }\n  ]\n}', at: '4:' },
  { name: 'bad decision', text: '{ "id": "x", "rules": [\n { "id": "x/a", "decision": "maybe", "risk": "low", "reason": "a harm here", "examples": { "match": ["a"], "noMatch": [] } } ] }', at: '2:' },
  { name: 'rule id outside the pack', text: '{ "id": "x", "rules": [\n { "id": "y/a", "decision": "confirm", "risk": "low", "reason": "a harm here", "examples": { "match": ["a"], "noMatch": [] } } ] }', at: '2:' },
  { name: 'bad regular expression', text: '{ "id": "x", "rules": [\n { "id": "x/a", "code": { "pattern": "(" }, "decision": "confirm", "risk": "low", "reason": "a harm here", "examples": { "match": ["a"], "noMatch": [] } } ] }', at: '2:' },
];
for (const c of invalid) {
  test(`an invalid pack fails loudly with file:line:col: ${c.name}`, () => {
    assert.throws(
      () => parsePack(c.text, 'rules/x.jsonc'),
      (e: unknown) => e instanceof PackError && e.message.startsWith(`rules/x.jsonc:${c.at}`),
    );
  });
}
