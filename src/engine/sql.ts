/**
 * SQL statement kinds, enough to tell destruction from reading: a light tokenizer that blanks
 * strings, quoted identifiers and comments, splits on `;`, and names each statement (`drop`,
 * `truncate`, `delete-without-where`…). It does not validate SQL; unknown statements are `other`.
 * CQL (Cassandra) has the same statement shapes for everything named here, so it is read the same.
 */

export type SqlKind =
  | 'drop' | 'drop-database' | 'truncate' | 'delete' | 'delete-without-where' | 'update' | 'update-without-where'
  | 'alter' | 'alter-drop' | 'insert' | 'create' | 'grant' | 'grant-all' | 'select' | 'other';

const WRITE_KINDS = [
  'drop', 'drop-database', 'truncate', 'delete', 'delete-without-where', 'update', 'update-without-where', 'alter',
  'alter-drop', 'insert', 'create', 'grant', 'grant-all',
] as const;

/**
 * Blank out comments, string literals and quoted identifiers in one left-to-right pass, so a
 * keyword, `;` or `--` inside any of them is not read as SQL. Identifiers become `x` (so
 * `DELETE FROM "Users"` keeps its shape); strings become `''`. MySQL lets a backslash escape a
 * quote and PostgreSQL does not, so callers read the text both ways.
 */
function strip(sql: string, backslashEscapes: boolean): string {
  let out = '';
  let i = 0;
  let lineStart = true;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    const next = sql[i + 1];
    const atLineStart = lineStart;
    lineStart = c === '\n' || (lineStart && (c === ' ' || c === '\t'));
    if (atLineStart && (c === '\\' || c === '.')) {
      // psql meta-commands (`\c db`) and sqlite dot-commands (`.tables`) are client directives
      // that end with the line, not at `;`: each ends the statement before it.
      const end = sql.indexOf('\n', i);
      i = end < 0 ? n : end;
      out += ';';
    } else if ((c === '-' && next === '-') || (c === '#' && (next === ' ' || atLineStart))) {
      // `#` starts a MySQL comment; in PostgreSQL it is an operator (`#>`), so only a `#` at the
      // start of a line or followed by a space counts, which never hides a statement that runs.
      const end = sql.indexOf('\n', i);
      i = end < 0 ? n : end;
      out += ' ';
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      out += ' ';
    } else if (c === "'" || c === '"' || c === '`') {
      // '' and "" inside a literal are an escaped quote; MySQL also allows backslash escapes.
      let j = i + 1;
      while (j < n) {
        if (sql[j] === '\\' && c === "'" && backslashEscapes) j += 2;
        else if (sql[j] === c && sql[j + 1] === c) j += 2;
        else if (sql[j] === c) break;
        else j++;
      }
      i = j + 1;
      out += c === "'" ? "''" : 'x';
    } else if (c === '$' && /^\$[A-Za-z_]*\$/.test(sql.slice(i, i + 64))) {
      // PostgreSQL dollar quoting: $$…$$ or $tag$…$tag$ (function bodies, DO blocks).
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i, i + 64))![0];
      const end = sql.indexOf(tag, i + tag.length);
      i = end < 0 ? n : end + tag.length;
      out += "''";
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The statement with every parenthesised group removed, so a subquery's WHERE is not the statement's. */
function topLevel(stmt: string): string {
  let depth = 0;
  let out = '';
  for (const ch of stmt) {
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) out += ch;
  }
  return out;
}

/**
 * Does the statement restrict its rows? A WHERE that is always true (`WHERE 1=1`, `WHERE true`,
 * `WHERE 1`) restricts nothing, and a WHERE inside a subquery does not restrict the outer statement.
 */
function hasRealWhere(stmt: string): boolean {
  const m = /\bwhere\b(.*)$/.exec(topLevel(stmt));
  if (!m) return false;
  const cond = m[1].replace(/\b(order by|limit|returning)\b.*$/, '').trim();
  return !/^(1|true|'' ?= ?''|(\d+) ?= ?\2)$/.test(cond);
}

/**
 * ALTER … DROP that loses data: a column (`DROP COLUMN c`, MySQL's bare `DROP c`) or a partition.
 * Dropping a default, a NOT NULL, a constraint or an index changes no stored values.
 */
function alterDropsData(body: string): boolean {
  const harmless = /^(default|not|identity|expression|constraint|index|key|foreign|primary|check|unique|fulltext|spatial|trigger|statistics|attribute|owned|inherit|role|user|value|mapping|operator)\b/;
  for (const m of topLevel(body).matchAll(/\bdrop\s+(?:if exists\s+)?(\S+)/g)) {
    if (!harmless.test(m[1])) return true;
  }
  return false;
}

/** GRANT ALL on every database (`ON *.*`), or making a role a superuser. */
function grantsEverything(body: string): boolean {
  if (/^grant all\b.*\bon \*\.\*/.test(body)) return true;
  return /^(alter|create) (role|user)\b/.test(body) && /\bsuperuser\b/.test(body) && !/\bnosuperuser\b/.test(body);
}

function kindOf(body: string): SqlKind {
  const word = body.split(' ')[0];
  switch (word) {
    case 'drop':
      return /^drop (database|schema|keyspace)\b/.test(body) ? 'drop-database' : 'drop';
    case 'truncate':
      return 'truncate';
    case 'delete':
      return hasRealWhere(body) ? 'delete' : 'delete-without-where';
    case 'update':
      return hasRealWhere(body) ? 'update' : 'update-without-where';
    case 'alter':
      if (grantsEverything(body)) return 'grant-all';
      return alterDropsData(body) ? 'alter-drop' : 'alter';
    case 'rename':
      return 'alter';
    case 'insert':
    case 'replace':
    case 'merge':
    case 'upsert':
    case 'copy':
    case 'load':
      return 'insert';
    case 'create':
      return grantsEverything(body) ? 'grant-all' : 'create';
    case 'grant':
      return grantsEverything(body) ? 'grant-all' : 'grant';
    case 'revoke':
      return 'grant';
    case 'select':
    case 'show':
    case 'describe':
    case 'desc':
    case 'explain':
    case 'values':
    case 'table':
      return 'select';
    default:
      return 'other';
  }
}

/** Statement kinds present in SQL text; writes also count as `write`. */
export function sqlKinds(sql: string): Set<SqlKind | 'write'> {
  const kinds = new Set<SqlKind | 'write'>();
  const readings = sql.includes('\\') ? [strip(sql, false), strip(sql, true)] : [strip(sql, false)];
  for (const raw of readings.flatMap((r) => r.split(';'))) {
    const stmt = raw.trim().replace(/\s+/g, ' ').toLowerCase();
    if (!stmt) continue;
    let body = stmt.replace(/^with\b.*?\)\s*(?=(delete|update|insert|select|merge)\b)/, '');
    // EXPLAIN ANALYZE runs the statement it explains (PostgreSQL); plain EXPLAIN does not.
    const analyze = /^explain\s+(?:\(\s*analy[sz]e[^)]*\)|analy[sz]e(?:\s+verbose)?)\s+(.*)$/.exec(body);
    if (analyze) body = analyze[1];
    kinds.add(kindOf(body));
  }
  for (const k of WRITE_KINDS) {
    if (kinds.has(k)) kinds.add('write');
  }
  return kinds;
}
