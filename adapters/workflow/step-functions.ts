/**
 * The WorkflowEngine port on AWS Step Functions.
 */
import type * as Sfn from '@aws-sdk/client-sfn';
import type { ExecutionSummary, TaskResult, WorkflowEngine } from '../../core/ports';
import type { Phase } from '../../core/schemas';
import { executionName } from '../../core/rules/workflow-budget';
import type { ClientInstrument } from '../dynamodb/client';
import { forwardingEngine } from './forward';

/** A token that no longer works: the execution moved on, timed out or was replaced. */
const STALE_TOKEN_ERRORS = new Set(['TaskDoesNotExist', 'InvalidToken', 'TaskTimedOut']);

/**
 * The engine on Step Functions, for the functions granted it (they give adapters/aws-deps.ts a
 * loader of this module). The SDK package is imported, and its client built, on the first call:
 * a static import of it would be loaded at every cold start, as esbuild keeps an external
 * package's import at the top of the bundle. `instrument` decorates the client (X-Ray).
 */
export function stepFunctionsEngine(stateMachineArn: string, instrument: ClientInstrument): WorkflowEngine {
  let engine: Promise<WorkflowEngine> | undefined;
  return forwardingEngine(() => {
    engine ??= import('@aws-sdk/client-sfn').then((sdk) => new StepFunctionsEngine(sdk, instrument(new sdk.SFNClient({})), stateMachineArn));
    engine.catch(() => (engine = undefined)); // a failed import is tried again on the next call
    return engine;
  });
}

type Commands = Pick<typeof Sfn, 'StartExecutionCommand' | 'SendTaskSuccessCommand' | 'SendTaskFailureCommand' | 'DescribeExecutionCommand'>;

class StepFunctionsEngine implements WorkflowEngine {
  constructor(
    private readonly sdk: Commands,
    private readonly client: Sfn.SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(input: { trajectoryId: string; resumeAt: Phase; segment: number }): Promise<{ executionName: string }> {
    if (!this.stateMachineArn) throw new Error('Invalid configuration: STATE_MACHINE_ARN is required to start executions');
    const name = executionName(input.trajectoryId, input.segment);
    await this.client.send(new this.sdk.StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }));
    return { executionName: name };
  }

  sendTaskSuccess(token: string, output: TaskResult): Promise<boolean> {
    return this.tolerateStale(new this.sdk.SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
  }

  sendTaskFailure(token: string, error: string, cause: string): Promise<boolean> {
    return this.tolerateStale(new this.sdk.SendTaskFailureCommand({ taskToken: token, error, cause }));
  }

  async listExecutions(trajectoryId: string, lastSegment: number): Promise<ExecutionSummary[]> {
    const executionPrefix = this.stateMachineArn.replace(':stateMachine:', ':execution:');
    const summaries = await Promise.all(
      // Segments past the stored one may exist (a continue-as-new not yet seen by a step).
      Array.from({ length: lastSegment + 3 }, async (_, segment): Promise<ExecutionSummary | undefined> => {
        const name = executionName(trajectoryId, segment);
        try {
          const out = await this.client.send(new this.sdk.DescribeExecutionCommand({ executionArn: `${executionPrefix}:${name}` }));
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

  private async tolerateStale(command: Sfn.SendTaskSuccessCommand | Sfn.SendTaskFailureCommand): Promise<boolean> {
    try {
      await this.client.send(command as Sfn.SendTaskSuccessCommand);
      return true;
    } catch (error) {
      if (error instanceof Error && STALE_TOKEN_ERRORS.has(error.name)) return false;
      throw error;
    }
  }
}
