// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * A relative import that reaches one of the repository's top-level folders, at any depth:
 * into('api') matches '../api/app' and '../../api/routes'. Only relative imports count, so a
 * package sub-path such as 'aws-cdk-lib/core' or '@smithy/core/…' never does. (There are no
 * path aliases in tsconfig.json; every cross-folder import is relative.)
 * @param {...string} folders
 */
const into = (...folders) => `^(?:\\.\\./)+(?:${folders.join('|')})(?:/|$)`;

/**
 * Import boundaries, one block per folder. Keep each folder's patterns in its one block: in a
 * flat config a later block that sets `no-restricted-imports` for the same files replaces these
 * options instead of adding to them.
 *
 *   core/       the pure domain: imports nothing outside core (and no I/O)
 *   adapters/   implement core's ports: core only
 *   api/        the Hono app: core, plus the TokenVerifier *type* (the verifier itself is injected)
 *   functions/  Lambda entry points: core, adapters, api
 *   infra/      CDK: its own files, core (pure), two plain-data adapters modules; Lambdas by path
 *   local/      the embedded runtime: everything but infra and the tests
 *   test/, bench/ and the root files: unrestricted
 *
 * @type {import('eslint').Linter.Config[]}
 */
const boundaries = [
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: into('adapters', 'api', 'functions', 'infra', 'local', 'test', 'bench'), message: 'core must not depend on outer layers; add a port (core/ports.ts) and implement it in adapters/.' },
            { group: ['@aws-sdk/*', 'aws-cdk-lib', 'aws-cdk-lib/*', 'hono', 'hono/*', 'node:fs', 'node:fs/*', 'node:http', 'node:net', 'node:child_process'], message: 'core does no I/O; use a port.' },
          ],
        },
      ],
    },
  },
  {
    files: ['adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: into('api', 'functions', 'infra', 'local', 'test', 'bench'), message: 'adapters implement core\'s ports and may import only core and other adapters. The API, the Lambda entry points (functions/) and the local runtime wire adapters in, not the other way round: move what both sides need into core (a port or schema) or into adapters.' },
          ],
        },
      ],
    },
  },
  {
    files: ['api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: into('functions', 'infra', 'local', 'test', 'bench'), message: 'The API is the Hono app whose routes call core use cases; its hosts (functions/api.ts, local/) build it. Take what you need as a parameter of createApi instead of importing the host.' },
            // The app is built with its adapters injected (Deps from core/ports, a TokenVerifier).
            // Today it needs exactly one thing from adapters/: the TokenVerifier type.
            { regex: `${into('adapters')}(?!auth/verifier(?:\\.[cm]?[jt]s)?$)`, message: 'The API gets its adapters injected: depend on the port types in core/ports.ts (Deps) and receive the implementation as a parameter of createApi.' },
            { regex: `${into('adapters')}auth/verifier(?:\\.[cm]?[jt]s)?$`, allowTypeImports: true, message: 'The API may import only the TokenVerifier type (import type): the host creates the verifier (createVerifier) and passes it to createApi.' },
          ],
        },
      ],
    },
  },
  {
    files: ['functions/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: into('infra', 'local', 'test', 'bench'), message: 'Lambda entry points wire core, adapters and the API for AWS. They must not load CDK code (infra/), the local runtime (local/) or tests: put shared wiring in adapters/ (e.g. adapters/aws-deps.ts).' },
          ],
        },
      ],
    },
  },
  {
    files: ['infra/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: into('functions'), message: 'infra refers to a Lambda by its file path (functionEntry(name) in infra/constructs/project-function.ts); importing it would load runtime code into the CDK app.' },
            // core is pure (no I/O), so infra may share its rules and texts (e.g. the escalation rule in alarms).
            { regex: into('api', 'local', 'test', 'bench'), message: 'infra (CDK) describes resources and loads no runtime wiring: share pure rules through core/ and plain data through adapters/ (like adapters/dynamodb/table.ts).' },
            // The plain-data modules shared with the runtime: the table definition and the workflow
            // definition's path and substitution keys.
            { regex: `${into('adapters')}(?!(?:dynamodb/table|workflow/definition)(?:\\.[cm]?[jt]s)?$)`, message: 'infra may import from adapters/ only the plain-data modules adapters/dynamodb/table and adapters/workflow/definition. Put other shared data there (or in a new plain-data module, allowed here) rather than loading runtime adapters into the CDK app.' },
          ],
        },
      ],
    },
  },
  {
    files: ['local/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: into('infra', 'test', 'bench'), message: 'The local runtime may use core, adapters, api and functions, but not CDK code (infra/) or tests: move what both need into adapters/.' },
          ],
        },
      ],
    },
  },
];

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
    // Type-aware rules: every .ts file is in tsconfig.json's `include`, so the project service
    // finds it (a .ts file outside it fails with "was not found by the project service").
    // eslint.config.js stays untyped.
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  ...boundaries,
  {
    // The core is the pure domain: no I/O, no ambient time or randomness (imports: see above).
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', { name: 'fetch', message: 'core does no I/O; use a port.' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Time is injected (Clock port).' }, { object: 'Math', property: 'random', message: 'IDs are injected (IdGenerator port).' }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
