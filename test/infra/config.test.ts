/**
 * Deployment parameters come from context, with defaults that let `cdk synth`
 * run with no arguments; a bad value fails synthesis with its name.
 */
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../infra/config';
import { nagPacks } from '../../infra/nag';
import { synthesise } from './synth';

const configFrom = (context: Record<string, unknown>) => readConfig(new App({ context }).node);

describe('deployment parameters', () => {
  it('has a default for every parameter but the account (environment-agnostic by default)', () => {
    expect(configFrom({})).toEqual({
      region: 'eu-central-1',
      stackPrefix: 'Trajectregie',
      mailFrom: expect.stringContaining('@'),
      alarmEmail: expect.stringContaining('@'),
      logRetentionDays: 90,
      dashboard: false,
    });
  });

  it('reads values given as -c name=value (strings)', () => {
    expect(configFrom({ account: '123456789012', logRetentionDays: '365', mailFrom: 'noreply@gemeente.nl', dashboard: 'true' })).toMatchObject({
      account: '123456789012',
      logRetentionDays: 365,
      mailFrom: 'noreply@gemeente.nl',
      dashboard: true,
    });
    // cdk.json context may hold a real boolean.
    expect(configFrom({ dashboard: false }).dashboard).toBe(false);
  });

  it.each([
    ['mailFrom', 'not-an-address'],
    ['alarmEmail', 'nobody'],
    ['municipalityEndpoint', 'not a url'],
    ['logRetentionDays', '42'],
    ['account', '12345'],
    ['dashboard', 'maybe'],
  ])('rejects a bad %s', (name, value) => {
    expect(() => configFrom({ [name]: value })).toThrow(name);
  });

  it('puts the parameters where they take effect', () => {
    const built = synthesise({
      account: '123456789012',
      region: 'eu-west-1',
      stackPrefix: 'Arnhem',
      mailFrom: 'trajectregie@arnhem.nl',
      alarmEmail: 'ops@arnhem.nl',
      municipalityEndpoint: 'https://klantregie.arnhem.nl/overdracht',
      logRetentionDays: '30',
      dashboard: 'true',
    });
    expect(built.stateful.stackName).toBe('Arnhem-Stateful');
    expect(built.stateless.stackName).toBe('Arnhem-Stateless');
    expect(built.stateless.account).toBe('123456789012');
    expect(built.stateless.region).toBe('eu-west-1');
    const t = built.statelessTemplate;
    t.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'trajectregie@arnhem.nl' });
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@arnhem.nl' });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { MUNICIPALITY_ENDPOINT: 'https://klantregie.arnhem.nl/overdracht' } },
    });
    t.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    t.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineName: 'Arnhem-trajectory' });
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    // Acknowledgements that name an ARN follow the account and region.
    for (const pack of nagPacks()) {
      expect(pack.validateScope(built.app).violations).toEqual([]);
    }
  });
});
