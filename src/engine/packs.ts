/**
 * Rule packs: JSONC data checked against schemas/pack.schema.json. Errors name file:line:col.
 * Loading turns a pack into an index from program name to rules, so a command meets only the
 * rules that could match it.
 */
import { parse as parseJsonc, parseTree, findNodeAtLocation, printParseErrorCode } from 'jsonc-parser';
import type { ParseError, Node as JsonNode } from 'jsonc-parser';
import type { DecisionKind, Risk, Shell } from './types';
import type { PathClass } from './paths';
import packSchema from '../../schemas/pack.schema.json';

export type RemoteKind = 'ssh' | 'container' | 'pod';

export interface MatchSet {
  any?: string[];
  all?: string[];
  none?: string[];
}

export type Example = string | { command: string; env?: string; cwd?: string; vars?: Record<string, string>; files?: Record<string, string>; shell?: Shell };

export interface Rule {
  id: string;
  command?: string | string[];
  subcommand?: (string | string[])[];
  flags?: MatchSet;
  args?: MatchSet;
  words?: MatchSet;
  paths?: MatchSet & { any?: PathClass[]; all?: PathClass[]; none?: PathClass[] };
  nocase?: boolean;
  redirects?: MatchSet;
  assigns?: MatchSet;
  stdinFrom?: MatchSet;
  stdinOpaque?: boolean;
  dynamicProgram?: boolean;
  wraps?: boolean;
  stdoutTo?: MatchSet;
  stdinFile?: MatchSet;
  secrets?: { kinds?: string[] };
  code?: { languages?: string[]; pattern: string };
  sql?: { statements: string[] };
  content?: { languages?: string[]; pattern: string };
  http?: { methods?: string[]; hosts?: MatchSet; urls?: MatchSet; mutations?: string[]; authorization?: boolean; uploadsFile?: boolean; readOnly?: boolean };
  when?: { production?: boolean; environments?: string[]; remote?: boolean | RemoteKind | RemoteKind[] };
  target?: MatchSet;
  /** Globs or path classes of the files the command (or an agent's file tool) writes, deletes, moves or re-modes. */
  writes?: MatchSet;
  /** With `writes`: only writes whose text is unknown or matches this (case-insensitive) regular expression. */
  writeText?: { pattern: string };
  /** With `writes`: only changes of these kinds (`delete`, `write`…), e.g. a database deleted but not created. */
  writeHow?: ('write' | 'append' | 'delete' | 'move' | 'edit' | 'mode')[];
  decision: DecisionKind;
  /** With decision allow: rules silenced for the commands this one matches (a loosening). */
  overrides?: string[];
  production?: DecisionKind;
  risk: Risk;
  reason: string;
  /** Required in pack files; stripped from the shipped bundle. */
  examples?: { match: Example[]; noMatch: Example[] };
}

export interface ProgramSpec {
  optionsWithValue?: string[];
  content?: { language: 'sql' | 'mongo' | 'redis' | 'cql' | 'text'; flags?: string[]; files?: string[]; stdin?: boolean; positional?: boolean };
}

export interface Pack {
  id: string;
  description?: string;
  programs?: Record<string, ProgramSpec>;
  rules: Rule[];
  /** Where the pack came from, for messages. */
  file: string;
}

export class PackError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}:${column}: ${detail}`);
  }
}

/** 1-based line and column of a character offset. */
export function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: offset - last };
}

type Validator = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string; params?: Record<string, unknown> }[] | null };
const validators = new Map<object, Validator>();

/** Compile a JSON Schema once; Ajv loads only when something is validated. */
export function schemaValidator(schema: object, refs: Record<string, object> = {}): Validator {
  let v = validators.get(schema);
  if (!v) {
    // A lazy require: Ajv costs startup time and only rule files being validated need it.
    const AjvModule = require('ajv') as { default: new (o: object) => { compile(s: object): Validator; addSchema(s: object, key: string): void } };
    const ajv = new AjvModule.default({ allErrors: false, strict: false });
    for (const [key, ref] of Object.entries(refs)) ajv.addSchema(ref, key);
    v = ajv.compile(schema);
    validators.set(schema, v);
  }
  return v;
}

/** Parse JSONC text; syntax errors throw PackError with the position of the first one. */
export function parseJsoncStrict(text: string, file: string): { value: unknown; tree: JsonNode | undefined } {
  const errors: ParseError[] = [];
  const value = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const { line, column } = lineCol(text, errors[0].offset);
    throw new PackError(file, line, column, `invalid JSON: ${printParseErrorCode(errors[0].error)}`);
  }
  return { value, tree: parseTree(text, [], { allowTrailingComma: true }) };
}

/** Validate a parsed document against a schema; errors throw PackError at the offending node. */
export function validateAgainst(schema: object, value: unknown, tree: JsonNode | undefined, text: string, file: string, refs: Record<string, object> = {}): void {
  const validate = schemaValidator(schema, refs);
  if (validate(value)) return;
  const err = validate.errors?.[0];
  const path: (string | number)[] = (err?.instancePath ?? '').split('/').slice(1).map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg.replace(/~1/g, '/').replace(/~0/g, '~')));
  const extraKey = err?.params && 'additionalProperty' in err.params ? String(err.params.additionalProperty) : undefined;
  // Point at the unexpected key itself, not at the object holding it.
  const node = tree ? (extraKey !== undefined ? findNodeAtLocation(tree, [...path, extraKey])?.parent : undefined) ?? findNodeAtLocation(tree, path) : undefined;
  const { line, column } = lineCol(text, node?.offset ?? 0);
  const extra = extraKey !== undefined ? ` (${extraKey})` : '';
  const allowed = err?.params && 'allowedValues' in err.params ? `: ${(err.params.allowedValues as unknown[]).join(', ')}` : '';
  throw new PackError(file, line, column, `${err?.instancePath || '(root)'} ${err?.message ?? 'is invalid'}${extra}${allowed}`);
}

/** Parse and validate one pack's JSONC text. Throws PackError on any problem. */
export function parsePack(text: string, file: string): Pack {
  const { value, tree } = parseJsoncStrict(text, file);
  validateAgainst(packSchema, value, tree, text, file);
  const pack = { ...(value as Omit<Pack, 'file'>), file };
  pack.rules.forEach((rule, i) => {
    const at = (field: string): PackError => {
      const node = tree ? findNodeAtLocation(tree, ['rules', i, field]) : undefined;
      const { line, column } = lineCol(text, node?.offset ?? 0);
      return new PackError(file, line, column, `rule ${rule.id}: ${field}`);
    };
    if (!rule.id.startsWith(`${pack.id}/`)) throw Object.assign(at('id'), { message: `${at('id').message} must start with "${pack.id}/"` });
    for (const field of ['code', 'content', 'writeText'] as const) {
      const pattern = rule[field]?.pattern;
      if (pattern === undefined) continue;
      try {
        new RegExp(pattern);
      } catch (e) {
        const err = at(field);
        throw new PackError(err.file, err.line, err.column, `rule ${rule.id}: ${field}.pattern is not a valid regular expression: ${(e as Error).message}`);
      }
    }
  });
  const seen = new Set<string>();
  for (const rule of pack.rules) {
    if (seen.has(rule.id)) throw new PackError(file, 1, 1, `duplicate rule id ${rule.id}`);
    seen.add(rule.id);
  }
  return pack;
}

/** Parse built-in packs already validated at build time: plain JSON, no schema work at startup. */
export function trustedPack(value: Omit<Pack, 'file'>, file: string): Pack {
  return { ...value, file };
}
