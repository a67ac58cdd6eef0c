/**
 * What lists show of a trajectory: its state and its open task, without the records that grow
 * over three years or the values that change at every re-entry of the workflow (the task token,
 * the execution holding it). The store keeps it beside the trajectory for its indexes, so a list
 * reads little and an index is written only when this changes.
 */
import type { Contact, Task, Trajectory } from '../schemas';

/** An open task as lists show it. */
export type TaskSummary = Omit<Task, 'token' | 'executionName'>;

export type TrajectorySummary = Pick<
  Trajectory,
  'trajectoryId' | 'clientId' | 'regisseurId' | 'phase' | 'status' | 'outcome' | 'createdAt' | 'startedOn'
> & {
  workflow: Pick<Trajectory['workflow'], 'status' | 'segment'>;
  openTask?: TaskSummary;
  /** The last contact held (the kennismaking and the POP meeting count): its date and place, for the worklist. */
  lastContact?: LastContact;
};

export interface LastContact {
  on: string;
  location: Contact['location'];
}

/** The latest contact by date (a contact is never dated before the one before it, so the last held). */
export function lastContactOf(t: Pick<Trajectory, 'contacts'>): LastContact | undefined {
  let last: Contact | undefined;
  for (const c of t.contacts) if (!last || c.heldOn >= last.heldOn) last = c;
  return last ? { on: last.heldOn, location: last.location } : undefined;
}

export function summarise(t: Trajectory): TrajectorySummary {
  const task = t.openTask;
  const openTask: TaskSummary | undefined = task
    ? (({ token: _token, executionName: _execution, ...rest }) => rest)(task)
    : undefined;
  const lastContact = lastContactOf(t);
  return {
    trajectoryId: t.trajectoryId,
    clientId: t.clientId,
    regisseurId: t.regisseurId,
    phase: t.phase,
    status: t.status,
    ...(t.outcome ? { outcome: t.outcome } : {}),
    createdAt: t.createdAt,
    startedOn: t.startedOn,
    workflow: { status: t.workflow.status, segment: t.workflow.segment },
    ...(openTask ? { openTask } : {}),
    ...(lastContact ? { lastContact } : {}),
  };
}
