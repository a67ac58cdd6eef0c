/**
 * The directory (/users, beheerder) and a user's own record and preferences (/me, /me/preferences).
 */
import * as z from 'zod';
import { Id, NewUser, Preferences, User, UserChange } from '../core/schemas';
import { changeUser, createUser, getPreferences, getUser, listUsers, me, setPreferences } from '../core/usecases/users';
import type { AreaRoutes } from './app';
import { defineRoute, problems, json } from './route';



/** A user as every route shows it: the calendar key's hash never leaves. */
export const UserOut = User.omit({ calendarKeyHash: true });
export type UserOut = z.infer<typeof UserOut>;

export function userOut(user: User): UserOut {
  const { calendarKeyHash: _hidden, ...shown } = user;
  return shown;
}

const userParams = z.object({ userId: Id });

export const createUserRoute = defineRoute({
  method: 'post',
  path: '/users',
  tags: ['users'],
  summary: 'Add a user to the directory (beheerder); on AWS Cognito sends the invitation mail',
  body: NewUser,
  responses: { 201: json(UserOut, 'Created, active'), ...problems(400, 401, 403, 409) },
});

export const listUsersRoute = defineRoute({
  method: 'get',
  path: '/users',
  tags: ['users'],
  summary: 'The directory (beheerder), oldest first',
  responses: { 200: json(z.object({ users: z.array(UserOut) }), 'Users'), ...problems(401, 403) },
});

export const getUserRoute = defineRoute({
  method: 'get',
  path: '/users/{userId}',
  tags: ['users'],
  summary: 'One user (beheerder)',
  params: userParams,
  responses: { 200: json(UserOut, 'The user'), ...problems(400, 401, 403, 404) },
});

export const changeUserRoute = defineRoute({
  method: 'patch',
  path: '/users/{userId}',
  tags: ['users'],
  summary: "Change a user's name, e-mail or organisation, or (de)activate them (beheerder); deactivated, they cannot sign in or be assigned",
  params: userParams,
  body: UserChange,
  responses: { 200: json(UserOut, 'The user as changed'), ...problems(400, 401, 403, 404, 409) },
});

export const meRoute = defineRoute({
  method: 'get',
  path: '/me',
  tags: ['me'],
  summary: 'Your own directory record (any signed-in user)',
  responses: { 200: json(UserOut, 'You'), ...problems(401, 404) },
});

export const getPreferencesRoute = defineRoute({
  method: 'get',
  path: '/me/preferences',
  tags: ['me'],
  summary: 'How you want e-mail: each notification, a daily digest at digestHour (Amsterdam time), or none',
  responses: { 200: json(Preferences, 'Your preferences'), ...problems(401, 404) },
});

export const setPreferencesRoute = defineRoute({
  method: 'put',
  path: '/me/preferences',
  tags: ['me'],
  summary: 'Set how you want e-mail (the in-app inbox always has every notification)',
  body: Preferences,
  responses: { 200: json(Preferences, 'Your preferences'), ...problems(400, 401, 404, 409) },
});

export function registerUserRoutes({ deps, handle }: AreaRoutes): void {
  handle(createUserRoute, async ({ body }, actor) => ({ status: 201, body: userOut(await createUser(deps, actor, body)) }));
  handle(listUsersRoute, async (_, actor) => ({ status: 200, body: { users: (await listUsers(deps, actor)).map(userOut) } }));
  handle(getUserRoute, async ({ params }, actor) => ({ status: 200, body: userOut(await getUser(deps, actor, params.userId)) }));
  handle(changeUserRoute, async ({ params, body }, actor) => ({ status: 200, body: userOut(await changeUser(deps, actor, params.userId, body)) }));
  handle(meRoute, async (_, actor) => ({ status: 200, body: userOut(await me(deps, actor)) }));
  handle(getPreferencesRoute, async (_, actor) => ({ status: 200, body: await getPreferences(deps, actor) }));
  handle(setPreferencesRoute, async ({ body }, actor) => ({ status: 200, body: await setPreferences(deps, actor, body) }));
}
