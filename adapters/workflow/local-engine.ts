/**
 * The local workflow engine: runs the same ASL file with aws-local-stepfunctions, every Task
 * state calling the real handler in-process. It covers what the library does not:
 * - waits for task tokens are timed on the runtime's Clock (virtual or real), not on setTimeout,
 *   and fail with `States.Timeout` as on AWS;
 * - every wait gets a unique token, put into the payload and resolved by sendTaskSuccess;
 * - `states:startExecution` (continue-as-new) starts a successor with the given name;
 * - executions are recorded in an ExecutionLog (the table), so a restart can tell which ones died
 *   with the process.
 */
import { randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import type { Clock, ExecutionSummary, Logger, TaskResult, WorkflowEngine } from '../../core/ports';
import type { Phase } from '../../core/schemas';
import { executionName } from '../../core/rules/workflow-budget';
import type { ExecutionLog, ExecutionRecord } from './execution-log';
import { readDefinitionText, STEP_SUBSTITUTIONS, substitute, type StepName } from './definition';

type Handler = (payload: unknown) => Promise<unknown>;
type AslState = Record<string, unknown> & { Type: string; Resource?: string };

const CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const START_EXECUTION = 'arn:aws:states:::states:startExecution';
const LOCAL_PREFIX = 'local:';
/** The library times Task states with setTimeout, which overflows past 2^31 ms; our clock times the waits. */
const LIBRARY_MAX_TIMEOUT_SECONDS = 2_147_483;
const STATE_MACHINE_ARN = 'arn:aws:states:local:000000000000:stateMachine:trajectory';

interface Waiter {
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
  deadline: number;
  execution: string;
}

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** What the engine did, as Step Functions and Lambda would bill it. */
export interface EngineStats {
  executions: number;
  /** States entered: Step Functions Standard bills each as a state transition. */
  stateTransitions: number;
  /** Task state handler calls (Lambda invocations on AWS), retries included. */
  invocations: number;
}

/**
 * The state machine for the definition as the local engine runs it, built and validated once per
 * process: the library validates a definition with a freshly compiled JSON schema each time a
 * StateMachine is constructed (a few hundred ms), and a StateMachine keeps no state between runs.
 */
let machineCache: { text: string; definition: { States: Record<string, AslState> }; machine: StateMachine } | undefined;

function localMachine(): { definition: { States: Record<string, AslState> }; machine: StateMachine } {
  const values = Object.fromEntries(Object.keys(STEP_SUBSTITUTIONS).map((k) => [k, `${LOCAL_PREFIX}${STEP_SUBSTITUTIONS[k as keyof typeof STEP_SUBSTITUTIONS]}`]));
  const text = substitute(readDefinitionText(), values);
  if (machineCache?.text === text) return machineCache;
  const definition = JSON.parse(text) as { States: Record<string, AslState> };
  for (const state of Object.values(definition.States)) {
    if (state.Resource === CALLBACK) {
      delete state.TimeoutSecondsPath;
      state.TimeoutSeconds = LIBRARY_MAX_TIMEOUT_SECONDS;
    }
  }
  const machine = new StateMachine(definition as never, { validationOptions: { checkArn: false } });
  machineCache = { text, definition, machine };
  return machineCache;
}

/** How the engine serves each Task state: a wait for a token, a continue-as-new, or a step handler. */
type TaskKind = { state: string; kind: 'callback' } | { state: string; kind: 'start' } | { state: string; kind: 'step'; step: StepName };

export class LocalWorkflowEngine implements WorkflowEngine {
  readonly stats: EngineStats = { executions: 0, stateTransitions: 0, invocations: 0 };
  private readonly machine: StateMachine;
  private readonly tasks: TaskKind[];
  private readonly waiters = new Map<string, Waiter>();
  /** Executions of this process that are not waiting for a human: the engine is idle when none are. */
  private readonly busy = new Set<string>();
  /** whenIdle() callers, woken when `busy` empties. */
  private readonly idleWaiters = new Set<() => void>();
  private idleCheck: NodeJS.Immediate | undefined;
  private readonly aborts = new Map<string, () => void>();
  private ticker: NodeJS.Timeout | undefined;

  constructor(
    private readonly opts: {
      handlers: Record<StepName, Handler>;
      clock: Clock;
      executions: ExecutionLog;
      logger: Logger;
    },
  ) {
    const { definition, machine } = localMachine();
    this.machine = machine;
    this.tasks = Object.entries(definition.States).flatMap(([state, { Type, Resource }]): TaskKind[] => {
      if (Type !== 'Task' || !Resource) return [];
      if (Resource === CALLBACK) return [{ state, kind: 'callback' }];
      if (Resource === START_EXECUTION) return [{ state, kind: 'start' }];
      return [{ state, kind: 'step', step: this.stepOf(Resource) }];
    });
  }

  /** Checks the waits against the clock every second (real time) and whenever it is told the clock moved. */
  startTicking(): void {
    this.ticker ??= setInterval(() => this.checkDeadlines(), 1000);
    this.ticker.unref();
  }

  stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    for (const abort of this.aborts.values()) abort();
  }

  checkDeadlines(): void {
    const now = this.opts.clock.now().getTime();
    for (const [token, waiter] of this.waiters) {
      if (waiter.deadline <= now) {
        this.waiters.delete(token);
        this.markBusy(waiter.execution);
        waiter.reject(namedError('States.Timeout', 'The wait for the task timed out'));
      }
    }
  }

  /** Resolves once every execution of this process waits for a human or has ended (or after maxMs). */
  async whenIdle(maxMs = 30_000): Promise<void> {
    if (this.busy.size === 0) return;
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.idleWaiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, maxMs);
      this.idleWaiters.add(wake);
    });
  }

  private markBusy(execution: string): void {
    this.busy.add(execution);
  }

  /**
   * An execution waits for a human or has ended. When none is busy any more, whenIdle() callers
   * wake once the current turn of the event loop is over and still none is (a timed-out wait
   * found by the same check, or a continue-as-new, makes one busy again synchronously).
   */
  private markIdle(execution: string): void {
    this.busy.delete(execution);
    if (this.busy.size > 0 || this.idleWaiters.size === 0 || this.idleCheck) return;
    this.idleCheck = setImmediate(() => {
      this.idleCheck = undefined;
      if (this.busy.size > 0) return;
      for (const wake of [...this.idleWaiters]) wake();
    });
  }

  async start(input: { trajectoryId: string; resumeAt: Phase; segment: number }): Promise<{ executionName: string }> {
    const name = executionName(input.trajectoryId, input.segment);
    await this.startExecution(name, input);
    return { executionName: name };
  }

  async sendTaskSuccess(token: string, output: TaskResult): Promise<boolean> {
    return this.settle(token, (w) => w.resolve(output));
  }

  async sendTaskFailure(token: string, error: string, cause: string): Promise<boolean> {
    return this.settle(token, (w) => w.reject(namedError(error, cause)));
  }

  async listExecutions(trajectoryId: string, _lastSegment?: number): Promise<ExecutionSummary[]> {
    return (await this.executionsOf(trajectoryId)).map(({ trajectoryId: _t, ...summary }) => summary);
  }

  executionsOf(trajectoryId: string): Promise<ExecutionRecord[]> {
    return this.opts.executions.list(trajectoryId);
  }

  /** Executions recorded as running that this process does not run: they died with an earlier process. */
  async markOrphansAborted(trajectoryId: string): Promise<number> {
    const orphans = (await this.executionsOf(trajectoryId)).filter((e) => e.status === 'RUNNING' && !this.aborts.has(e.name));
    for (const orphan of orphans) await this.opts.executions.update({ ...orphan, status: 'ABORTED', stoppedAt: this.nowIso() });
    return orphans.length;
  }

  private settle(token: string, act: (w: Waiter) => void): boolean {
    const waiter = this.waiters.get(token);
    if (!waiter) return false;
    this.waiters.delete(token);
    this.markBusy(waiter.execution);
    act(waiter);
    return true;
  }

  private nowIso(): string {
    return this.opts.clock.now().toISOString();
  }

  private async startExecution(name: string, input: { trajectoryId: string; resumeAt: Phase; segment: number }) {
    const startedAt = this.nowIso();
    const record: ExecutionRecord = {
      name,
      segment: input.segment,
      trajectoryId: input.trajectoryId,
      status: 'RUNNING',
      startedAt,
      resumeAt: input.resumeAt,
    };
    if (!(await this.opts.executions.create(record))) {
      throw namedError('StepFunctions.ExecutionAlreadyExistsException', `Execution ${name} already exists`);
    }
    this.markBusy(name);
    const executionArn = `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${name}`;
    const run = this.machine.run(input, {
      overrides: { taskResourceLocalHandlers: this.overrides(name, startedAt) as never },
      context: {
        Execution: { Id: executionArn, Name: name, StartTime: startedAt, Input: input },
        StateMachine: { Id: STATE_MACHINE_ARN, Name: 'trajectory' },
        Task: { Token: 'replaced-per-wait' },
      },
    });
    this.aborts.set(name, run.abort);
    this.stats.executions++;
    void this.countTransitions(run.eventLogs);
    this.opts.logger.info('execution started', { execution: name, resumeAt: input.resumeAt });
    run.result
      .then(() => this.finish(record, 'SUCCEEDED'))
      .catch((error: Error) => {
        if (error.name === 'ExecutionAbortedError') return; // process shutting down: left RUNNING, resumed on restart
        this.opts.logger.error('execution failed', { execution: name, error: error.name });
        return this.finish(record, 'FAILED');
      })
      .finally(() => {
        this.markIdle(name);
        this.aborts.delete(name);
      });
  }

  /**
   * The library stamps $$.Execution.StartTime with the machine's real time; the runtime's clock
   * may be virtual, so the start time the steps see is the one this engine recorded.
   */
  private withStartTime(payload: Record<string, unknown>, startedAt: string): Record<string, unknown> {
    return 'executionStartedAt' in payload ? { ...payload, executionStartedAt: startedAt } : payload;
  }

  /**
   * Reads the execution's event log: the library queues every event until it is read, so an
   * unread log holds each state's input and output for as long as the execution runs.
   */
  private async countTransitions(events: AsyncGenerator<{ type: string }>): Promise<void> {
    for await (const event of events) {
      if (event.type === 'StateEntered') this.stats.stateTransitions++;
    }
  }

  private async finish(record: ExecutionRecord, status: 'SUCCEEDED' | 'FAILED'): Promise<void> {
    try {
      await this.opts.executions.update({ ...record, status, stoppedAt: this.nowIso() });
      this.opts.logger.info(`execution ${status.toLowerCase()}`, { execution: record.name });
    } catch (error) {
      // The store is gone (shutting down): the execution stays RUNNING and is resumed on restart.
      this.opts.logger.warn('could not record the end of an execution', { execution: record.name, error: String(error) });
    }
  }

  private overrides(execution: string, startedAt: string): Record<string, (input: unknown) => Promise<unknown>> {
    const overrides: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const task of this.tasks) {
      if (task.kind === 'callback') {
        overrides[task.state] = (input) => {
          const { FunctionName, Payload } = input as { FunctionName: string; Payload: Record<string, unknown> };
          return this.waitForToken(execution, { FunctionName, Payload: this.withStartTime(Payload, startedAt) });
        };
      } else if (task.kind === 'start') {
        overrides[task.state] = async (input) => {
          const { Name, Input } = input as { Name: string; Input: { trajectoryId: string; resumeAt: Phase; segment: number } };
          await this.startExecution(Name, Input);
          return { ExecutionArn: Name, StartDate: this.nowIso() };
        };
      } else {
        const { step } = task;
        overrides[task.state] = (input) => this.invoke(step, this.withStartTime(input as Record<string, unknown>, startedAt));
      }
    }
    return overrides;
  }

  /** The step a resource names (`local:<step>`), checked against the handlers when the engine is built. */
  private stepOf(resource: string): StepName {
    const step = resource.startsWith(LOCAL_PREFIX) ? (resource.slice(LOCAL_PREFIX.length) as StepName) : undefined;
    if (!step || !this.opts.handlers[step]) throw new Error(`No local handler for ${resource}`);
    return step;
  }

  private invoke(step: StepName, payload: unknown): Promise<unknown> {
    this.stats.invocations++;
    return this.opts.handlers[step](payload);
  }

  private async waitForToken(execution: string, input: { FunctionName: string; Payload: Record<string, unknown> }) {
    const token = randomUUID();
    const timeoutSeconds = Number(input.Payload.timeoutSeconds);
    const waited = new Promise<unknown>((resolve, reject) => {
      this.waiters.set(token, {
        resolve,
        reject,
        execution,
        deadline: this.opts.clock.now().getTime() + timeoutSeconds * 1000,
      });
    });
    try {
      await this.invoke(this.stepOf(input.FunctionName), { ...input.Payload, taskToken: token });
    } catch (error) {
      this.waiters.delete(token);
      throw error;
    }
    if (this.waiters.has(token)) this.markIdle(execution); // now waiting for a human
    this.checkDeadlines();
    return waited;
  }
}
