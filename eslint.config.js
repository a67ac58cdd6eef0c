// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', '.data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // The core is the pure domain: no adapters, functions, infra, local runtime, API, AWS SDK or I/O.
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/adapters/**', '**/functions/**', '**/infra/**', '**/local/**', '**/api/**'], message: 'core must not depend on outer layers; add a port instead.' },
            { group: ['@aws-sdk/*', 'aws-cdk-lib', 'aws-cdk-lib/*', 'hono', 'hono/*', 'node:fs', 'node:fs/*', 'node:http', 'node:net', 'node:child_process'], message: 'core does no I/O; use a port.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'core does no I/O; use a port.' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Time is injected (Clock port).' }, { object: 'Math', property: 'random', message: 'IDs are injected (IdGenerator port).' }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
