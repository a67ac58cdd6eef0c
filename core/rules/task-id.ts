/**
 * A task belongs to one trajectory and lives inside it; its id names both, so a task is found
 * with one read: `<trajectoryId>-<sequence>`.
 */
export function taskIdFor(trajectoryId: string, sequence: number): string {
  return `${trajectoryId}-${sequence}`;
}

export function trajectoryIdOfTask(taskId: string): string | undefined {
  const match = /^([A-Za-z0-9_]+)-(\d+)$/.exec(taskId);
  return match?.[1];
}

/** What people see of a trajectory where its client's name may not appear (mails, calendar titles): `TR-` and its id's last 6 characters. */
export function trajectoryRef(trajectoryId: string): string {
  return `TR-${trajectoryId.slice(-6).toUpperCase()}`;
}
