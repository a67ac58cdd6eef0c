/**
 * The HTTP API: one Hono app, served by API Gateway + Lambda on AWS and by Node locally.
 * Handlers are thin: authenticate, validate, call a use case, map the answer.
 */
import { createHash } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type * as z from 'zod';
import { ValidationError } from '../core/errors';
import type { Deps } from '../core/ports';
import { fieldProblems, type Actor } from '../core/schemas';
import { requireRole } from '../core/usecases/access';
import { getClient, listClients, registerClient } from '../core/usecases/clients';
import { acknowledgeHandover, getHandover, listHandovers } from '../core/usecases/handovers';
import { auditLog, overview } from '../core/usecases/oversight';
import { completeTask, getTask, listTaskPage } from '../core/usecases/tasks';
import { changeTrajectorySettings } from '../core/usecases/caseload';
import {
  listTrajectories,
  recoverTrajectory,
  requestAfronding,
  startTrajectory,
  viewTrajectory,
  withdrawTrajectory,
} from '../core/usecases/trajectories';
import type { TokenVerifier } from '../adapters/auth/verifier';
import { registerCalendarRoutes } from './calendar-routes';
import { registerCaseloadRoutes } from './caseload-routes';
import { registerClientRoutes } from './client-routes';
import { registerNotificationRoutes } from './notification-routes';
import { openApiDocument } from './openapi';
import { registerSignalRoutes } from './signal-routes';
import { problemResponse, toProblem } from './problem';
import { honoPath, type RouteDef, type RouteInput } from './route';
import * as routes from './routes';
import { registerUserRoutes } from './user-routes';
import { taskOut, trajectoryOut, trajectorySummary } from './views';

/** Only the local runtime has a virtual clock to move. */
export interface LocalControls {
  advanceClock(days: number): Promise<Date>;
}

export type Env = { Variables: { actor: Actor } };
/** A JSON answer, or (for a route that is not JSON, such as a calendar feed) a whole response. */
export type Reply = { status: 200 | 201 | 202; body: unknown } | { raw: Response };

/** Registers a declared route with its handler; area modules (api/*-routes.ts) get it from createApi. */
export type Handle = <R extends RouteDef>(
  route: R,
  handler: (input: RouteInput<R>, actor: Actor, c: Context<Env>) => Promise<Reply>,
) => void;
/** What an area's routes module (api/*-routes.ts) registers its routes with. */
export interface AreaRoutes {
  deps: Deps;
  handle: Handle;
  handlePublic: HandlePublic;
}

export type HandlePublic = <R extends RouteDef>(route: R, handler: (input: RouteInput<R>, c: Context<Env>) => Promise<Reply>) => void;

function parse<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(`The ${where} has bad or missing fields`, fieldProblems(result.error, `(${where})`));
}

/** Query parameters: a route's own, checked by its schema; an unknown one is named, never ignored. */
function parseQuery(route: RouteDef, query: Record<string, string>): unknown {
  if (route.query) return parse(route.query, query, 'query');
  const unknown = Object.keys(query);
  if (unknown.length > 0) {
    throw new ValidationError(
      'This route takes no query parameters',
      unknown.map((field) => ({ field, message: 'is not a parameter of this route' })),
    );
  }
  return undefined;
}

async function readJson(c: Context): Promise<unknown> {
  if (!/^application\/(.+\+)?json/i.test(c.req.header('content-type') ?? '')) {
    throw new HTTPException(415, { message: 'Send the body as JSON (Content-Type: application/json)' });
  }
  try {
    return await c.req.json();
  } catch {
    throw new ValidationError('The body is not valid JSON', [{ field: '(body)', message: 'is not valid JSON' }]);
  }
}

export function createApi(deps: Deps, verify: TokenVerifier, local?: LocalControls) {
  const app = new Hono<Env>();
  const declared: RouteDef[] = [];
  const now = () => deps.clock.now();

  app.onError((error, c) => problemResponse(c, toProblem(error, deps.logger)));
  app.notFound((c) => problemResponse(c, { type: 'about:blank', title: 'Not found', status: 404, detail: `No route ${c.req.method} ${c.req.path}` }));

  /** Registers a declared route: authenticate, validate, then handle. */
  async function inputOf<R extends RouteDef>(route: R, c: Context<Env>): Promise<RouteInput<R>> {
    return {
      params: route.params ? parse(route.params, c.req.param(), 'path') : undefined,
      query: parseQuery(route, c.req.query()),
      body: route.body ? parse(route.body, await readJson(c), 'body') : undefined,
    } as RouteInput<R>;
  }

  const handle: Handle = (route, handler) => {
    if (route.public) throw new Error(`${route.path} is public: register it with handlePublic`);
    declared.push(route);
    app.on(route.method.toUpperCase(), honoPath(route.path), async (c) => {
      const actor = await verify(c.req.header('authorization'));
      const input = await inputOf(route, c);
      const reply = route.idempotent
        ? await once(actor, `${route.method} ${c.req.path}`, c.req.header('idempotency-key'), input.body, () => handler(input, actor, c))
        : await handler(input, actor, c);
      if ('raw' in reply) return reply.raw;
      return c.json(reply.body as object, reply.status, 'replayed' in reply ? { 'idempotent-replayed': 'true' } : {});
    });
  };

  /** A public route: no bearer token; it authenticates its own way (the calendar feed: its secret key). */
  const handlePublic: HandlePublic = (route, handler) => {
    if (!route.public) throw new Error(`${route.path} needs a token: register it with handle`);
    declared.push(route);
    app.on(route.method.toUpperCase(), honoPath(route.path), async (c) => {
      const reply = await handler(await inputOf(route, c), c);
      return 'raw' in reply ? reply.raw : c.json(reply.body as object, reply.status);
    });
  };

  /** Runs a write once per Idempotency-Key: a repeat gets the first answer. */
  async function once(actor: Actor, scope: string, key: string | undefined, input: unknown, run: () => Promise<Reply>) {
    if (!key) return run();
    if (key.length < 8 || key.length > 128) {
      throw new ValidationError('Bad Idempotency-Key', [{ field: 'Idempotency-Key', message: 'must be 8 to 128 characters' }]);
    }
    const idemScope = `${actor.userId}#${scope}`;
    const fingerprint = createHash('sha256').update(JSON.stringify(input ?? null)).digest('hex');
    const claimed = await deps.idempotency.claim(idemScope, key, fingerprint);
    if ('replay' in claimed) return { status: claimed.replay.status as 200 | 201 | 202, body: claimed.replay.body, replayed: true };
    try {
      const out = await run();
      if ('raw' in out) throw new Error('An idempotent route answers JSON');
      await deps.idempotency.complete(idemScope, key, claimed.claimId, { fingerprint, status: out.status, body: out.body });
      return out;
    } catch (error) {
      await deps.idempotency.release(idemScope, key, claimed.claimId);
      throw error;
    }
  }

  const ok = (body: unknown): Reply => ({ status: 200, body });

  handle(routes.registerClientRoute, async ({ body }, actor) => ({
    status: 201,
    body: { clientId: (await registerClient(deps, actor, body)).clientId },
  }));
  handle(routes.listClientsRoute, async (_, actor) => ok({ clients: await listClients(deps, actor) }));
  handle(routes.getClientRoute, async ({ params }, actor) => ok(await getClient(deps, actor, params.clientId)));
  handle(routes.clientAuditRoute, async ({ params }, actor) => {
    const entries = await auditLog(deps, actor, params.clientId);
    return ok({ entries: entries.map(({ clientId: _c, ...e }) => e) });
  });

  handle(routes.startTrajectoryRoute, async ({ body }, actor) => ({
    status: 201,
    body: { trajectoryId: (await startTrajectory(deps, actor, body)).trajectoryId },
  }));
  handle(routes.listTrajectoriesRoute, async ({ query }, actor) => {
    const list = await listTrajectories(deps, actor, query.phase);
    return ok({ trajectories: list.map((t) => trajectorySummary(t, now())) });
  });
  handle(routes.getTrajectoryRoute, async ({ params }, actor) =>
    ok(trajectoryOut(await viewTrajectory(deps, actor, params.trajectoryId), now())),
  );
  handle(routes.changeTrajectoryRoute, async ({ params, body }, actor) =>
    ok(trajectorySummary(await changeTrajectorySettings(deps, actor, params.trajectoryId, body), now())),
  );
  handle(routes.requestAfrondingRoute, async ({ params, body }, actor) => ({
    status: 202,
    body: { trajectoryId: (await requestAfronding(deps, actor, params.trajectoryId, body.reason)).trajectoryId },
  }));
  handle(routes.withdrawTrajectoryRoute, async ({ params, body }, actor) =>
    ok(trajectorySummary(await withdrawTrajectory(deps, actor, params.trajectoryId, body), now())),
  );
  handle(routes.recoverTrajectoryRoute, async ({ params }, actor) => ({
    status: 202,
    body: { executionName: (await recoverTrajectory(deps, actor, params.trajectoryId)).workflow.executionName },
  }));

  handle(routes.listTasksRoute, async ({ query }, actor) => {
    const page = await listTaskPage(deps, actor, query);
    return ok({
      tasks: page.tasks.map((t) => taskOut(t.task, now(), { clientName: t.clientName, ...(t.lastContact ? { lastContact: t.lastContact } : {}) })),
      ...(page.cursor ? { cursor: page.cursor } : {}),
    });
  });
  handle(routes.getTaskRoute, async ({ params }, actor) => {
    const { task, advice } = await getTask(deps, actor, params.taskId);
    return ok(taskOut(task, now(), advice ? { advice } : {}));
  });
  handle(routes.completeTaskRoute, async ({ params, body }, actor) => ok(await completeTask(deps, actor, params.taskId, body)));

  handle(routes.listHandoversRoute, async (_, actor) => ok({ handovers: await listHandovers(deps, actor) }));
  handle(routes.getHandoverRoute, async ({ params }, actor) => ok(await getHandover(deps, actor, params.handoverId)));
  handle(routes.acknowledgeHandoverRoute, async ({ params }, actor) => ok(await acknowledgeHandover(deps, actor, params.handoverId)));

  handle(routes.overviewRoute, async (_, actor) => ok(await overview(deps, actor)));

  for (const register of [
    registerUserRoutes,
    registerNotificationRoutes,
    registerCalendarRoutes,
    registerCaseloadRoutes,
    registerClientRoutes,
    registerSignalRoutes,
  ]) {
    register({ deps, handle, handlePublic });
  }

  if (local) {
    handle(routes.advanceClockRoute, async ({ body }, actor) => {
      requireRole(actor, 'beheerder');
      return ok({ now: (await local.advanceClock(body.advanceDays)).toISOString() });
    });
  }

  // The one public route: the document of all the others.
  declared.push(routes.openApiRoute);
  // Built on first request, not at every (Lambda) start.
  let document: ReturnType<typeof openApiDocument> | undefined;
  app.get(routes.openApiRoute.path, (c) => {
    document ??= openApiDocument(declared, {
      title: 'Trajectregie API',
      version: '0.1.0',
      description: 'Guides statushouders through their trajectory: tasks for regisseurs, oversight for beheerders, handovers for the municipality.',
    });
    return c.json(document);
  });
  return app;
}
