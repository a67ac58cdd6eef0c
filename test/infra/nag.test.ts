/**
 * cdk-nag: the AwsSolutions and Serverless packs find nothing that is not
 * acknowledged, every acknowledgement gives its reason, and none is stale.
 */
import { NagPack } from 'cdk-nag';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { nagPacks } from '../../infra/nag';
import { ownAcknowledgements, type Synthesised, synthesise } from './synth';

let built: Synthesised;
beforeAll(() => {
  // With the webhook configured: the fullest deployment, its secret included.
  built = synthesise({ municipalityEndpoint: 'https://klantregie.example.nl/api/overdracht' });
});
afterEach(() => {
  vi.restoreAllMocks();
});

const findings = (pack: NagPack) =>
  pack.validateScope(built.app).violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);

const acknowledgements = () =>
  built.app.node.findAll().flatMap((construct) => [...ownAcknowledgements(construct)].map(([id, reason]) => ({ path: construct.node.path, id, reason })));

describe('cdk-nag', () => {
  it.each(nagPacks().map((pack) => [pack.readPackName, pack] as const))('%s reports no unacknowledged finding', (_name, pack) => {
    expect(findings(pack)).toEqual([]);
  });

  it('gives a reason with every acknowledgement', () => {
    const acks = acknowledgements();
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.reason, `${ack.path} ${ack.id}`).toMatch(/\w+ \w+ \w+/);
    }
  });

  it('acknowledges only the expected rules', () => {
    const rules = new Set(acknowledgements().map((ack) => ack.id.replace(/\[Resource::arn:.*\]$/, '[Resource::<execution ARN pattern>]')));
    expect([...rules].sort()).toEqual(
      [
        'AwsSolutions-APIG4',
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-IAM5[Resource::<execution ARN pattern>]',
        'AwsSolutions-SMG4',
        'AwsSolutions-SQS3',
        'Serverless-LambdaDLQ',
        'Serverless-SQSRedrivePolicy',
      ].sort(),
    );
  });

  it('has no stale acknowledgement: each one answers a finding the packs report without it', () => {
    // Re-run the packs with acknowledgements ignored (cdk-nag's private check, patched for this test only).
    vi.spyOn(NagPack.prototype as unknown as { isAcknowledged: () => boolean }, 'isAcknowledged').mockReturnValue(false);
    const raw = nagPacks().flatMap((pack) =>
      pack.validateScope(built.app).violations.flatMap((v) => v.violatingResources.map((r) => ({ rule: v.ruleName, path: r.constructPath ?? '' }))),
    );
    for (const ack of acknowledgements()) {
      const answered = raw.some((finding) => finding.rule === ack.id && (finding.path === ack.path || finding.path.startsWith(`${ack.path}/`)));
      expect(answered, `${ack.path} acknowledges ${ack.id}, which no pack reports there`).toBe(true);
    }
  });
});
