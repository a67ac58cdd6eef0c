/**
 * Every Lambda bundle, built as NodejsFunction builds it, stays under the size budget
 * (a size, not a time: deterministic for the same sources and lock file).
 */
import { describe, expect, it } from 'vitest';
import { measureBundles } from '../../infra/bundle-report';
import { BUNDLE_LIMIT_KB } from '../../infra/bundling';
import { deployedFunctionNames } from '../../infra/stateless-stack';

describe('Lambda bundles', () => {
  it(`are each under ${BUNDLE_LIMIT_KB} KB minified`, async () => {
    const sizes = await measureBundles();
    expect(sizes.map((s) => s.name).sort()).toEqual(deployedFunctionNames().sort());
    for (const { name, kb } of sizes) expect(kb, name).toBeLessThan(BUNDLE_LIMIT_KB);
  });
});
