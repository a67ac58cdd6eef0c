import type { WorkflowEngine } from '../../core/ports';

/**
 * An engine whose every call goes to the one `get` returns at the moment of the call: built on
 * first use (a Lambda's Step Functions client), or one that exists only after the handlers that
 * call it (the local runtime's knot).
 */
export function forwardingEngine(get: () => WorkflowEngine): WorkflowEngine {
  return {
    start: (input) => get().start(input),
    sendTaskSuccess: (token, output) => get().sendTaskSuccess(token, output),
    sendTaskFailure: (token, error, cause) => get().sendTaskFailure(token, error, cause),
    listExecutions: (trajectoryId, lastSegment) => get().listExecutions(trajectoryId, lastSegment),
  };
}
