// Lint rules in the shape of Temporal's samples-typescript: typescript-eslint's recommended set, promises that
// must be awaited, and stricter rules for workflow code, which runs in a deterministic sandbox and is replayed.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/** Node's built-in modules cannot be used in workflow code: the sandbox does not provide them. */
const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]);

/** Workflow code reads the clock in one seam only; everywhere else time comes from timers and workflow state. */
const CLOCK_SEAM = 'workflows/shared/clock.ts';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.temporal/',
      '.data/',
      'test-results/',
      'coverage/',
      '**/*.js',
      '**/*.cjs',
      'eslint.config.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      'object-shorthand': ['error', 'always'],
      // Outside workflow code, `any` at the SDK's and libraries' edges is allowed, as in Temporal's samples.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        ...nodeBuiltins,
        '@temporalio/client',
        '@temporalio/activity',
        '@temporalio/worker',
      ],
      // Warn, not fail: the action handlers still take `any` where their Update types are not yet derived from one table.
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    ignores: [CLOCK_SEAM],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: `read the clock through ${CLOCK_SEAM}` },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: `read the clock through ${CLOCK_SEAM}`,
        },
        { selector: "CallExpression[callee.name='Date']", message: `read the clock through ${CLOCK_SEAM}` },
      ],
    },
  },
  prettier,
);
