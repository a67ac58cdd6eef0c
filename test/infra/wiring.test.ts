/**
 * Functions, API and alarms as deployed: runtime defaults, environment,
 * failure handling of asynchronous invocations, routes and their authorizer,
 * and an alarm with its action for everything that needs a person.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_ROUTE } from '../../infra/constructs/api';
import { WORKFLOW_FUNCTIONS } from '../../infra/constructs/workflow';
import { functionNameOf, type Resource, type Synthesised, synthesise } from './synth';

let built: Synthesised;
let functions: Record<string, Resource>;
beforeAll(() => {
  built = synthesise();
  functions = Object.fromEntries(
    Object.entries(built.statelessTemplate.findResources('AWS::Lambda::Function')).map(([id, fn]) => [functionNameOf(built, id) ?? id, fn as Resource]),
  );
});

const env = (name: string): Record<string, unknown> => functions[name]!.Properties.Environment.Variables;
const resolve = (value: unknown) => built.stateless.resolve(value);
const ref = (construct: { node: { defaultChild?: unknown } }) => ({
  Ref: built.stateless.getLogicalId(construct.node.defaultChild as never),
});

describe('functions', () => {
  it('deploys the API, the seven task handlers (and the tick once functions/tick.ts exists)', () => {
    const expected = ['api', ...new Set(Object.values(WORKFLOW_FUNCTIONS)), 'tick'];
    expect(Object.keys(functions).sort()).toEqual(expected.sort());
  });

  it('runs every function on the latest Node.js, arm64, with explicit memory and timeout, X-Ray and Powertools settings', () => {
    for (const [name, fn] of Object.entries(functions)) {
      expect(fn.Properties, name).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        MemorySize: expect.any(Number),
        Timeout: expect.any(Number),
      });
      expect(env(name), name).toMatchObject({
        RUNTIME: 'aws',
        TABLE_NAME: { 'Fn::ImportValue': expect.stringMatching(/Table/) },
        POWERTOOLS_SERVICE_NAME: 'trajectregie',
        POWERTOOLS_METRICS_NAMESPACE: 'Trajectregie',
        NODE_OPTIONS: '--enable-source-maps',
      });
    }
  });

  it('lets task handlers finish within the 30 s their Task states allow', () => {
    for (const name of new Set(Object.values(WORKFLOW_FUNCTIONS))) {
      expect(functions[name]!.Properties.Timeout, name).toBeLessThan(30);
    }
  });

  it('gives the API the state machine and the Cognito issuer, audience and JWKS URL', () => {
    expect(env('api')).toMatchObject({
      STATE_MACHINE_ARN: resolve(built.stateless.workflow.stateMachineArn),
      AUTH_AUDIENCE: { 'Fn::ImportValue': expect.stringMatching(/ApiClient/) },
    });
    const { AUTH_ISSUER: issuer, AUTH_JWKS_URL: jwks } = env('api') as Record<string, { 'Fn::Join': [string, unknown[]] }>;
    expect(issuer!['Fn::Join'][1]).toEqual([
      'https://cognito-idp.eu-central-1.amazonaws.com/',
      { 'Fn::ImportValue': expect.stringMatching(/AuthUsers/) },
    ]);
    expect(jwks!['Fn::Join'][1]).toEqual([...issuer!['Fn::Join'][1], '/.well-known/jwks.json']);
  });

  it('gives deliver-handover the endpoint and secret, and escalate the sender', () => {
    expect(env('deliver-handover')).toMatchObject({
      MUNICIPALITY_ENDPOINT: built.config.municipalityEndpoint,
      MUNICIPALITY_SECRET_ARN: ref(built.stateless.node.findChild('MunicipalityWebhook').node.findChild('Secret')),
    });
    expect(env('escalate')).toMatchObject({ MAIL_FROM: built.config.mailFrom });
    built.statelessTemplate.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: built.config.mailFrom });
  });

  it('sends every failed asynchronous invocation somewhere: each function is invoked synchronously or has an on-failure destination', () => {
    const t = built.statelessTemplate;
    const idOf = (name: string) => built.stateless.getLogicalId(built.stateless.functions[name]!.node.defaultChild as never);
    const apiTargets = Object.values(t.findResources('AWS::ApiGatewayV2::Integration')).map((i) => JSON.stringify(i.Properties.IntegrationUri));
    const scheduleTargets = Object.values(t.findResources('AWS::Scheduler::Schedule')).map((s) => JSON.stringify(s.Properties.Target.Arn));
    const onFailure = Object.values(t.findResources('AWS::Lambda::EventInvokeConfig'))
      .filter((c) => c.Properties.DestinationConfig?.OnFailure?.Destination)
      .map((c) => JSON.stringify(c.Properties.FunctionName));
    const workflowFunctions = new Set<string>(Object.values(WORKFLOW_FUNCTIONS));

    for (const name of Object.keys(functions)) {
      const id = idOf(name);
      const byApi = apiTargets.some((uri) => uri.includes(`"${id}"`));
      const byWorkflow = workflowFunctions.has(name);
      const byScheduler = scheduleTargets.some((arn) => arn.includes(`"${id}"`));
      const hasDestination = onFailure.some((fn) => fn.includes(`"${id}"`));
      expect(byApi || byWorkflow || byScheduler, `${name} is invoked by nothing`).toBe(true);
      if (byScheduler) expect(hasDestination, `${name} is invoked asynchronously without an on-failure destination`).toBe(true);
    }
    const permissions = Object.values(t.findResources('AWS::Lambda::Permission')).map((p) => p.Properties.Principal);
    expect(new Set(permissions)).toEqual(new Set(['apigateway.amazonaws.com']));
  });

  it('wires the 15-minute tick with retries and a dead-letter queue', () => {
    built.statelessTemplate.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(15 minutes)',
      Target: Match.objectLike({
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: Match.anyValue() }),
        DeadLetterConfig: { Arn: Match.anyValue() },
      }),
    });
  });
});

describe('HTTP API', () => {
  it('has exactly the public OpenAPI route and the authorised proxy route', () => {
    const routes = Object.values(built.statelessTemplate.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(['ANY /{proxy+}', PUBLIC_ROUTE].sort());
    for (const route of routes) {
      if (route.RouteKey === PUBLIC_ROUTE) {
        expect(route.AuthorizationType ?? 'NONE').toBe('NONE');
      } else {
        expect(route, route.RouteKey).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: expect.anything() });
      }
    }
  });

  it('verifies Cognito JWTs for the app client', () => {
    built.statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ 'Fn::ImportValue': Match.stringLikeRegexp('ApiClient') }],
        Issuer: Match.anyValue(),
      },
    });
  });

  it('throttles the stage and writes JSON access logs', () => {
    const [stage] = Object.values(built.statelessTemplate.findResources('AWS::ApiGatewayV2::Stage'));
    expect(stage!.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: expect.any(Number), ThrottlingBurstLimit: expect.any(Number) },
      AccessLogSettings: { DestinationArn: expect.anything() },
    });
    expect(JSON.parse(stage!.Properties.AccessLogSettings.Format)).toMatchObject({ requestId: '$context.requestId' });
  });
});

describe('alarms', () => {
  let alarms: Record<string, any>[];
  const topic = () => ref(built.stateless.alarms.topic);
  beforeAll(() => {
    alarms = Object.values(built.statelessTemplate.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
  });
  const alarmOn = (namespace: string, metricName: string, dimension?: [string, unknown]) =>
    alarms.filter(
      (a) =>
        a.Namespace === namespace &&
        a.MetricName === metricName &&
        (!dimension || (a.Dimensions ?? []).some((d: any) => d.Name === dimension[0] && JSON.stringify(d.Value) === JSON.stringify(dimension[1]))),
    );

  it('notifies the encrypted topic from every alarm', () => {
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions, alarm.AlarmDescription).toEqual([topic()]);
    }
  });

  it('mails the configured address, with a dead-letter queue for undeliverable mail', () => {
    built.statelessTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: built.config.alarmEmail,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue() },
    });
  });

  it('alarms on failed, timed-out and throttled executions', () => {
    const machine = ref(built.stateless.workflow.stateMachine);
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionThrottled']) {
      expect(alarmOn('AWS/States', metric, ['StateMachineArn', machine]), metric).toHaveLength(1);
    }
  });

  it('alarms on errors and throttles of each function', () => {
    for (const fn of Object.values(built.stateless.functions)) {
      for (const metric of ['Errors', 'Throttles']) {
        expect(alarmOn('AWS/Lambda', metric, ['FunctionName', ref(fn)]), `${fn.node.id} ${metric}`).toHaveLength(1);
      }
    }
  });

  it('alarms when any dead-letter queue holds a message', () => {
    const queues = Object.keys(built.statelessTemplate.findResources('AWS::SQS::Queue'));
    expect(queues.length).toBeGreaterThan(0);
    for (const queue of queues) {
      const [alarm] = alarmOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible', ['QueueName', { 'Fn::GetAtt': [queue, 'QueueName'] }]);
      expect(alarm, queue).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    }
  });

  it('alarms on API 5xx and on tasks past their escalation moment', () => {
    expect(alarmOn('AWS/ApiGateway', '5xx', ['ApiId', ref(built.stateless.api.httpApi)])).toHaveLength(1);
    expect(alarmOn('Trajectregie', 'OverdueTasks', ['service', 'trajectregie'])).toHaveLength(1);
  });

  it('shows the same on a dashboard', () => {
    const [dashboard] = Object.values(built.statelessTemplate.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    for (const metric of ['ExecutionsFailed', 'Errors', 'Throttles', 'ApproximateNumberOfMessagesVisible', '5xx', 'OverdueTasks']) {
      expect(body, metric).toContain(metric);
    }
  });
});
