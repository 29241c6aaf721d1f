/**
 * SQL statement kinds, enough to tell destruction from reading: a light tokenizer that skips
 * strings and comments, splits on `;`, and names each statement (`drop`, `truncate`,
 * `delete-without-where`…). It does not validate SQL; unknown statements are simply `other`.
 */

export type SqlKind =
  | 'drop' | 'drop-database' | 'truncate' | 'delete' | 'delete-without-where' | 'update' | 'update-without-where'
  | 'alter' | 'alter-drop' | 'insert' | 'create' | 'grant' | 'select' | 'other';

/** Remove comments and string literals so keywords inside them are not read as statements. */
function strip(sql: string): string {
  return sql
    .replace(/--[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.)*"|\$\$[\s\S]*?\$\$/g, "''");
}

/** Statement kinds present in SQL text; writes also count as `write`. */
export function sqlKinds(sql: string): Set<SqlKind | 'write'> {
  const kinds = new Set<SqlKind | 'write'>();
  for (const raw of strip(sql).split(';')) {
    const stmt = raw.trim().replace(/\s+/g, ' ').toLowerCase();
    if (!stmt) continue;
    // psql meta-commands and client directives are not SQL statements.
    if (stmt.startsWith('\\')) continue;
    const body = stmt.replace(/^with\b.*?\)\s*(?=(delete|update|insert|select)\b)/, '');
    const word = body.split(' ')[0];
    switch (word) {
      case 'drop':
        kinds.add(/^drop (database|schema)\b/.test(body) ? 'drop-database' : 'drop');
        break;
      case 'truncate':
        kinds.add('truncate');
        break;
      case 'delete':
        kinds.add(/\bwhere\b/.test(body) ? 'delete' : 'delete-without-where');
        break;
      case 'update':
        kinds.add(/\bwhere\b/.test(body) ? 'update' : 'update-without-where');
        break;
      case 'alter':
        kinds.add(/\bdrop\b/.test(body) ? 'alter-drop' : 'alter');
        break;
      case 'insert':
      case 'replace':
      case 'merge':
      case 'upsert':
        kinds.add('insert');
        break;
      case 'create':
        kinds.add('create');
        break;
      case 'grant':
      case 'revoke':
        kinds.add('grant');
        break;
      case 'select':
      case 'show':
      case 'describe':
      case 'explain':
      case 'desc':
        kinds.add('select');
        break;
      default:
        kinds.add('other');
    }
  }
  for (const k of ['drop', 'drop-database', 'truncate', 'delete', 'delete-without-where', 'update', 'update-without-where', 'alter', 'alter-drop', 'insert', 'create', 'grant'] as const) {
    if (kinds.has(k)) kinds.add('write');
  }
  return kinds;
}
