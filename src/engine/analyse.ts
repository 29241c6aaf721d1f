/**
 * A command read against its program's spec: options (with their values, from the pack's
 * `optionsWithValue`) apart from positional words. Shared by the matchers and the readers of a
 * command's content (files written, HTTP requests), so none of them depends on another.
 */
import type { Effective } from './unwrap';
import { basename } from './unwrap';
import type { ProgramSpec } from './packs';
import type { Word } from './types';

export interface Option {
  name: string;
  value?: string;
  /** Letters of a short-option cluster (`-rf` → r, f). */
  letters?: string;
}

/** A command read against its program's spec: options apart from positional words. */
export interface Analysed {
  cmd: Effective;
  program: string;
  options: Option[];
  positionals: Word[];
  words: Word[];
  cache: Map<string, unknown>;
}

/** Options that take a value: always, or only when the next word is one of listed choices. */
type ValueSpec = Map<string, RegExp | true>;
const valueSpecs = new WeakMap<ProgramSpec, ValueSpec>();

function valueSpec(spec: ProgramSpec | undefined): ValueSpec {
  if (!spec) return new Map();
  let m = valueSpecs.get(spec);
  if (!m) {
    m = new Map();
    for (const entry of spec.optionsWithValue ?? []) {
      // `--track=(direct|inherit)`: takes the next word only if it is one of those.
      const choice = /^(.*?)=\((.*)\)$/.exec(entry);
      if (choice) m.set(choice[1], new RegExp(`^(${choice[2]})$`));
      else m.set(entry, true);
    }
    valueSpecs.set(spec, m);
  }
  return m;
}

function takesValue(values: ValueSpec, name: string, next: string | undefined): boolean {
  const v = values.get(name);
  if (v === undefined || next === undefined) return false;
  return v === true || v.test(next);
}

export function analyse(cmd: Effective, spec: ProgramSpec | undefined): Analysed {
  const values = valueSpec(spec);
  const options: Option[] = [];
  const positionals: Word[] = [];
  const argv = cmd.argv;
  let endOfOptions = false;
  for (let i = 1; i < argv.length; i++) {
    const v = argv[i].value;
    const next = argv[i + 1]?.value;
    if (endOfOptions || !v.startsWith('-') || v === '-' || (/^-\d/.test(v) && !values.has(v))) {
      positionals.push(argv[i]);
      continue;
    }
    if (v === '--') {
      endOfOptions = true;
      continue;
    }
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      if (eq > 0) options.push({ name: v.slice(0, eq), value: v.slice(eq + 1) });
      else if (takesValue(values, v, next)) options.push({ name: v, value: argv[++i].value });
      else options.push({ name: v });
      continue;
    }
    if (takesValue(values, v, next)) {
      options.push({ name: v, value: argv[++i].value });
      continue;
    }
    // Single-dash long options (`-target=x`, terraform and Go tools) carry their value after `=`.
    const eqShort = v.indexOf('=');
    if (eqShort > 2 && values.has(v.slice(0, eqShort))) {
      options.push({ name: v.slice(0, eqShort), value: v.slice(eqShort + 1) });
      continue;
    }
    // A short cluster: letters until one that takes a value, whose value is the rest or the next word.
    let letters = '';
    let consumedNext = false;
    for (let k = 1; k < v.length; k++) {
      const letter = v[k];
      letters += letter;
      if (values.get(`-${letter}`) === true) {
        const rest = v.slice(k + 1);
        options.push({ name: `-${letter}`, value: rest || next });
        if (!rest) consumedNext = true;
        break;
      }
    }
    options.push({ name: v, letters });
    if (consumedNext) i++;
  }
  return { cmd, program: basename(argv[0]?.value ?? '').toLowerCase(), options, positionals, words: argv.slice(1), cache: new Map() };
}
