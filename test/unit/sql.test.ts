import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sqlKinds } from '../../src/engine/sql';

// `has`: kinds that must be present; `not`: kinds that must be absent.
const cases: { sql: string; has: string[]; not?: string[] }[] = [
  { sql: 'SELECT * FROM users;', has: ['select'], not: ['write'] },
  { sql: 'SHOW TABLES; DESCRIBE users; EXPLAIN SELECT 1', has: ['select'], not: ['write'] },
  { sql: 'DROP DATABASE app;', has: ['drop-database', 'write'] },
  { sql: 'drop schema public cascade', has: ['drop-database'] },
  { sql: 'DROP KEYSPACE analytics', has: ['drop-database'] },
  { sql: 'DROP TABLE IF EXISTS users', has: ['drop'], not: ['drop-database'] },
  { sql: 'TRUNCATE TABLE sessions', has: ['truncate'] },
  { sql: 'DELETE FROM users', has: ['delete-without-where'], not: ['delete'] },
  { sql: 'DELETE FROM users WHERE id = 1', has: ['delete'], not: ['delete-without-where'] },
  // An always-true WHERE restricts nothing.
  { sql: 'DELETE FROM users WHERE 1=1', has: ['delete-without-where'] },
  { sql: 'delete from users where 1 = 1', has: ['delete-without-where'] },
  { sql: 'DELETE FROM users WHERE true', has: ['delete-without-where'] },
  { sql: "DELETE FROM users WHERE 'a' = 'a'", has: ['delete-without-where'] },
  { sql: 'DELETE FROM users WHERE id = 1 OR 1=1', has: ['delete'] },
  // A WHERE inside a subquery does not restrict the outer statement.
  { sql: 'UPDATE accounts SET balance = (SELECT 0 FROM t WHERE x)', has: ['update-without-where'] },
  { sql: 'DELETE FROM t WHERE id IN (SELECT id FROM u)', has: ['delete'], not: ['delete-without-where'] },
  { sql: "UPDATE users SET email = 'x' WHERE id = 7", has: ['update'], not: ['update-without-where'] },
  { sql: 'WITH old AS (SELECT id FROM t) DELETE FROM users', has: ['delete-without-where'] },
  // EXPLAIN ANALYZE runs the statement; EXPLAIN alone does not.
  { sql: 'EXPLAIN ANALYZE DELETE FROM users', has: ['delete-without-where'] },
  { sql: 'EXPLAIN (ANALYZE, BUFFERS) DELETE FROM users', has: ['delete-without-where'] },
  { sql: 'EXPLAIN DELETE FROM users', has: ['select'], not: ['write'] },
  { sql: 'ALTER TABLE users DROP COLUMN email', has: ['alter-drop'] },
  { sql: 'ALTER TABLE users DROP email', has: ['alter-drop'] },
  { sql: 'ALTER TABLE hits DROP PARTITION 202401', has: ['alter-drop'] },
  { sql: 'ALTER TABLE users ALTER COLUMN email DROP NOT NULL', has: ['alter'], not: ['alter-drop'] },
  { sql: 'ALTER TABLE users DROP CONSTRAINT users_email_key', has: ['alter'], not: ['alter-drop'] },
  { sql: 'ALTER TABLE users ALTER COLUMN n DROP DEFAULT', has: ['alter'], not: ['alter-drop'] },
  { sql: 'INSERT INTO t VALUES (1)', has: ['insert', 'write'] },
  { sql: 'CREATE INDEX i ON t (a)', has: ['create', 'write'] },
  { sql: "GRANT ALL PRIVILEGES ON *.* TO 'admin'@'%'", has: ['grant-all'] },
  { sql: "GRANT ALL ON app.* TO 'u'@'h'", has: ['grant'], not: ['grant-all'] },
  { sql: "GRANT SELECT ON *.* TO 'ro'@'%'", has: ['grant'], not: ['grant-all'] },
  { sql: 'ALTER ROLE app WITH SUPERUSER', has: ['grant-all'] },
  { sql: 'CREATE ROLE ops SUPERUSER LOGIN', has: ['grant-all'] },
  { sql: 'ALTER ROLE app NOSUPERUSER', has: ['alter'], not: ['grant-all'] },
  // Keywords inside strings, quoted identifiers and comments are not statements.
  { sql: "SELECT 'DROP TABLE users; --'", has: ['select'], not: ['drop'] },
  { sql: 'SELECT 1 -- ; DROP TABLE users', has: ['select'], not: ['drop'] },
  { sql: 'SELECT 1 /* ; DROP TABLE users */', has: ['select'], not: ['drop'] },
  { sql: '# DROP TABLE users\nSELECT 1', has: ['select'], not: ['drop'] },
  { sql: 'SELECT "drop table x" FROM t', has: ['select'], not: ['drop'] },
  { sql: 'DELETE FROM "Public"."Users"', has: ['delete-without-where'] },
  { sql: 'DELETE FROM `users`', has: ['delete-without-where'] },
  { sql: "DO $$ BEGIN EXECUTE 'x'; END $$; SELECT 1", has: ['select', 'other'], not: ['drop'] },
  { sql: "CREATE FUNCTION f() RETURNS void AS $body$ DELETE FROM t; $body$ LANGUAGE sql", has: ['create'], not: ['delete-without-where'] },
  // PostgreSQL's `#>` operator is not a comment, so the DROP after it still counts.
  { sql: "SELECT data #> '{a}' FROM t; DROP TABLE t", has: ['drop'] },
  // A backslash ends a PostgreSQL string but escapes the quote in MySQL: both readings count.
  { sql: "SELECT 'a\\'; DROP TABLE t; --'", has: ['drop'] },
  // psql meta-commands and sqlite dot-commands end at the line's end.
  { sql: '\\c postgres\nDROP DATABASE app;', has: ['drop-database'] },
  { sql: '.headers on\nDELETE FROM t;', has: ['delete-without-where'] },
  { sql: '\\dt', has: [], not: ['write', 'other'] },
  { sql: 'BEGIN; UPDATE t SET a = 1; COMMIT;', has: ['update-without-where', 'other'] },
];

for (const c of cases) {
  test(`sqlKinds: ${JSON.stringify(c.sql)}`, () => {
    const kinds = sqlKinds(c.sql);
    for (const k of c.has) assert.ok(kinds.has(k as never), `expected ${k} in ${[...kinds].join(', ')}`);
    for (const k of c.not ?? []) assert.ok(!kinds.has(k as never), `expected no ${k} in ${[...kinds].join(', ')}`);
  });
}

test('sqlKinds reads a megabyte of SQL in linear time', () => {
  const big = "INSERT INTO t VALUES (1, 'a', \"b\"); -- c\n".repeat(25_000);
  const t0 = performance.now();
  const kinds = sqlKinds(big);
  assert.ok(kinds.has('insert'));
  assert.ok(performance.now() - t0 < 2000);
});
