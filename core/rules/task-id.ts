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
