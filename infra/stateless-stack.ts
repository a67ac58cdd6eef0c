import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { InfraConfig } from './config';
import { Alarms } from './constructs/alarms';
import { Api } from './constructs/api';
import type { Auth } from './constructs/auth';
import { DeadLetterQueue } from './constructs/dead-letter-queue';
import type { LogSettings } from './constructs/log-group';
import { Mail } from './constructs/mail';
import { MunicipalityWebhook } from './constructs/municipality-webhook';
import { ProjectFunction, type ProjectFunctionProps, type TableAccess } from './constructs/project-function';
import { TickSchedule } from './constructs/tick-schedule';
import { Workflow, type WorkflowFunctionName } from './constructs/workflow';

export interface StatelessStackProps extends StackProps {
  config: InfraConfig;
  key: kms.IKey;
  table: dynamodb.ITable;
  auth: Auth;
}

type FunctionSettings = Pick<ProjectFunctionProps, 'description' | 'memorySize' | 'timeout'> & { table: TableAccess };

/** Task handlers finish well inside the 30 s TimeoutSeconds of their Task states. */
const taskHandler = (description: string, table: TableAccess = 'readWrite'): FunctionSettings => ({
  description,
  memorySize: 512,
  timeout: Duration.seconds(20),
  table,
});

/** Every Lambda function, by its file under functions/. */
const FUNCTIONS: Record<'api' | WorkflowFunctionName, FunctionSettings> = {
  api: { description: 'Trajectregie HTTP API (all routes)', memorySize: 1024, timeout: Duration.seconds(15), table: 'readWrite' },
  plan: taskHandler('Workflow: decide the next step of a phase', 'read'),
  'open-task': taskHandler('Workflow: open or re-open the human task a wait is for'),
  escalate: taskHandler('Workflow: escalate an overdue task to the beheerder'),
  'build-dossier': taskHandler('Workflow: build the handover dossier'),
  'deliver-handover': taskHandler('Workflow: deliver the handover notice to the municipality'),
  'close-trajectory': taskHandler('Workflow: close the trajectory with its outcome'),
  'record-failure': taskHandler('Workflow: record a failed workflow for the beheerder'),
};

const TICK_FUNCTION: FunctionSettings = {
  description: 'Scheduler tick: reminders, overdue tasks, escalation',
  memorySize: 512,
  timeout: Duration.seconds(60),
  // Reads the due indexes, records notifications and their delivery, moves the marks.
  table: 'readWrite',
};

/** The entry points deployed as Lambda functions (functions/<name>.ts). */
export const deployedFunctionNames = (): string[] => [...Object.keys(FUNCTIONS), 'tick'];

/**
 * Everything that can be replaced by a redeploy: functions, API, state
 * machine, scheduler, mail, webhook secret, alarms (and the dashboard, if
 * the `dashboard` parameter is on).
 */
export class StatelessStack extends Stack {
  readonly functions: Record<string, ProjectFunction> = {};
  readonly workflow: Workflow;
  readonly api: Api;
  readonly alarms: Alarms;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, key, table, auth } = props;
    const logs: LogSettings = { key, retention: config.logRetentionDays as RetentionDays };

    const addFunction = (name: string, settings: FunctionSettings, failureQueue?: DeadLetterQueue) => {
      const fn = new ProjectFunction(this, `${pascalCase(name)}Function`, { name, ...settings, logs, failureQueue });
      fn.bindTable(table, settings.table);
      this.functions[name] = fn;
      return fn;
    };
    const fns = Object.fromEntries(
      Object.entries(FUNCTIONS).map(([name, settings]) => [name, addFunction(name, settings)]),
    ) as Record<keyof typeof FUNCTIONS, ProjectFunction>;

    this.workflow = new Workflow(this, 'Trajectory', {
      stateMachineName: `${config.stackPrefix}-trajectory`,
      functions: fns,
      key,
      logs,
    });
    this.workflow.grantTaskResponse(fns['open-task']);

    fns.api.addEnvironment('STATE_MACHINE_ARN', this.workflow.stateMachineArn);
    fns.api.addEnvironment('AUTH_ISSUER', auth.issuer);
    fns.api.addEnvironment('AUTH_AUDIENCE', auth.client.userPoolClientId);
    fns.api.addEnvironment('AUTH_JWKS_URL', `${auth.issuer}/.well-known/jwks.json`);
    this.workflow.grantApi(fns.api);
    auth.bindDirectory(fns.api);

    // Only the tick sends mail (below): the escalate step records the escalation, the tick tells the beheerders.
    const mail = new Mail(this, 'Mail', { from: config.mailFrom });

    if (config.municipalityEndpoint) {
      const webhook = new MunicipalityWebhook(this, 'MunicipalityWebhook', { endpoint: config.municipalityEndpoint, key });
      webhook.bindSender(fns['deliver-handover']);
    }

    this.api = new Api(this, 'Api', {
      handler: fns.api,
      userPool: auth.userPool,
      userPoolClient: auth.client,
      logs,
      throttle: { rateLimit: 50, burstLimit: 100 },
    });

    const failedTicks = new DeadLetterQueue(this, 'FailedTicks', { key, purpose: 'scheduler ticks that failed after retries' });
    const undeliveredTicks = new DeadLetterQueue(this, 'UndeliveredTicks', { key, purpose: 'scheduler ticks EventBridge Scheduler could not deliver' });
    const tick = addFunction('tick', TICK_FUNCTION, failedTicks);
    mail.bindSender(tick);
    // Links in mails point to the console if configured, else to the API.
    tick.addEnvironment('APP_BASE_URL', config.appBaseUrl ?? this.api.httpApi.apiEndpoint);
    new TickSchedule(this, 'TickSchedule', { tick, deadLetterQueue: undeliveredTicks });
    const deadLetterQueues: DeadLetterQueue[] = [failedTicks, undeliveredTicks];

    this.alarms = new Alarms(this, 'Alarms', {
      key,
      alarmEmail: config.alarmEmail,
      stateMachine: this.workflow.stateMachine,
      httpApi: this.api.httpApi,
      functions: Object.fromEntries(Object.entries(this.functions).map(([name, fn]) => [pascalCase(name), fn])),
      deadLetterQueues,
      dashboard: config.dashboard,
    });
  }
}

const pascalCase = (name: string): string =>
  name.replace(/(^|-)([a-z])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());
