/**
 * Bundle size of every deployed Lambda entry point (functions/<name>.ts), built with the
 * options NodejsFunction deploys with (infra/bundling.ts): minified ESM for
 * Node.js, the AWS SDK external. Prints a table; exits 1 when a bundle is over
 * the limit. Run: npx tsx infra/bundle-report.ts
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { BUNDLE_LIMIT_KB, ESBUILD_TARGET, ESM_REQUIRE_BANNER, EXTERNAL_MODULES } from './bundling';
import { functionEntry } from './constructs/project-function';
import { deployedFunctionNames } from './stateless-stack';

export interface BundleSize {
  name: string;
  kb: number;
}

export async function measureBundles(names = deployedFunctionNames()): Promise<BundleSize[]> {
  const sizes: BundleSize[] = [];
  for (const name of names) {
    const result = await build({
      entryPoints: [functionEntry(name)],
      bundle: true,
      write: false,
      minify: true,
      platform: 'node',
      format: 'esm',
      target: ESBUILD_TARGET,
      mainFields: ['module', 'main'],
      banner: { js: ESM_REQUIRE_BANNER },
      external: EXTERNAL_MODULES,
      outfile: 'index.mjs',
      logLevel: 'error',
    });
    const bytes = result.outputFiles.reduce((total, output) => total + output.contents.byteLength, 0);
    sizes.push({ name, kb: Math.round((bytes / 1024) * 10) / 10 });
  }
  return sizes;
}

async function main(): Promise<void> {
  const sizes = await measureBundles();
  const width = Math.max('function'.length, ...sizes.map((size) => size.name.length));
  console.log(`${'function'.padEnd(width)}  size (KB, minified)`);
  for (const { name, kb } of sizes) {
    const flag = kb > BUNDLE_LIMIT_KB ? `  OVER ${BUNDLE_LIMIT_KB} KB` : '';
    console.log(`${name.padEnd(width)}  ${kb.toFixed(1).padStart(8)}${flag}`);
  }
  const over = sizes.filter((size) => size.kb > BUNDLE_LIMIT_KB);
  if (sizes.length === 0) {
    console.error('No functions to measure.');
    process.exitCode = 1;
  } else if (over.length > 0) {
    console.error(`${over.length} bundle(s) over ${BUNDLE_LIMIT_KB} KB: ${over.map((size) => size.name).join(', ')}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
