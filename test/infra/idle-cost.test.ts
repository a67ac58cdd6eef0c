/**
 * bench/idle-cost.ts prices what the templates hold: its counts match the synthesised resources,
 * no resource type escapes it, and the dashboard appears (and is priced) only when asked for.
 * Prices and timings are not asserted here.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { alarmMetrics, type IdleCost, idleCostOfTemplates, invocationsPerMonth, lambdaMemoryMb } from '../../bench/idle-cost';
import { deployedFunctionNames } from '../../infra/stateless-stack';
import { type Synthesised, synthesise } from './synth';

const templates = (built: Synthesised) => [built.statefulTemplate.toJSON(), built.statelessTemplate.toJSON()];
const countOf = (built: Synthesised, type: string) =>
  Object.keys(built.statefulTemplate.findResources(type)).length + Object.keys(built.statelessTemplate.findResources(type)).length;
const item = (breakdown: IdleCost, what: RegExp) => {
  const found = breakdown.items.filter((i) => what.test(i.what));
  expect(found, String(what)).toHaveLength(1);
  return found[0]!;
};

let built: Synthesised;
let breakdown: IdleCost;
beforeAll(() => {
  built = synthesise();
  breakdown = idleCostOfTemplates(templates(built));
});

describe('idle cost', () => {
  it('prices every alarm in the templates, per metric it watches', () => {
    const alarms = built.statelessTemplate.findResources('AWS::CloudWatch::Alarm');
    const priced = item(breakdown, /^CloudWatch alarms/);
    expect(priced.resources).toBe(countOf(built, 'AWS::CloudWatch::Alarm'));
    expect(priced.count).toBe(Object.values(alarms).reduce((n, alarm) => n + alarmMetrics(alarm).length, 0));
    expect(priced.count).toBeGreaterThanOrEqual(priced.resources);
  });

  it('counts the keys, secrets and dashboards the templates hold', () => {
    expect(item(breakdown, /^KMS customer-managed keys/).count).toBe(countOf(built, 'AWS::KMS::Key'));
    expect(item(breakdown, /^Secrets Manager secrets/).count).toBe(countOf(built, 'AWS::SecretsManager::Secret'));
    expect(item(breakdown, /^CloudWatch dashboards/).count).toBe(0);
  });

  it('prices the scheduled tick at its rate, with the memory size of the function it invokes', () => {
    const [schedule] = Object.values(built.statelessTemplate.findResources('AWS::Scheduler::Schedule'));
    const invocations = invocationsPerMonth(schedule!.Properties.ScheduleExpression);
    expect(item(breakdown, /^EventBridge Scheduler invocations/).count).toBe(invocations);
    expect(item(breakdown, /^Lambda requests/).count).toBe(invocations);
    const memoryMb = lambdaMemoryMb(built).tick!;
    expect(item(breakdown, /^Lambda arm64 GB-seconds/).what).toContain(`${memoryMb} MB`);
  });

  it('knows every resource type in the templates: priced, billed per use only, or free', () => {
    expect(breakdown.unpriced).toEqual([]);
  });

  it('reports the memory size of each deployed function, by its name, as synthesised', () => {
    const sizes = lambdaMemoryMb(built);
    expect(Object.keys(sizes).sort()).toEqual(deployedFunctionNames().sort());
    const resources = built.statelessTemplate.toJSON().Resources;
    for (const [name, fn] of Object.entries(built.stateless.functions)) {
      const id = built.stateless.getLogicalId(fn.node.defaultChild as CfnElement);
      expect(sizes[name], name).toBe(resources[id].Properties.MemorySize);
    }
  });

  it('with the dashboard parameter on, finds and prices the one dashboard', () => {
    const withDashboard = synthesise({ dashboard: 'true' });
    expect(countOf(withDashboard, 'AWS::CloudWatch::Dashboard')).toBe(1);
    const priced = item(idleCostOfTemplates(templates(withDashboard)), /^CloudWatch dashboards/);
    expect(priced).toMatchObject({ count: 1, resources: 1 });
    expect(priced.monthlyUsd).toBeGreaterThan(0);
  });
});
