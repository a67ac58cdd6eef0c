/**
 * The whole backend on one machine: embedded DynamoDB, the local workflow engine running the
 * ASL with the real step handlers, a clock, the local token issuer and the HTTP API.
 * On start it resumes every trajectory whose execution died with an earlier process.
 */
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { localJwks, LOCAL_AUDIENCE, LOCAL_ISSUER } from '../adapters/auth/local-issuer';
import { createVerifier } from '../adapters/auth/verifier';
import { systemClock } from '../adapters/clock/system-clock';
import { VirtualClock } from '../adapters/clock/virtual-clock';
import { LocalConfig, parseConfig, settingsFrom } from '../adapters/config';
import { documentClient } from '../adapters/dynamodb/client';
import { DynamoIdempotencyStore } from '../adapters/dynamodb/idempotency';
import { DynamoSignalStore } from '../adapters/dynamodb/signal-store';
import { DynamoNotificationStore } from '../adapters/dynamodb/notification-store';
import { DynamoStore } from '../adapters/dynamodb/store';
import { DynamoUserStore } from '../adapters/dynamodb/user-store';
import { tableDirectory } from '../adapters/identity/table-directory';
import { emlMailer, smtpMailer } from '../adapters/mail/local';
import { InboxChannel } from '../adapters/handover/inbox-channel';
import { WebhookChannel } from '../adapters/handover/webhook-channel';
import { ulidGenerator } from '../adapters/ids';
import { createLogger } from '../adapters/logger';
import { logMetrics } from '../adapters/metrics';
import { DynamoExecutionLog } from '../adapters/workflow/execution-log';
import { forwardingEngine } from '../adapters/workflow/forward';
import { LocalWorkflowEngine } from '../adapters/workflow/local-engine';
import type { StepName } from '../adapters/workflow/definition';
import { createApi, type LocalControls } from '../api/app';
import type { Clock, Deps } from '../core/ports';
import { resumeTrajectory } from '../core/usecases/trajectories';
import { bootstrapDirectory } from '../core/usecases/users';
import { buildStep, type HandlerFactory } from '../functions/step-event';
import { makeHandler as buildDossier } from '../functions/build-dossier';
import { makeHandler as closeTrajectory } from '../functions/close-trajectory';
import { makeHandler as deliverHandover } from '../functions/deliver-handover';
import { makeHandler as escalate } from '../functions/escalate';
import { makeHandler as openTask } from '../functions/open-task';
import { makeHandler as plan } from '../functions/plan';
import { makeHandler as recordFailure } from '../functions/record-failure';
import { makeHandler as tick } from '../functions/tick';
import { directorySnapshotWriter, withDirectorySnapshot } from './directory-file';
import { ensureTable, startEmbeddedDynamo } from './embedded-dynamodb';

const STEP_HANDLERS: Record<StepName, HandlerFactory> = {
  plan,
  'open-task': openTask,
  escalate,
  'build-dossier': buildDossier,
  'deliver-handover': deliverHandover,
  'close-trajectory': closeTrajectory,
  'record-failure': recordFailure,
};

export interface Runtime {
  url: string;
  deps: Deps;
  engine: LocalWorkflowEngine;
  /** The DynamoDB client every adapter shares (the simulation meters it). */
  doc: ReturnType<typeof documentClient>;
  /** With CLOCK=virtual: moves the clock and answers once the workflows and the tick have caught up. */
  local: LocalControls | undefined;
  stop(): Promise<void>;
}

export async function startRuntime(env: Record<string, string | undefined> = process.env): Promise<Runtime> {
  const config = parseConfig(LocalConfig, env);
  const dataDir = resolve(config.DATA_DIR);
  const logger = createLogger(config.POWERTOOLS_LOG_LEVEL);
  const dynamo = await startEmbeddedDynamo(join(dataDir, 'dynamodb'), config.DYNAMODB_PORT);
  // In memory, no socket: dynalite's request listener answers this process's requests directly.
  const doc = documentClient(dynamo.clientConfig());
  await ensureTable(doc as never, config.TABLE_NAME);

  const virtual =
    config.CLOCK === 'virtual'
      ? await VirtualClock.load(doc, config.TABLE_NAME, config.CLOCK_START ? new Date(`${config.CLOCK_START}T09:00:00.000Z`) : undefined)
      : undefined;
  const clock: Clock = virtual ?? systemClock;

  // The engine calls the step handlers, which need the engine: tie the knot through a forwarder.
  const engineRef = forwardingEngine(() => engine);
  // The token command (another process) reads the directory from DATA_DIR/directory.json, written at start and on every change.
  const directory = new DynamoUserStore(doc, config.TABLE_NAME);
  const writeDirectory = directorySnapshotWriter(dataDir, directory);
  const smtp = config.SMTP_URL ? smtpMailer(config.SMTP_URL, config.MAIL_FROM) : undefined;
  const mailer = smtp ?? emlMailer(join(dataDir, 'outbox'), config.MAIL_FROM, logger);
  // Links in mails point to APP_BASE_URL, else to this runtime once it listens (below).
  const settings = settingsFrom(config);
  const deps: Deps = {
    store: new DynamoStore(doc, config.TABLE_NAME),
    users: withDirectorySnapshot(directory, writeDirectory, (error) => logger.error('could not write the directory snapshot', { error: String(error) })),
    identity: tableDirectory,
    notifications: new DynamoNotificationStore(doc, config.TABLE_NAME),
    mailer,
    settings,
    idempotency: new DynamoIdempotencyStore(doc, config.TABLE_NAME),
    signals: new DynamoSignalStore(doc, config.TABLE_NAME),
    clock,
    ids: ulidGenerator(),
    engine: engineRef,
    handovers:
      config.MUNICIPALITY_ENDPOINT && config.MUNICIPALITY_SECRET
        ? new WebhookChannel(config.MUNICIPALITY_ENDPOINT, async () => config.MUNICIPALITY_SECRET!)
        : new InboxChannel(logger),
    metrics: logMetrics(logger),
    logger,
  };
  await bootstrapDirectory(deps, config.BOOTSTRAP_ADMIN, clock.now());
  await writeDirectory();
  const handlers = Object.fromEntries(
    Object.entries(STEP_HANDLERS).map(([name, factory]) => [name, buildStep(factory, deps)]),
  ) as Record<StepName, (payload: unknown) => Promise<unknown>>;
  const engine = new LocalWorkflowEngine({ handlers, clock, executions: new DynamoExecutionLog(doc, config.TABLE_NAME), logger });
  engine.startTicking();
  virtual?.onAdvance(() => engine.checkDeadlines());

  // The scheduler tick, as EventBridge Scheduler runs it on AWS: every 15 minutes, after the clock
  // moves, and once at start (what an earlier process recorded and did not send goes out now).
  const runTick = tick(deps);
  const tickInBackground = () => void runTick(undefined).catch((e) => logger.warn('tick failed', { error: String(e) }));
  const ticker = setInterval(tickInBackground, 15 * 60_000);
  ticker.unref();

  const resumed = await resumeAfterRestart(deps, engine);
  if (resumed > 0) logger.info('resumed trajectories after restart', { count: resumed });

  const verifier = createVerifier({ issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, jwks: await localJwks(dataDir) });
  const local: LocalControls | undefined = virtual
    ? {
        advanceClock: async (days) => {
          const now = await virtual.advance(days);
          await engine.whenIdle();
          await runTick(undefined);
          return now;
        },
      }
    : undefined;
  const app = createApi(deps, verifier, local);
  const server: ServerType = await new Promise((resolveServer) => {
    const s = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, () => resolveServer(s));
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.HOST}:${port}`;
  if (!config.APP_BASE_URL) settings.appBaseUrl = url;
  tickInBackground();
  return {
    url,
    deps,
    engine,
    doc,
    local,
    stop: async () => {
      clearInterval(ticker);
      engine.stop();
      await new Promise<void>((r) => server.close(() => r()));
      smtp?.close();
      await dynamo.close();
    },
  };
}

/**
 * Nothing runs in a new process: executions recorded as running died with the earlier one and
 * are marked aborted, and every trajectory whose workflow should be running continues as new
 * in its phase (also one whose start was interrupted before its first execution).
 */
async function resumeAfterRestart(deps: Deps, engine: LocalWorkflowEngine): Promise<number> {
  let resumed = 0;
  for (const trajectory of await deps.store.listTrajectories({})) {
    try {
      await engine.markOrphansAborted(trajectory.trajectoryId);
      if (trajectory.workflow.status === 'running') {
        await resumeTrajectory(deps, trajectory.trajectoryId);
        resumed++;
      }
    } catch (error) {
      // One trajectory that cannot resume must not keep the others (or the API) down; the beheerder can recover it.
      deps.logger.error('could not resume a trajectory after restart', { trajectoryId: trajectory.trajectoryId, error: String(error) });
    }
  }
  return resumed;
}
