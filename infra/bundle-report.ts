/**
 * Bundle size of every deployed Lambda entry point (functions/<name>.ts), built with the
 * options NodejsFunction deploys with (infra/bundling.ts): minified ESM for
 * Node.js with a source map, the AWS SDK external. Prints a table; exits 1 when a bundle is over
 * the limit. Run: npx tsx infra/bundle-report.ts
 *
 * bench/cold-import.ts builds the bundles with buildBundle() too and times their import.
 */
import { isBuiltin } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { BUNDLE_LIMIT_KB, ESBUILD_TARGET, ESM_REQUIRE_BANNER, EXTERNAL_MODULES } from './bundling';
import { functionEntry } from './constructs/project-function';
import { deployedFunctionNames } from './stateless-stack';

export interface BundleSize {
  name: string;
  kb: number;
  /**
   * The packages left out of the bundle (the AWS SDK, which the Lambda runtime provides) that
   * the bundle imports at start, and those it imports only when first used (dynamic import()).
   * Lambda loads these too: their cost is in bench/cold-import.ts's times, not in `kb`.
   */
  external: { atStart: string[]; onFirstUse: string[] };
}

/** The file NodejsFunction writes for an ESM bundle (index.mjs, with index.mjs.map beside it). */
export const BUNDLE_FILE = 'index.mjs';

/**
 * The esbuild options of infra/constructs/project-function.ts's `bundling`, as the esbuild
 * arguments NodejsFunction passes (--bundle --platform=node --format=esm --minify --sourcemap
 * --sources-content=false --external:… --banner:js=… --main-fields=…). `overrides` is for
 * experiments (bench/cold-import.ts --bundle-sdk), never for the report.
 */
export function bundleOptions(name: string, overrides: Partial<BuildOptions> = {}): BuildOptions {
  return {
    entryPoints: [functionEntry(name)],
    bundle: true,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    platform: 'node',
    format: 'esm',
    target: ESBUILD_TARGET,
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    external: EXTERNAL_MODULES,
    outfile: BUNDLE_FILE,
    logLevel: 'error',
    ...overrides,
  };
}

export interface Bundle extends BundleSize {
  /** index.mjs, what Lambda imports. */
  code: Uint8Array;
  /** index.mjs.map, read at start with --enable-source-maps (which infra sets). */
  map: Uint8Array | undefined;
}

/** Builds one function's bundle in memory. */
export async function buildBundle(name: string, overrides: Partial<BuildOptions> = {}): Promise<Bundle> {
  const options = bundleOptions(name, overrides);
  const file = path.basename(options.outfile ?? BUNDLE_FILE);
  const result = await build({ ...options, write: false, metafile: true });
  const code = result.outputFiles.find((output) => path.basename(output.path) === file);
  if (!code) throw new Error(`esbuild wrote no ${file} for ${name}`);
  const map = result.outputFiles.find((output) => path.basename(output.path) === `${file}.map`);
  const output = Object.entries(result.metafile.outputs).find(([outputPath]) => path.basename(outputPath) === file)?.[1];
  const packages = (dynamic: boolean) =>
    [...new Set((output?.imports ?? []).filter((i) => i.external && !isBuiltin(i.path) && (i.kind === 'dynamic-import') === dynamic).map((i) => i.path))].sort();
  const atStart = packages(false);
  const onFirstUse = packages(true).filter((p) => !atStart.includes(p));
  return { name, code: code.contents, map: map?.contents, kb: Math.round((code.contents.byteLength / 1024) * 10) / 10, external: { atStart, onFirstUse } };
}

export async function measureBundles(names = deployedFunctionNames()): Promise<BundleSize[]> {
  const sizes: BundleSize[] = [];
  for (const name of names) {
    const { kb, external } = await buildBundle(name);
    sizes.push({ name, kb, external });
  }
  return sizes;
}

async function main(): Promise<void> {
  const sizes = await measureBundles();
  const width = Math.max('function'.length, ...sizes.map((size) => size.name.length));
  const short = (packages: string[]) => packages.map((p) => p.replace('@aws-sdk/', '')).join(', ') || '–';
  console.log(`${'function'.padEnd(width)}  size (KB, minified)  external (the runtime's AWS SDK): at start | on first use`);
  for (const { name, kb, external } of sizes) {
    const flag = kb > BUNDLE_LIMIT_KB ? `  OVER ${BUNDLE_LIMIT_KB} KB` : '';
    console.log(`${name.padEnd(width)}  ${kb.toFixed(1).padStart(8)}${flag.padEnd(13)}  ${short(external.atStart)} | ${short(external.onFirstUse)}`);
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
