// Lint: the engine's layer boundary (no vscode, no Node I/O, no process) and unhandled promises.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test/e2e/**', '.test-output/**', 'media/**/*.js'] },
  {
    files: ['src/**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'vscode', message: 'The engine never imports vscode: adapters hand it data.' },
          ...['fs', 'fs/promises', 'path', 'os', 'child_process', 'net', 'http', 'https', 'process'].map((name) => ({ name, message: 'The engine does no I/O: take a reader or plain data instead.' })),
        ],
        patterns: [
          { group: ['node:*'], message: 'The engine does no I/O: take a reader or plain data instead.' },
          { group: ['../extension/*', '../cli/*'], message: 'Dependencies point down: extension → engine ← cli.' },
        ],
      }],
      'no-restricted-globals': ['error', { name: 'process', message: 'The engine takes variables as arguments, not from process.' }],
    },
  },
);
