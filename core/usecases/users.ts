/**
 * The directory of the people who use the system: beheerders keep it (/users), everyone reads
 * their own record and sets their preferences (/me). Creating a user creates their sign-in at the
 * identity provider first (Cognito on AWS: its invitation mail; tolerant of a retry), then the
 * record; (de)activating saves the record first, then enables or disables the sign-in. Every save
 * is conditional on the record's version; a lost race loads and applies again.
 */
import { ConcurrentUpdateError, ConflictError, NotFoundError, ValidationError } from '../errors';
import type { Deps } from '../ports';
import { DEFAULT_PREFERENCES, type Actor, type NewUser, type Preferences, type User, type UserChange } from '../schemas';
import { requireRole } from './access';

const ATTEMPTS = 5;

export async function createUser(deps: Deps, actor: Actor, input: NewUser): Promise<User> {
  requireRole(actor, 'beheerder');
  // Checked before the identity provider is touched: an existing id must not get another group.
  if (await deps.users.getUser(input.userId)) throw new ConflictError(`A user ${input.userId} exists`);
  await requireFreeEmail(deps, input.email, input.userId);
  const now = deps.clock.now().toISOString();
  const user: User = {
    ...input,
    active: true,
    preferences: DEFAULT_PREFERENCES,
    createdAt: now,
    createdBy: actor.userId,
    updatedAt: now,
    version: 1,
  };
  await deps.identity.createUser(input);
  try {
    await deps.users.createUser(user);
  } catch (error) {
    if (error instanceof ConcurrentUpdateError) throw new ConflictError(`A user ${input.userId} exists`);
    throw error;
  }
  return user;
}

export async function listUsers(deps: Deps, actor: Actor): Promise<User[]> {
  requireRole(actor, 'beheerder');
  return deps.users.listUsers();
}

export async function getUser(deps: Deps, actor: Actor, userId: string): Promise<User> {
  requireRole(actor, 'beheerder');
  const user = await deps.users.getUser(userId);
  if (!user) throw new NotFoundError(`No user ${userId}`);
  return user;
}

/**
 * Changes a user's name, e-mail, organisation or whether they are active. A request that names
 * `active` always tells the identity provider (after the save), so repeating a request whose
 * sign-in change failed puts the two in step again.
 */
export async function changeUser(deps: Deps, actor: Actor, userId: string, change: UserChange): Promise<User> {
  requireRole(actor, 'beheerder');
  if (change.email !== undefined) await requireFreeEmail(deps, change.email, userId);
  const saved = await update(deps, userId, (user) => {
    const { organisation, ...rest } = change;
    const next: User = { ...user, ...definedOnly(rest) };
    if (organisation === null) delete next.organisation;
    else if (organisation !== undefined) next.organisation = organisation;
    return next;
  });
  // After the save, like the active flag: repeating the request puts Cognito back in step if this call failed.
  if (change.email !== undefined) await deps.identity.setEmail(userId, change.email);
  if (change.active !== undefined) await deps.identity.setActive(userId, change.active);
  return saved;
}

/** The signed-in user's own record. */
export async function me(deps: Deps, actor: Actor): Promise<User> {
  const user = await deps.users.getUser(actor.userId);
  if (!user) throw new NotFoundError(`You (${actor.userId}) are not in the directory`);
  return user;
}

export async function getPreferences(deps: Deps, actor: Actor): Promise<Preferences> {
  return (await me(deps, actor)).preferences;
}

export async function setPreferences(deps: Deps, actor: Actor, preferences: Preferences): Promise<Preferences> {
  const saved = await update(deps, actor.userId, (user) => ({ ...user, preferences: { ...preferences } }), () => new NotFoundError(`You (${actor.userId}) are not in the directory`));
  return saved.preferences;
}

/**
 * The regisseur a trajectory is given to must be in the directory, active, and a regisseur:
 * otherwise a ValidationError naming `regisseurId` (nothing is stored yet when it is asked).
 */
export async function requireActiveRegisseur(deps: Deps, regisseurId: string): Promise<User> {
  const user = await deps.users.getUser(regisseurId);
  const problem = !user
    ? `no user ${regisseurId} in the directory`
    : !user.active
      ? `${regisseurId} is not active`
      : user.role !== 'regisseur'
        ? `${regisseurId} is a ${user.role}, not a regisseur`
        : undefined;
  if (problem || !user) throw new ValidationError('The regisseur cannot take a trajectory', [{ field: 'regisseurId', message: problem ?? 'unknown' }]);
  return user;
}

/**
 * A fresh directory gets its first beheerder (`adminId`), so someone can sign in and invite the
 * others. Idempotent: nothing happens once the directory has a beheerder; a concurrent start that
 * created it first wins. Returns the user created, if any.
 */
export async function bootstrapDirectory(deps: Deps, adminId: string, now: Date): Promise<User | undefined> {
  const users = await deps.users.listUsers();
  if (users.some((u) => u.role === 'beheerder')) return undefined;
  const at = now.toISOString();
  const admin: User = {
    userId: adminId,
    displayName: 'Beheerder',
    email: `${adminId}@trajectregie.local`,
    role: 'beheerder',
    active: true,
    preferences: DEFAULT_PREFERENCES,
    createdAt: at,
    createdBy: 'system',
    updatedAt: at,
    version: 1,
  };
  try {
    await deps.identity.createUser(admin);
    await deps.users.createUser(admin);
  } catch (error) {
    if (error instanceof ConcurrentUpdateError) return undefined; // another start made it
    throw error;
  }
  deps.logger.info('directory bootstrapped with its first beheerder', { userId: adminId });
  return admin;
}

/** Load → apply → save on the version seen; a lost race loads and applies again. */
async function update(deps: Deps, userId: string, apply: (user: User) => User, missing = () => new NotFoundError(`No user ${userId}`)): Promise<User> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = await deps.users.getUser(userId);
    if (!current) throw missing();
    const next: User = { ...apply(current), userId: current.userId, version: current.version + 1, updatedAt: deps.clock.now().toISOString() };
    try {
      await deps.users.saveUser(next, current.version);
      return next;
    } catch (error) {
      if (error instanceof ConcurrentUpdateError) continue;
      throw error;
    }
  }
  throw new ConcurrentUpdateError('The user kept changing; try again');
}

/** One e-mail address per user (Cognito signs in by it). */
async function requireFreeEmail(deps: Deps, email: string, userId: string): Promise<void> {
  const holder = (await deps.users.listUsers()).find((u) => u.userId !== userId && u.email.toLowerCase() === email.toLowerCase());
  if (holder) throw new ConflictError(`The e-mail address is already used by ${holder.userId}`);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
