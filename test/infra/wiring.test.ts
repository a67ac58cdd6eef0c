/**
 * Functions, API and alarms as deployed: runtime defaults, environment,
 * failure handling of asynchronous invocations, routes and their authorizer,
 * and an alarm with its action for everything that needs a person: five
 * alarms that together cover every function, the workflow, every dead-letter
 * queue, the API and overdue tasks; the dashboard only when asked for.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ESCALATION_RULE_TEXT } from '../../core/trajectory/deadlines';
import { ALARM_IDS } from '../../infra/constructs/alarms';
import { PUBLIC_ROUTES } from '../../infra/constructs/api';
import { createApi } from '../../api/app';
import { fakeWorld } from '../support/fakes';
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

  it('gives deliver-handover no webhook unless one is configured: the handover waits in the inbox, and no secret is paid for', () => {
    expect(env('deliver-handover')).not.toHaveProperty('MUNICIPALITY_ENDPOINT');
    built.statelessTemplate.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  it('gives deliver-handover the endpoint and secret when configured, and only the tick the sender and the link base', () => {
    const withWebhook = synthesise({ municipalityEndpoint: 'https://klantregie.arnhem.nl/overdracht' });
    const deliver = withWebhook.statelessTemplate.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { MUNICIPALITY_ENDPOINT: 'https://klantregie.arnhem.nl/overdracht' } } },
    });
    expect(Object.values(deliver).map((f) => f.Properties.Environment.Variables.MUNICIPALITY_SECRET_ARN)).toEqual([
      ref(withWebhook.stateless.node.findChild('MunicipalityWebhook').node.findChild('Secret')),
    ]);
    withWebhook.statelessTemplate.resourceCountIs('AWS::SecretsManager::Secret', 1);
    expect(env('tick')).toMatchObject({ MAIL_FROM: built.config.mailFrom, APP_BASE_URL: expect.anything() });
    expect(env('escalate')).not.toHaveProperty('MAIL_FROM');
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
  it('has exactly the public routes and the authorised proxy route', () => {
    const routes = Object.values(built.statelessTemplate.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(['ANY /{proxy+}', ...Object.keys(PUBLIC_ROUTES)].sort());
    for (const route of routes) {
      if (route.RouteKey in PUBLIC_ROUTES) {
        expect(route.AuthorizationType ?? 'NONE').toBe('NONE');
      } else {
        expect(route, route.RouteKey).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: expect.anything() });
      }
    }
  });

  it('lets through without a token exactly the routes the app declares public', async () => {
    const app = createApi(fakeWorld().deps, async () => {
      throw new Error('no token needed here');
    });
    const document = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, { security?: unknown }>> };
    const declaredPublic = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).flatMap(([method, operation]) => (operation.security ? [] : [`${method.toUpperCase()} ${path}`])),
    );
    expect(declaredPublic.sort()).toEqual(Object.keys(PUBLIC_ROUTES).sort());
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
  type Watched = { Namespace: string; MetricName: string; Dimensions?: { Name: string; Value: unknown }[] };
  let alarms: Record<string, any>[];
  const topic = () => ref(built.stateless.alarms.topic);
  beforeAll(() => {
    alarms = Object.values(built.statelessTemplate.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
  });
  /** The metrics an alarm watches: its one metric, or each metric of its metric-math expression. */
  const metricsOf = (alarm: Record<string, any>): Watched[] =>
    alarm.MetricName ? [alarm as Watched] : (alarm.Metrics ?? []).filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric);
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  /** Alarms watching a metric, with that dimension, or with no dimension at all ('none'). */
  const alarmsOn = (namespace: string, metricName: string, dimension: [string, unknown] | 'none') =>
    alarms.filter((a) =>
      metricsOf(a).some(
        (m) =>
          m.Namespace === namespace &&
          m.MetricName === metricName &&
          (dimension === 'none' ? (m.Dimensions ?? []).length === 0 : (m.Dimensions ?? []).some((d) => d.Name === dimension[0] && same(d.Value, dimension[1]))),
      ),
    );
  /** The expression an alarm evaluates (metric math), or undefined for a single-metric alarm. */
  const expressionOf = (alarm: Record<string, any>): string | undefined => alarm.Metrics?.find((m: any) => m.ReturnData !== false && m.Expression)?.Expression;
  const idOf = (alarm: Record<string, any>, match: (m: Watched) => boolean): string =>
    alarm.Metrics.find((m: any) => m.MetricStat && match(m.MetricStat.Metric)).Id;

  it('has the five alarms, each notifying the encrypted topic on a single occurrence in one period', () => {
    expect(alarms).toHaveLength(ALARM_IDS.length);
    for (const alarm of alarms) {
      expect(alarm, alarm.AlarmDescription).toMatchObject({
        AlarmActions: [topic()],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('mails the configured address, with a dead-letter queue for undeliverable mail', () => {
    built.statelessTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: built.config.alarmEmail,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue() },
    });
  });

  it('alarms on errors of every function with one metric: Lambda Errors over the whole account and region', () => {
    const [alarm, ...others] = alarmsOn('AWS/Lambda', 'Errors', 'none');
    expect(others).toEqual([]);
    expect(alarm).toMatchObject({ Statistic: 'Sum', Period: 300 });
    // The aggregate covers every function only if all of them live in that account and region.
    expect(Object.keys(functions).length).toBeGreaterThan(0);
    expect(built.statefulTemplate.findResources('AWS::Lambda::Function')).toEqual({});
    expect([built.stateless.account, built.stateless.region]).toEqual([built.stateful.account, built.stateful.region]);
  });

  it('alarms on failed, timed-out and aborted executions, summed in one alarm', () => {
    const machine = ref(built.stateless.workflow.stateMachine);
    const metrics = ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'];
    const [alarm, ...others] = alarmsOn('AWS/States', 'ExecutionsFailed', ['StateMachineArn', machine]);
    expect(others).toEqual([]);
    const ids = metrics.map((metric) => {
      expect(alarmsOn('AWS/States', metric, ['StateMachineArn', machine]), metric).toEqual([alarm]);
      return idOf(alarm!, (m) => m.MetricName === metric);
    });
    expect(expressionOf(alarm!)).toBe(`SUM([${ids.join(', ')}])`);
  });

  it('alarms when any dead-letter queue holds a message: the deepest of them all', () => {
    const queues = Object.keys(built.statelessTemplate.findResources('AWS::SQS::Queue'));
    expect(queues.length).toBeGreaterThan(0);
    const dimension = (queue: string): [string, unknown] => ['QueueName', { 'Fn::GetAtt': [queue, 'QueueName'] }];
    const [alarm, ...others] = alarmsOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible', dimension(queues[0]!));
    expect(others).toEqual([]);
    const ids = queues.map((queue) => {
      expect(alarmsOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible', dimension(queue)), queue).toEqual([alarm]);
      return idOf(alarm!, (m) => (m.Dimensions ?? []).some((d) => same(d.Value, dimension(queue)[1])));
    });
    expect(expressionOf(alarm!)).toBe(`MAX([${ids.sort().join(', ')}])`);
    expect(alarm!.Metrics.filter((m: any) => m.MetricStat).every((m: any) => m.MetricStat.Stat === 'Maximum')).toBe(true);
  });

  it('alarms on API 5xx and on tasks past their escalation moment, with the rule as its description', () => {
    expect(alarmsOn('AWS/ApiGateway', '5xx', ['ApiId', ref(built.stateless.api.httpApi)])).toHaveLength(1);
    const [overdue, ...others] = alarmsOn('Trajectregie', 'OverdueTasks', ['service', 'trajectregie']);
    expect(others).toEqual([]);
    expect(overdue!.AlarmDescription).toBe(ESCALATION_RULE_TEXT);
  });

  it("reaches someone for every function's throttles too, through what invokes it", () => {
    const t = built.statelessTemplate;
    const idOfFn = (name: string) => built.stateless.getLogicalId(built.stateless.functions[name]!.node.defaultChild as never);
    const integrations = Object.values(t.findResources('AWS::ApiGatewayV2::Integration')).map((i) => i.Properties);
    const [machine] = Object.values(t.findResources('AWS::StepFunctions::StateMachine')).map((m) => JSON.stringify(m.Properties.DefinitionSubstitutions));
    const onFailure = Object.values(t.findResources('AWS::Lambda::EventInvokeConfig')).map((c) => c.Properties);
    const workflowFunctions = new Set<string>(Object.values(WORKFLOW_FUNCTIONS));
    expect(alarmsOn('AWS/States', 'ExecutionsFailed', ['StateMachineArn', ref(built.stateless.workflow.stateMachine)])).toHaveLength(1);

    for (const name of Object.keys(functions)) {
      const id = idOfFn(name);
      const covered: string[] = [];
      // Synchronous behind the API: a throttle is a 5xx of that API.
      for (const integration of integrations.filter((i) => JSON.stringify(i.IntegrationUri).includes(`"${id}"`))) {
        if (alarmsOn('AWS/ApiGateway', '5xx', ['ApiId', integration.ApiId]).length === 1) covered.push('Api5xx');
      }
      // A task of the state machine: retried, then caught into RecordFailure and the Fail state.
      if (workflowFunctions.has(name) && machine!.includes(`"${id}"`)) covered.push('ExecutionsNotSucceeded');
      // Asynchronous: after its retries and maximum event age the event lands in an alarmed queue.
      for (const config of onFailure.filter((c) => JSON.stringify(c.FunctionName).includes(`"${id}"`))) {
        const queue = config.DestinationConfig?.OnFailure?.Destination?.['Fn::GetAtt']?.[0];
        if (queue && alarmsOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible', ['QueueName', { 'Fn::GetAtt': [queue, 'QueueName'] }]).length === 1) {
          covered.push('DeadLetters');
        }
      }
      expect(covered, `${name}'s throttles reach no alarm`).not.toEqual([]);
    }
  });

  it('deploys no dashboard unless asked', () => {
    expect(built.stateless.alarms.dashboard).toBeUndefined();
    expect(built.statelessTemplate.findResources('AWS::CloudWatch::Dashboard')).toEqual({});
  });

  it('with the dashboard parameter on, shows the same metrics on a dashboard', () => {
    const withDashboard = synthesise({ dashboard: 'true' });
    const [dashboard, ...others] = Object.values(withDashboard.statelessTemplate.findResources('AWS::CloudWatch::Dashboard'));
    expect(others).toEqual([]);
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted', 'Errors', 'Throttles', 'ApproximateNumberOfMessagesVisible', '5xx', 'OverdueTasks']) {
      expect(body, metric).toContain(metric);
    }
    // The same alarms as without it.
    expect(Object.keys(withDashboard.statelessTemplate.findResources('AWS::CloudWatch::Alarm'))).toHaveLength(ALARM_IDS.length);
  });
});
