/**
 * The local directory snapshot, DATA_DIR/directory.json: who may get a token from `npm run token`.
 * The running backend holds the embedded database's lock, so the token command (another process)
 * cannot read the directory itself; the runtime writes this file (user id → role and whether
 * active; no names, no e-mail) at start and after every change to the directory, atomically (a
 * temporary file renamed over it), and the token command reads it.
 */
import { randomUUID } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { UserStore } from '../core/ports';
import { Role, type User } from '../core/schemas';

export const DIRECTORY_FILE = 'directory.json';

export interface DirectoryEntry {
  role: Role;
  active: boolean;
}

export interface DirectorySnapshot {
  writtenAt: string;
  users: Record<string, DirectoryEntry>;
}

export const directoryPath = (dataDir: string): string => join(dataDir, DIRECTORY_FILE);

/**
 * Writes the snapshot of the store's directory. Writes are serialised, and a change made while a
 * write runs is followed by one more, so the file always ends with the directory as last changed.
 */
export function directorySnapshotWriter(dataDir: string, users: Pick<UserStore, 'listUsers'>): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  let queued: Promise<void> | undefined;
  const writeOnce = async () => {
    queued = undefined;
    const listed = await users.listUsers();
    await writeAtomically(directoryPath(dataDir), `${JSON.stringify(snapshotOf(listed), null, 2)}\n`);
  };
  return () => {
    // One write waits behind the running one; later callers share it (it lists the directory when it starts).
    queued ??= running.then(writeOnce, writeOnce);
    running = queued;
    return queued;
  };
}

/**
 * A UserStore that writes the snapshot after every create and save (the runtime's deps.users). A
 * failed write does not fail the stored change (it is reported; the next change or start writes
 * the file again).
 */
export function withDirectorySnapshot(store: UserStore, write: () => Promise<void>, onWriteError: (error: unknown) => void): UserStore {
  const written = () => write().catch(onWriteError);
  return {
    createUser: async (user) => {
      await store.createUser(user);
      await written();
    },
    getUser: (userId) => store.getUser(userId),
    listUsers: () => store.listUsers(),
    saveUser: async (user, expectedVersion) => {
      await store.saveUser(user, expectedVersion);
      await written();
    },
  };
}

export function snapshotOf(users: User[]): DirectorySnapshot {
  return {
    writtenAt: new Date().toISOString(),
    users: Object.fromEntries(users.map((u) => [u.userId, { role: u.role, active: u.active }])),
  };
}

/** The snapshot, or undefined when the runtime has not written one in this data folder yet. */
export async function readDirectorySnapshot(dataDir: string): Promise<DirectorySnapshot | undefined> {
  let text: string;
  try {
    text = await readFile(directoryPath(dataDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as DirectorySnapshot;
  for (const [userId, entry] of Object.entries(parsed.users ?? {})) {
    if (!Role.safeParse(entry.role).success || typeof entry.active !== 'boolean') throw new Error(`${directoryPath(dataDir)}: bad entry for ${userId}`);
  }
  return parsed;
}

/** Why `userId` may not have a token for `role`, or undefined when they may. */
export function refusal(snapshot: DirectorySnapshot | undefined, role: Role, userId: string): string | undefined {
  if (!snapshot) return 'there is no directory in this data folder yet: start the runtime first (npm start), then ask again';
  const entry = Object.hasOwn(snapshot.users, userId) ? snapshot.users[userId] : undefined;
  if (!entry) return `${userId} is not in the directory: a beheerder adds them with POST /users first`;
  if (!entry.active) return `${userId} is deactivated in the directory`;
  if (entry.role !== role) return `${userId} is a ${entry.role} in the directory, not a ${role}`;
  return undefined;
}

async function writeAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, content, { mode: 0o600 });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
