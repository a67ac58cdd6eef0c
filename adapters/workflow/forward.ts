import type { WorkflowEngine } from '../../core/ports';

/**
 * An engine whose every call goes to the one `get` returns (or resolves to) at the moment of the
 * call: one built on first use (a Lambda's Step Functions client, whose SDK is imported then), or
 * one that exists only after the handlers that call it (the local runtime's knot).
 */
export function forwardingEngine(get: () => WorkflowEngine | Promise<WorkflowEngine>): WorkflowEngine {
  return {
    start: async (input) => (await get()).start(input),
    sendTaskSuccess: async (token, output) => (await get()).sendTaskSuccess(token, output),
    sendTaskFailure: async (token, error, cause) => (await get()).sendTaskFailure(token, error, cause),
    listExecutions: async (trajectoryId, lastSegment) => (await get()).listExecutions(trajectoryId, lastSegment),
  };
}
