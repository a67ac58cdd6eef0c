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
 * start or on first use. esbuild keeps a dynamic import() of an external package as one (loaded
 * on first use), but also keeps a static import of one even when nothing in the bundle uses it.
 */
export const EXTERNAL_MODULES = ['@aws-sdk/*'];

/** The code is ESM; a few CommonJS dependencies still call require(). */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** esbuild target matching the Lambda runtime (Node.js 24). */
export const ESBUILD_TARGET = 'node24';

/** Bundles above this size (minified, in KB) fail the bundle report. */
export const BUNDLE_LIMIT_KB = 300;
