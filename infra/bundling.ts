/**
 * The esbuild options every Lambda bundle is built with, shared by the
 * NodejsFunction construct and infra/bundle-report.ts so the report measures
 * exactly what deploys.
 */

/**
 * The AWS SDK v3 ships with the Node.js Lambda runtime; it stays out of the bundle. Measured
 * (bench/cold-import.ts --bundle-sdk): bundled, a DynamoDB-only step weighs ~520 KB, far over
 * the budget, for an import only ~10% faster than with the runtime's SDK. Each bundle imports
 * only the SDK packages its function uses; `npx tsx infra/bundle-report.ts` lists them, at
 * start or on first use.
 *
 * What esbuild does with imports in this one-file ESM bundle (no code splitting: NodejsFunction
 * writes one outfile): a dynamic import() of a module of the bundle keeps that module in the
 * bundle and evaluates it on the first import() (its static imports too); a dynamic import() of
 * an external package stays one (loaded on first use). But a static import of an external
 * package, or of a Node built-in such as node:https, is moved to the top of the bundle and
 * loaded at start, wherever it is written, even in a module only reached through import(), and
 * even when nothing uses it. So an SDK package loads on first use only if every import of it in
 * the bundle is an import() (or `import type`).
 */
export const EXTERNAL_MODULES = ['@aws-sdk/*'];

/** The code is ESM; a few CommonJS dependencies still call require(). */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** esbuild target matching the Lambda runtime (Node.js 24). */
export const ESBUILD_TARGET = 'node24';

/**
 * Bundles above this size (minified, in KB) fail the bundle report: a guard against a bundle that
 * swallows a dependency by mistake (the AWS SDK, X-Ray), not a goal. 380 since the API serves the
 * calendar feed (ical-generator ~37 KB, imported on the first feed request), the directory and the
 * caseload, and the tick composes mail (nodemailer's composer).
 */
export const BUNDLE_LIMIT_KB = 380;
