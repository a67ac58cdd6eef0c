/**
 * `npm start`: the backend on this machine, no AWS account needed.
 */
import { startRuntime } from './runtime';

const runtime = await startRuntime();
// Signal handlers first: a SIGTERM right after the banner stops cleanly.
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    // A signal handler cannot await: stop, then exit; a failed stop is reported, not hidden by exit 0.
    runtime.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('trajectregie did not stop cleanly:', error);
        process.exit(1);
      },
    );
  });
}

const clock = process.env.CLOCK === 'virtual' ? 'virtual (POST /local/clock {"advanceDays": N} moves it)' : 'real';
process.stdout.write(
  [
    `trajectregie listens on ${runtime.url}`,
    `  OpenAPI:  ${runtime.url}/openapi.json`,
    `  clock:    ${clock}`,
    `  a token:  npm run token -- beheerder ${process.env.BOOTSTRAP_ADMIN ?? 'admin'}   (then POST /users adds regisseurs and the municipality's people)`,
    '',
  ].join('\n'),
);
