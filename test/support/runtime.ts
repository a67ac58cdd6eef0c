/**
 * Starts the local runtime in-process on fresh data, with a virtual clock.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRuntime, type Runtime } from '../../local/runtime';

export async function startTestRuntime(clockStart: string): Promise<{ runtime: Runtime; dataDir: string; stop(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'trajectregie-test-'));
  const runtime = await startRuntime({
    DATA_DIR: dataDir,
    CLOCK: 'virtual',
    CLOCK_START: clockStart,
    PORT: '0',
    POWERTOOLS_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'WARN',
  });
  return {
    runtime,
    dataDir,
    stop: async () => {
      await runtime.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
