/**
 * Bounds of one Step Functions execution (docs/architecture.md): a Standard execution lives at
 * most a year, a trajectory about three. Each execution continues as new after SEGMENT_DAYS and
 * no wait outlasts EXECUTION_BUDGET_DAYS from the execution's start.
 */
import { escalationMoment } from '../trajectory/deadlines';

export const SEGMENT_DAYS = 300;
export const EXECUTION_BUDGET_DAYS = 350;
const DAY_MS = 86_400_000;
const MIN_WAIT_SECONDS = 60;

export function executionName(trajectoryId: string, segment: number): string {
  return `${trajectoryId}-${segment}`;
}

export function segmentIsOver(now: Date, executionStartedAt: Date): boolean {
  return now.getTime() - executionStartedAt.getTime() >= SEGMENT_DAYS * DAY_MS;
}

/**
 * How long a wait for a human task may last: until the task's escalation moment (the deadlines
 * rule; not again once escalated), and not past the execution's budget — but at least a minute,
 * so a wait past its moment fails promptly without spinning. The budget (350 days) leaves 15
 * days to Step Functions' one-year limit, far more than that minute.
 */
export function waitTimeoutSeconds(args: {
  now: Date;
  executionStartedAt: Date;
  escalateOn: string;
  escalated: boolean;
}): number {
  const budgetEnd = args.executionStartedAt.getTime() + EXECUTION_BUDGET_DAYS * DAY_MS;
  const escalateAt = escalationMoment(args).getTime();
  const deadline = args.escalated ? budgetEnd : Math.min(budgetEnd, escalateAt);
  return Math.max(MIN_WAIT_SECONDS, Math.ceil((deadline - args.now.getTime()) / 1000));
}
