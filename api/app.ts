/**
 * The HTTP API: one Hono app, served by API Gateway + Lambda on AWS and by Node locally.
 * Handlers are thin: authenticate, validate, call a use case, map the answer.
 */
import { createHash } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Deps } from '../core/ports';
import { toIsoDate } from '../core/rules/dates';
import type { Actor } from '../core/schemas';
import { requireRole } from '../core/usecases/access';
import { getClient, listClients, registerClient } from '../core/usecases/clients';
import { acknowledgeHandover, getHandover, listHandovers } from '../core/usecases/handovers';
import { completeTask, getTask, listTasks } from '../core/usecases/tasks';
import {
  listTrajectories,
  recoverTrajectory,
  requestAfronding,
  startTrajectory,
  viewTrajectory,
} from '../core/usecases/trajectories';
import type { TokenVerifier } from '../adapters/auth/verifier';
import { problemResponse, toProblem, validationProblem } from './problem';
import * as routes from './routes';
import { taskOut, trajectoryOut, trajectorySummary } from './views';

/** Only the local runtime has a virtual clock to move. */
export interface LocalControls {
  advanceClock(days: number): Promise<Date>;
}

type Env = { Variables: { actor: Actor } };

export function createApi(deps: Deps, verify: TokenVerifier, local?: LocalControls) {
  const app = new OpenAPIHono<Env>({
    defaultHook: (result, c) => {
      if (!result.success) return problemResponse(c, validationProblem(result.error.issues, result.target === 'json' ? 'body' : result.target));
    },
  });
  const today = () => toIsoDate(deps.clock.now());

  app.onError((error, c) => problemResponse(c, toProblem(error, deps.logger)));
  app.notFound((c) => problemResponse(c, { type: 'about:blank', title: 'Not found', status: 404, detail: `No route ${c.req.method} ${c.req.path}` }));

  app.use('*', async (c, next) => {
    if (c.req.path === '/openapi.json') return next();
    c.set('actor', await verify(c.req.header('authorization')));
    return next();
  });

  /** Runs a write once per Idempotency-Key: a repeat gets the first answer. */
  async function once(c: Context<Env>, scope: string, input: unknown, run: () => Promise<{ status: 200 | 201 | 202; body: unknown }>) {
    const key = c.req.header('idempotency-key');
    const actor = c.get('actor');
    if (!key) {
      const out = await run();
      return c.json(out.body as object, out.status);
    }
    const idemScope = `${actor.userId}#${scope}`;
    const fingerprint = createHash('sha256').update(JSON.stringify(input)).digest('hex');
    const claimed = await deps.idempotency.claim(idemScope, key, fingerprint);
    if (claimed !== 'claimed') {
      return c.json(claimed.body as object, claimed.status as 200, { 'idempotent-replayed': 'true' });
    }
    try {
      const out = await run();
      await deps.idempotency.complete(idemScope, key, { fingerprint, status: out.status, body: out.body });
      return c.json(out.body as object, out.status);
    } catch (error) {
      await deps.idempotency.release(idemScope, key);
      throw error;
    }
  }

  app.openapi(routes.registerClientRoute, (c) => {
    const input = c.req.valid('json');
    return once(c, 'POST /clients', input, async () => {
      const client = await registerClient(deps, c.get('actor'), input);
      return { status: 201, body: { clientId: client.clientId } };
    }) as never;
  });

  app.openapi(routes.listClientsRoute, async (c) => c.json({ clients: await listClients(deps, c.get('actor')) }, 200));

  app.openapi(routes.getClientRoute, async (c) => c.json(await getClient(deps, c.get('actor'), c.req.valid('param').clientId), 200));

  app.openapi(routes.clientAuditRoute, async (c) => {
    requireRole(c.get('actor'), 'beheerder');
    const entries = await deps.store.listAudit(c.req.valid('param').clientId);
    return c.json({ entries: entries.map(({ clientId: _c, ...e }) => e) }, 200);
  });

  app.openapi(routes.startTrajectoryRoute, (c) => {
    const input = c.req.valid('json');
    return once(c, 'POST /trajectories', input, async () => {
      const trajectory = await startTrajectory(deps, c.get('actor'), input);
      return { status: 201, body: { trajectoryId: trajectory.trajectoryId } };
    }) as never;
  });

  app.openapi(routes.listTrajectoriesRoute, async (c) => {
    const list = await listTrajectories(deps, c.get('actor'), c.req.valid('query').phase);
    return c.json({ trajectories: list.map((t) => trajectorySummary(t, today())) }, 200);
  });

  app.openapi(routes.getTrajectoryRoute, async (c) =>
    c.json(trajectoryOut(await viewTrajectory(deps, c.get('actor'), c.req.valid('param').trajectoryId), today()), 200),
  );

  app.openapi(routes.requestAfrondingRoute, async (c) => {
    const trajectory = await requestAfronding(deps, c.get('actor'), c.req.valid('param').trajectoryId);
    return c.json({ trajectoryId: trajectory.trajectoryId }, 202);
  });

  app.openapi(routes.recoverTrajectoryRoute, async (c) => {
    const trajectory = await recoverTrajectory(deps, c.get('actor'), c.req.valid('param').trajectoryId);
    return c.json({ executionName: trajectory.workflow.executionName }, 202);
  });

  app.openapi(routes.listTasksRoute, async (c) => {
    const tasks = await listTasks(deps, c.get('actor'));
    return c.json({ tasks: tasks.map((t) => taskOut(t.task, today(), t.clientName)) }, 200);
  });

  app.openapi(routes.getTaskRoute, async (c) =>
    c.json(taskOut(await getTask(deps, c.get('actor'), c.req.valid('param').taskId), today()), 200),
  );

  app.openapi(routes.completeTaskRoute, (c) => {
    const { taskId } = c.req.valid('param');
    const input = c.req.valid('json');
    return once(c, `POST /tasks/${taskId}/complete`, input, async () => ({
      status: 200,
      body: await completeTask(deps, c.get('actor'), taskId, input),
    })) as never;
  });

  app.openapi(routes.listHandoversRoute, async (c) => c.json({ handovers: await listHandovers(deps, c.get('actor')) }, 200));

  app.openapi(routes.getHandoverRoute, async (c) =>
    c.json(await getHandover(deps, c.get('actor'), c.req.valid('param').handoverId), 200),
  );

  app.openapi(routes.acknowledgeHandoverRoute, async (c) =>
    c.json(await acknowledgeHandover(deps, c.get('actor'), c.req.valid('param').handoverId), 200),
  );

  app.openapi(routes.listNotificationsRoute, async (c) => {
    requireRole(c.get('actor'), 'beheerder');
    return c.json({ notifications: await deps.store.listNotifications() }, 200);
  });

  if (local) {
    app.openapi(routes.advanceClockRoute, async (c) => {
      requireRole(c.get('actor'), 'beheerder');
      const now = await local.advanceClock(c.req.valid('json').advanceDays);
      return c.json({ now: now.toISOString() }, 200);
    });
  }

  app.openAPIRegistry.registerComponent('securitySchemes', 'Bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Trajectregie API',
      version: '0.1.0',
      description: 'Guides statushouders through their trajectory: tasks for regisseurs, oversight for beheerders, handovers for the municipality.',
    },
  });
  return app;
}

