/**
 * The lint rules bite: eslint.config.js, as `npm run lint` loads it, reports an import across a
 * layer boundary and a floating promise. Snippets are linted as if they were files of the layer
 * (lintText with a filePath); nothing is written.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONFIG = fileURLToPath(new URL('../../eslint.config.js', import.meta.url));
const PROBE = '__boundary_probe__.ts';

/**
 * The import boundaries need no types: the probes skip type-aware linting, which would load the
 * whole project (10–20 s). The typed rules are checked below on a one-file project.
 */
const untyped = new ESLint({
  cwd: ROOT,
  overrideConfigFile: CONFIG,
  overrideConfig: [{ files: [`**/${PROBE}`], ...tseslint.configs.disableTypeChecked }],
});
const typed = new ESLint({ cwd: ROOT, overrideConfigFile: CONFIG });

/** The rule ids and messages ESLint reports for `code` as the file `path` (from the root). */
async function lint(eslint: ESLint, code: string, path: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${path}` });
  if (!result) throw new Error(`ESLint returned no result for ${path}`);
  return result.messages.map((m) => `${m.ruleId ?? '(fatal)'}: ${m.message}`);
}

const importing = (...sources: string[]) =>
  `${sources.map((source, i) => `import * as m${i} from '${source}';`).join('\n')}\nexport const all = [${sources.map((_, i) => `m${i}`).join(', ')}];\n`;

describe('the import boundaries of eslint.config.js', () => {
  it('keep core free of outer layers', async () => {
    const found = await lint(untyped, importing('../adapters/config', './ports'), `core/${PROBE}`);
    expect(found).toEqual([expect.stringMatching(/^no-restricted-imports: '\.\.\/adapters\/config'.*core must not depend on outer layers/)]);
  });

  it('let adapters import core, but not the API or the Lambda entry points', async () => {
    const found = await lint(untyped, importing('../../api/app', '../../functions/api', '../../core/ports', '../dynamodb/table'), `adapters/auth/${PROBE}`);
    expect(found).toEqual([
      expect.stringMatching(/^no-restricted-imports: '\.\.\/\.\.\/api\/app'.*adapters implement core's ports/),
      expect.stringMatching(/^no-restricted-imports: '\.\.\/\.\.\/functions\/api'/),
    ]);
  });

  it('let the API take only the TokenVerifier type from adapters', async () => {
    expect(await lint(untyped, "import type { TokenVerifier } from '../adapters/auth/verifier';\nexport type V = TokenVerifier;\n", `api/${PROBE}`)).toEqual([]);
    expect(await lint(untyped, importing('../adapters/auth/verifier'), `api/${PROBE}`)).toEqual([expect.stringMatching(/only the TokenVerifier type/)]);
    expect(await lint(untyped, "import type { Deps } from '../adapters/aws-deps';\nexport type D = Deps;\n", `api/${PROBE}`)).toEqual([expect.stringMatching(/gets its adapters injected/)]);
  });

  it('keep functions, infra and local apart', async () => {
    expect(await lint(untyped, importing('../local/runtime', '../api/app', '../adapters/aws-deps'), `functions/${PROBE}`)).toEqual([expect.stringMatching(/'\.\.\/local\/runtime'/)]);
    expect(
      await lint(
        untyped,
        importing('../../functions/api', '../../adapters/config', '../../api/app', '../../adapters/dynamodb/table', '../../adapters/workflow/definition', '../../core/schemas', 'aws-cdk-lib/core'),
        `infra/constructs/${PROBE}`,
      ),
    ).toEqual([
      expect.stringMatching(/'\.\.\/\.\.\/functions\/api'.*by its file path/),
      expect.stringMatching(/'\.\.\/\.\.\/adapters\/config'/),
      expect.stringMatching(/'\.\.\/\.\.\/api\/app'/),
    ]);
    expect(await lint(untyped, importing('../infra/app', '../test/support/runtime', '../functions/tick', '../api/app'), `local/${PROBE}`)).toEqual([
      expect.stringMatching(/'\.\.\/infra\/app'/),
      expect.stringMatching(/'\.\.\/test\/support\/runtime'/),
    ]);
  });
});

describe('the type-aware rules of eslint.config.js', () => {
  it('report a floating promise and a promise passed where a void callback is expected', async () => {
    const code = [
      'async function work(): Promise<void> {}',
      'work();',
      '[1, 2].forEach(async () => work());',
      'export async function fine(): Promise<void> {',
      '  await work();',
      '  // Intended fire-and-forget, marked as such.',
      '  void work();',
      '}',
      '',
    ].join('\n');
    expect(await lint(typed, code, 'test/unit/fixtures/lint-probe/probe.ts')).toEqual([
      expect.stringMatching(/^@typescript-eslint\/no-floating-promises: /),
      expect.stringMatching(/^@typescript-eslint\/no-misused-promises: /),
    ]);
  });
});
