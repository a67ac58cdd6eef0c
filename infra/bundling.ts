/**
 * The esbuild options every Lambda bundle is built with, shared by the
 * NodejsFunction construct and infra/bundle-report.ts so the report measures
 * exactly what deploys.
 */

/** The AWS SDK v3 ships with the Node.js Lambda runtime; it stays out of the bundle. */
export const EXTERNAL_MODULES = ['@aws-sdk/*'];

/** The code is ESM; a few CommonJS dependencies still call require(). */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** esbuild target matching the Lambda runtime (Node.js 24). */
export const ESBUILD_TARGET = 'node24';

/** Bundles above this size (minified, in KB) fail the bundle report. */
export const BUNDLE_LIMIT_KB = 300;
