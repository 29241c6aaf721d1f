/**
 * The agents whose hooks cannot ask (Codex, Gemini CLI) ask through their own rules instead:
 * Codex `prefix_rule(…, decision = "prompt")` in `~/.codex/rules/*.rules`, Gemini CLI policies with
 * `decision = "ask_user"` in `.gemini/policies/*.toml`. When such a rule covers a command Interlock
 * wants confirmed, the hook steps aside so that the agent asks the person, instead of refusing a
 * command the person has said they want to be asked about. Only plain word lines qualify: for
 * anything with operators or substitutions the agent's prefix match may not cover what runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lexPlainWords } from '../../engine/parse';

type Pattern = (string | string[])[];

function readRuleFiles(dir: string, ext: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith(ext))
      .slice(0, 64)
      .map((f) => {
        try {
          return readFileSync(join(dir, f), 'utf8').slice(0, 512 * 1024);
        } catch {
          return '';
        }
      });
  } catch {
    return [];
  }
}

/** A Starlark list of strings and lists of strings: `["git", ["push", "fetch"]]`. */
function parseList(text: string, at: number): { value: Pattern; end: number } | undefined {
  let i = at;
  const skip = (): void => {
    while (i < text.length && /[\s,]/.test(text[i])) i++;
  };
  if (text[i] !== '[') return undefined;
  i++;
  const out: Pattern = [];
  for (;;) {
    skip();
    const c = text[i];
    if (c === ']') return { value: out, end: i + 1 };
    if (c === '"' || c === "'") {
      const close = text.indexOf(c, i + 1);
      if (close < 0) return undefined;
      out.push(text.slice(i + 1, close));
      i = close + 1;
    } else if (c === '[') {
      const inner = parseList(text, i);
      if (!inner || inner.value.some((x) => typeof x !== 'string')) return undefined;
      out.push(inner.value as string[]);
      i = inner.end;
    } else return undefined;
  }
}

/** Codex prefix rules that make Codex prompt. */
export function codexPromptPatterns(text: string): Pattern[] {
  const out: Pattern[] = [];
  const re = /prefix_rule\s*\(/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    // The call's arguments run to the matching parenthesis; strings may hold parentheses.
    let depth = 1;
    let i = re.lastIndex;
    for (; i < text.length && depth > 0; i++) {
      const c = text[i];
      if (c === '"' || c === "'") i = Math.max(i, text.indexOf(c, i + 1));
      else if (c === '(') depth++;
      else if (c === ')') depth--;
    }
    const body = text.slice(re.lastIndex, i - 1);
    if (!/\bdecision\s*=\s*["']prompt["']/.test(body)) continue;
    const p = /\bpattern\s*=\s*\[/.exec(body);
    const list = p ? parseList(body, p.index + p[0].length - 1) : undefined;
    if (list && list.value.length > 0) out.push(list.value);
  }
  return out;
}

function prefixMatches(pattern: Pattern, words: string[]): boolean {
  if (words.length < pattern.length) return false;
  return pattern.every((p, i) => (typeof p === 'string' ? p === words[i] : p.includes(words[i])));
}

/** Gemini CLI `[[rule]]` tables asking the user before shell commands with given prefixes. */
export function geminiAskPrefixes(text: string): string[] {
  const out: string[] = [];
  for (const block of text.split(/^\s*\[\[\s*rule\s*\]\]\s*$/m).slice(1)) {
    const body = block.split(/^\s*\[/m)[0];
    const value = (key: string): string | undefined => new RegExp(`^\\s*${key}\\s*=\\s*(.+?)\\s*(#.*)?$`, 'm').exec(body)?.[1];
    const unquote = (v: string): string => v.replace(/^["']|["']$/g, '');
    const tool = value('toolName');
    const decision = value('decision');
    const prefix = value('commandPrefix');
    if (!tool || unquote(tool) !== 'run_shell_command' || !decision || unquote(decision) !== 'ask_user' || !prefix) continue;
    if (prefix.startsWith('[')) out.push(...[...prefix.matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2]));
    else out.push(unquote(prefix));
  }
  return out.filter((p) => p.trim() !== '');
}

export interface RuleSources {
  home: string;
  cwd?: string;
  vars: Record<string, string | undefined>;
}

/** The agent's own rule that will ask the person about this command, if one does. */
export function agentAsksFor(agent: 'codex' | 'gemini', command: string, src: RuleSources): string | undefined {
  const plain = lexPlainWords(command);
  if (!plain || plain.length === 0) return undefined;
  const words = plain.map((w) => w.value);
  if (agent === 'codex') {
    const dir = join(src.vars.CODEX_HOME ?? join(src.home, '.codex'), 'rules');
    for (const text of readRuleFiles(dir, '.rules')) {
      const hit = codexPromptPatterns(text).find((p) => prefixMatches(p, words));
      if (hit) return `the Codex rule prefix_rule(pattern=${JSON.stringify(hit)}, decision="prompt")`;
    }
    return undefined;
  }
  const dirs = [join(src.home, '.gemini', 'policies'), ...(src.cwd ? [join(src.cwd, '.gemini', 'policies')] : [])];
  const line = words.join(' ');
  for (const dir of dirs) {
    for (const text of readRuleFiles(dir, '.toml')) {
      const hit = geminiAskPrefixes(text).find((p) => line === p || line.startsWith(p + ' '));
      if (hit) return `the Gemini CLI policy asking before "${hit}"`;
    }
  }
  return undefined;
}

/** How a person can let a refused command through with an agent that cannot ask from a hook. */
export function adviceFor(agent: 'codex' | 'gemini', command: string | undefined): string {
  const ways = ['run it yourself in a terminal', 'or open this folder in VS Code or Cursor with Interlock running, which asks you in a dialog'];
  const words = command ? lexPlainWords(command)?.map((w) => w.value).slice(0, 2) : undefined;
  if (agent === 'codex' && command) {
    const pattern = JSON.stringify(words && words.length > 0 ? words : ['<program>', '<subcommand>']);
    ways.push(`or have Codex ask you first: add prefix_rule(pattern=${pattern}, decision="prompt") to ~/.codex/rules/default.rules`);
  }
  if (agent === 'gemini' && command) {
    const prefix = words && words.length > 0 ? words.join(' ') : '<program> <subcommand>';
    ways.push(`or have Gemini CLI ask you first: add [[rule]] toolName = "run_shell_command", commandPrefix = ${JSON.stringify(prefix)}, decision = "ask_user", priority = 500 to ~/.gemini/policies/interlock.toml`);
  }
  return `To go ahead: ${ways.join(', ')}.`;
}
