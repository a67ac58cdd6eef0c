/**
 * The WorkflowEngine port on AWS Step Functions.
 */
import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { ExecutionSummary, TaskResult, WorkflowEngine } from '../../core/ports';
import type { Phase } from '../../core/schemas';
import { executionName } from '../../core/rules/workflow-budget';

/** A token that no longer works: the execution moved on, timed out or was replaced. */
const STALE_TOKEN_ERRORS = new Set(['TaskDoesNotExist', 'InvalidToken', 'TaskTimedOut']);

export class StepFunctionsEngine implements WorkflowEngine {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(input: { trajectoryId: string; resumeAt: Phase; segment: number }): Promise<{ executionName: string }> {
    if (!this.stateMachineArn) throw new Error('Invalid configuration: STATE_MACHINE_ARN is required to start executions');
    const name = executionName(input.trajectoryId, input.segment);
    await this.client.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }));
    return { executionName: name };
  }

  sendTaskSuccess(token: string, output: TaskResult): Promise<boolean> {
    return this.tolerateStale(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
  }

  sendTaskFailure(token: string, error: string, cause: string): Promise<boolean> {
    return this.tolerateStale(new SendTaskFailureCommand({ taskToken: token, error, cause }));
  }

  async listExecutions(trajectoryId: string, lastSegment: number): Promise<ExecutionSummary[]> {
    const executionPrefix = this.stateMachineArn.replace(':stateMachine:', ':execution:');
    const summaries = await Promise.all(
      // Segments past the stored one may exist (a continue-as-new not yet seen by a step).
      Array.from({ length: lastSegment + 3 }, async (_, segment): Promise<ExecutionSummary | undefined> => {
        const name = executionName(trajectoryId, segment);
        try {
          const out = await this.client.send(new DescribeExecutionCommand({ executionArn: `${executionPrefix}:${name}` }));
          return {
            name,
            segment,
            status: out.status === 'PENDING_REDRIVE' ? 'FAILED' : ((out.status ?? 'RUNNING') as ExecutionSummary['status']),
            startedAt: out.startDate?.toISOString() ?? '',
            ...(out.stopDate ? { stoppedAt: out.stopDate.toISOString() } : {}),
          };
        } catch (error) {
          if (error instanceof Error && error.name === 'ExecutionDoesNotExist') return undefined;
          throw error;
        }
      }),
    );
    return summaries.filter((s): s is ExecutionSummary => s !== undefined);
  }

  private async tolerateStale(command: SendTaskSuccessCommand | SendTaskFailureCommand): Promise<boolean> {
    try {
      await this.client.send(command as SendTaskSuccessCommand);
      return true;
    } catch (error) {
      if (error instanceof Error && STALE_TOKEN_ERRORS.has(error.name)) return false;
      throw error;
    }
  }
}
