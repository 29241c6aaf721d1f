/** Glob matching of words and paths (minimatch), compiled once per pattern. */
import { Minimatch } from 'minimatch';

/** A compiled glob: a literal to compare, or minimatch's RegExp (false when it can never match). */
interface CompiledGlob {
  literal?: string;
  re?: RegExp | false;
  /** The pattern has a `/`, so values are matched as paths, not as one segment. */
  slashes: boolean;
}

// Compiled once per pattern: matching is on the hot path of every decision (rules × words).
const globCache = [new Map<string, CompiledGlob>(), new Map<string, CompiledGlob>()];

/** The RegExp source and flags minimatch compiles a glob to. */
function compileGlob(pattern: string, nocase: boolean): [string, string] | false {
  const re = new Minimatch(pattern, { dot: true, nocase, nocomment: true, nonegate: true }).makeRe();
  return re === false ? false : [re.source, re.flags];
}

/**
 * Glob match (minimatch) with a fast path for literal patterns. A pattern without `/` treats the
 * value as one segment, so `:*` matches `:refs/tags/v1` and `+*` matches `+HEAD:main`.
 */
export function glob(value: string, pattern: string, nocase = false): boolean {
  if (pattern === '*') return value.length > 0;
  const cache = globCache[nocase ? 1 : 0];
  let c = cache.get(pattern);
  if (c === undefined) {
    if (!/[*?[\]{}!()]/.test(pattern)) c = { literal: nocase ? pattern.toLowerCase() : pattern, slashes: false };
    else {
      const compiled = compileGlob(pattern, nocase);
      c = { re: compiled === false ? false : new RegExp(compiled[0], compiled[1]), slashes: pattern.includes('/') };
    }
    cache.set(pattern, c);
  }
  if (c.literal !== undefined) return (nocase ? value.toLowerCase() : value) === c.literal;
  if (c.re === false || c.re === undefined) return false;
  return c.re.test(c.slashes || !value.includes('/') ? value : value.replace(/\//g, '\u2215'));
}
