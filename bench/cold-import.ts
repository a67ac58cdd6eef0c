/**
 * Cold import of every Lambda bundle, against an empty module: what a cold start pays before the
 * handler runs. Each function is built as it deploys (infra/bundle-report.ts buildBundle: the
 * options of infra/bundling.ts), written to a temporary directory as index.mjs (+ index.mjs.map)
 * the way NodejsFunction ships it, and imported in a fresh `node` process with
 * `performance.now()` around `await import(bundle)`, RUNS times, interleaved with the other
 * bundles (so a busy machine slows all alike); the table shows medians and ratios to the empty
 * module (`export const handler = async () => {}`) measured the same way:
 * - import ms: the import alone. The empty module's is ~1–2 ms, so its ratios run in the
 *   hundreds and say little.
 * - start→imported ms: from the process's start (performance.timeOrigin) to the end of the
 *   import, Node's own start included: for the empty module, Node's start alone. The ratio to
 *   compare with a cold start's (issue 7's "N× an empty module").
 * - import CPU ms: user + system time of the import, steadier than wall time on a busy machine.
 * - start→1st call ms, import+call CPU ms: the import plus the first invocation, whose first AWS
 *   request meets a closed local port (the workflow steps get a valid input and read the
 *   trajectory; tick queries the escalation index), or that makes none (the API answers GET
 *   /tasks without a token with 401): what is deferred to the first invocation still counts
 *   here, the DynamoDB client included.
 *
 * Faithful to Lambda where it matters:
 * - Node: process.execPath (under `npm run`/`npx`/`npm exec`, the Node 24 of the `node`
 *   devDependency, as the nodejs24.x runtime), printed in the header.
 * - Environment: built from scratch, nothing inherited but PATH (an inherited
 *   NODE_EXTRA_CA_CERTS adds ~85 ms to every start of Node 20, inside the measured window; Node
 *   24 reads it lazily): the function's own variables as infra sets them
 *   (NODE_OPTIONS=--enable-source-maps included), what the Lambda runtime sets (region, function
 *   name, AWS_EXECUTION_ENV, X-Ray trace header) and fake credentials.
 * - The AWS SDK: external (infra/bundling.ts EXTERNAL_MODULES), so Lambda loads it from the
 *   runtime's own node_modules; here node_modules/@aws-sdk beside the bundles links to the
 *   project's: the same packages, laid out the same way (the runtime's version may differ).
 *
 * What-ifs: --bundle-sdk (the SDK bundled), --no-source-maps, --format=cjs (index.cjs).
 * --baseline=<dir>[,<dir>…] builds the functions of other checkouts too (each with
 * node_modules, e.g. a git worktree with a link to this one's) and measures them interleaved:
 * a fair before/after on a busy machine.
 *
 * Run: npx tsx bench/cold-import.ts [--runs=15] [--only=api,plan] [--no-call] [what-ifs]
 *      (or node --import tsx … with Node 22+)
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { BUNDLE_FILE, buildBundle, type Bundle } from '../infra/bundle-report';
import { BUNDLE_LIMIT_KB, EXTERNAL_MODULES } from '../infra/bundling';
import { PROJECT_ROOT } from '../infra/constructs/project-function';
import { deployedFunctionNames } from '../infra/stateless-stack';

const run = promisify(execFile);

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];

const RUNS = Number(option('runs') ?? process.env.COLD_IMPORT_RUNS ?? 15);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`--runs must be a positive integer, not ${option('runs')}`);
const BUNDLE_SDK = flag('bundle-sdk');
/** What-if: CommonJS output (index.cjs, the SDK require()d), instead of the ESM that infra deploys. */
const CJS = option('format') === 'cjs';
const FILE = CJS ? 'index.cjs' : BUNDLE_FILE;
const SOURCE_MAPS = !flag('no-source-maps');
const FIRST_CALL = !flag('no-call');
const NAMES = option('only')?.split(',') ?? deployedFunctionNames();
/** Other checkouts whose functions are measured beside these (see above). */
const BASELINES = option('baseline')?.split(',').map((dir) => path.resolve(dir)) ?? [];
const EMPTY = '(empty module)';

/** Imports the bundle, then (when given an invocation) calls its handler once; prints the times. */
const RUNNER = `
const [file, invocation] = process.argv.slice(2);
const cpu = process.cpuUsage();
const start = performance.now();
const mod = await import(file);
const imported = performance.now();
const { user, system } = process.cpuUsage(cpu);
let firstCallMs = null;
let outcome = null;
if (invocation) {
  const { event, context } = JSON.parse(invocation);
  try {
    const answer = await mod.handler(event, context);
    outcome = answer?.statusCode ? 'HTTP ' + answer.statusCode : 'returned';
  } catch (error) {
    outcome = [error?.name, error?.code ?? error?.cause?.code].filter(Boolean).join(' ') || 'threw';
  }
  firstCallMs = performance.now();
}
const total = process.cpuUsage(cpu);
const firstCallCpuMs = invocation ? (total.user + total.system) / 1000 : null;
const result = { importMs: imported - start, processMs: imported, cpuMs: (user + system) / 1000, firstCallMs, firstCallCpuMs, outcome };
process.stdout.write('\\nCOLD-IMPORT ' + JSON.stringify(result) + '\\n');
process.exit(0);
`;

/** What the Lambda runtime and infra (infra/stateless-stack.ts, infra/constructs/project-function.ts) set; fake values. */
function lambdaEnvironment(name: string, taskRoot: string): Record<string, string> {
  const common: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    // infra/constructs/project-function.ts
    RUNTIME: 'aws',
    POWERTOOLS_SERVICE_NAME: 'trajectregie',
    POWERTOOLS_METRICS_NAMESPACE: 'Trajectregie',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    TABLE_NAME: 'Trajectregie-table',
    ...(SOURCE_MAPS ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
    // the Lambda runtime
    AWS_REGION: 'eu-central-1',
    AWS_DEFAULT_REGION: 'eu-central-1',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: `Trajectregie-${name}`,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: name === 'api' ? '1024' : '512',
    LAMBDA_TASK_ROOT: taskRoot,
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_SESSION_TOKEN: 'example',
    _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
    // Any AWS request fails at once (the first call's), with no retry.
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_MAX_ATTEMPTS: '1',
  };
  const arn = 'arn:aws:states:eu-central-1:123456789012:stateMachine:Trajectregie-trajectory';
  const own: Record<string, Record<string, string>> = {
    api: {
      STATE_MACHINE_ARN: arn,
      AUTH_ISSUER: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_example',
      AUTH_AUDIENCE: 'exampleclientid',
      AUTH_JWKS_URL: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_example/.well-known/jwks.json',
    },
    'deliver-handover': {
      MUNICIPALITY_ENDPOINT: 'https://klantregie.example.nl/api/overdracht',
      MUNICIPALITY_SECRET_ARN: 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:MunicipalityWebhook-abc123',
    },
    escalate: { MAIL_FROM: 'trajectregie@example.nl' },
    tick: { MAIL_FROM: 'trajectregie@example.nl' },
  };
  return { ...common, ...own[name] };
}

/** An invocation that fails at its first AWS request (the API's makes none). */
function firstInvocation(name: string): { event: unknown; context: unknown } {
  const context = {
    functionName: `Trajectregie-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-central-1:123456789012:function:Trajectregie-${name}`,
    memoryLimitInMB: name === 'api' ? '1024' : '512',
    awsRequestId: '8f5e3c1a-0000-4000-8000-000000000000',
    getRemainingTimeInMillis: () => 10_000,
  };
  if (name !== 'api') {
    // Valid for every step's input schema (core/workflow/contract.ts; each drops what it does not read).
    const event = {
      trajectoryId: '01JBENCH000000000000000000',
      segment: 0,
      executionName: '01JBENCH000000000000000000-0',
      executionStartedAt: '2025-01-15T09:00:00.000Z',
      phase: 'kennismaking',
      taskType: 'KENNISMAKING',
      taskToken: 'bench-token',
      error: 'States.TaskFailed',
    };
    return { event, context };
  }
  const event = {
    version: '2.0',
    routeKey: 'ANY /{proxy+}',
    rawPath: '/tasks',
    rawQueryString: '',
    headers: { host: 'api.example.nl', accept: 'application/json' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'example',
      domainName: 'api.example.nl',
      domainPrefix: 'api',
      http: { method: 'GET', path: '/tasks', protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'bench' },
      requestId: 'bench',
      routeKey: 'ANY /{proxy+}',
      stage: '$default',
      time: '15/Jan/2025:10:00:00 +0000',
      timeEpoch: 1736935200000,
    },
    isBase64Encoded: false,
  };
  return { event, context };
}

interface Sample {
  /** performance.now() around `await import(bundle)`. */
  importMs: number;
  /** From the process's start (performance.timeOrigin) to the end of the import: Node's own start included. */
  processMs: number;
  /** CPU time (user + system, all threads) of the import: steadier than wall time on a busy machine. */
  cpuMs: number;
  /** From the process's start to the end of the first invocation. */
  firstCallMs: number | null;
  /** CPU time of the import and the first invocation. */
  firstCallCpuMs: number | null;
  /** How the first call ended: the proof that it made no AWS request it should not have. */
  outcome: string | null;
}

/** One bundle under test: a function (or the empty module) built from this checkout or the baseline's. */
interface Subject {
  label: string;
  /** The function's name: its Lambda environment and first invocation. */
  name: string;
  /** Its folder under the task root. */
  folder: string;
  kb: number | undefined;
}

async function sample(taskRoot: string, subject: Subject): Promise<Sample> {
  const invocation = FIRST_CALL ? [JSON.stringify(firstInvocation(subject.name))] : [];
  const file = pathToFileURL(path.join(taskRoot, subject.folder, FILE)).href;
  const { stdout } = await run(process.execPath, [path.join(taskRoot, '..', 'runner.mjs'), file, ...invocation], {
    cwd: taskRoot,
    env: lambdaEnvironment(subject.name, taskRoot),
    maxBuffer: 16 * 2 ** 20,
  }).catch((error: { stderr?: string; message: string }) => {
    throw new Error(`${subject.label}: ${error.stderr || error.message}`);
  });
  const line = stdout.split('\n').find((l) => l.startsWith('COLD-IMPORT '));
  if (!line) throw new Error(`${subject.label}: no result in\n${stdout}`);
  return JSON.parse(line.slice('COLD-IMPORT '.length)) as Sample;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;

async function main(): Promise<void> {
  const { stdout: version } = await run(process.execPath, ['--version'], { env: { PATH: process.env.PATH ?? '' } });
  const root = await mkdtemp(path.join(os.tmpdir(), 'cold-import-'));
  try {
    const task = path.join(root, 'task');
    await mkdir(task);
    await writeFile(path.join(root, 'runner.mjs'), RUNNER);
    const subjects: Subject[] = [{ label: EMPTY, name: 'empty', folder: 'empty', kb: undefined }];
    await mkdir(path.join(task, 'empty'));
    await writeFile(path.join(task, 'empty', FILE), CJS ? 'exports.handler = async () => {};\n' : 'export const handler = async () => {};\n');

    const external = {
      ...(BUNDLE_SDK ? { external: EXTERNAL_MODULES.filter((m) => !m.startsWith('@aws-sdk/')) } : {}),
      ...(CJS ? { format: 'cjs' as const, outfile: FILE, banner: {} } : {}),
    };
    for (const name of NAMES) {
      const builds: [string, Bundle][] = [[name, await buildBundle(name, external)]];
      for (const baseline of BASELINES) {
        const entryPoints = [path.join(baseline, 'functions', `${name}.ts`)];
        builds.push([`${name} (${path.basename(baseline)})`, await buildBundle(name, { ...external, entryPoints })]);
      }
      for (const [label, bundle] of builds) {
        const folder = label.replace(/\W+/g, '-').replace(/-$/, '');
        await mkdir(path.join(task, folder));
        await writeFile(path.join(task, folder, FILE), bundle.code);
        if (bundle.map) await writeFile(path.join(task, folder, `${FILE}.map`), bundle.map);
        subjects.push({ label, name, folder, kb: bundle.kb });
      }
    }
    // The runtime's SDK: @aws-sdk/* resolvable from the task root, as /var/runtime/node_modules is on Lambda.
    await mkdir(path.join(task, 'node_modules'));
    await symlink(path.join(PROJECT_ROOT, 'node_modules', '@aws-sdk'), path.join(task, 'node_modules', '@aws-sdk'), 'dir');

    for (const subject of subjects) await sample(task, subject); // warm-up (the file cache), not counted
    const samples = new Map<Subject, Sample[]>(subjects.map((subject) => [subject, []]));
    for (let i = 0; i < RUNS; i++) {
      for (const subject of subjects) samples.get(subject)!.push(await sample(task, subject));
    }
    report(version.trim(), subjects, samples);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function report(version: string, subjects: Subject[], samples: Map<Subject, Sample[]>): void {
  const values = (subject: Subject, pick: (s: Sample) => number | null) =>
    samples.get(subject)!.map(pick).filter((ms): ms is number => ms !== null);
  const columns: { title: string; pick: (s: Sample) => number | null }[] = [
    { title: 'import ms', pick: (s) => s.importMs },
    { title: 'start→imported ms', pick: (s) => s.processMs },
    { title: 'import CPU ms', pick: (s) => s.cpuMs },
    ...(FIRST_CALL
      ? [
          { title: 'start→1st call ms', pick: (s: Sample) => s.firstCallMs },
          { title: 'import+call CPU ms', pick: (s: Sample) => s.firstCallCpuMs },
        ]
      : []),
  ];
  const empty = subjects[0]!;
  console.log(`\nCold import of the Lambda bundles: ${RUNS} fresh processes each (interleaved); medians, × = ratio to the empty module's`);
  console.log(`node ${version} (${process.execPath}); env: nothing inherited but PATH, plus the function's Lambda variables`);
  if (Number(version.replace(/^v/, '').split('.')[0]) < 22) {
    console.log(`! Lambda runs Node 22 or 24, not ${version}: run this through npx or npm exec (the node devDependency)`);
  }
  console.log(
    `SDK ${BUNDLE_SDK ? 'bundled' : "external (runtime-provided; here the project's node_modules/@aws-sdk)"}; ` +
      `source maps ${SOURCE_MAPS ? 'on (NODE_OPTIONS=--enable-source-maps, as deployed)' : 'off'}; ${CJS ? 'CommonJS (what-if)' : 'ESM (as deployed)'}` +
      `${BASELINES.length > 0 ? `; baselines: ${BASELINES.join(', ')}` : ''}\n`,
  );
  const width = Math.max(...subjects.map((s) => s.label.length));
  const header = [`${'function'.padEnd(width)}  bundle KB`, ...columns.map((c) => `${c.title.padStart(19)}      ×`)];
  console.log([...header, ...(FIRST_CALL ? ['  1st call ends'] : [])].join(''));
  for (const subject of subjects) {
    const size = subject.kb === undefined ? '–' : `${subject.kb.toFixed(1)}${subject.kb > BUNDLE_LIMIT_KB ? '!' : ''}`;
    const cells = columns.map(({ pick }) => {
      const own = values(subject, pick);
      const base = values(empty, pick);
      if (own.length === 0) return `${'–'.padStart(19)}${'–'.padStart(7)}`;
      const ratio = base.length > 0 ? (median(own) / median(base)).toFixed(1) : '–';
      return `${median(own).toFixed(1).padStart(19)}${ratio.padStart(7)}`;
    });
    const ends = FIRST_CALL ? `  ${[...new Set(samples.get(subject)!.map((s) => s.outcome ?? '–'))].join(', ')}` : '';
    console.log(`${subject.label.padEnd(width)}  ${size.padStart(9)}${cells.join('')}${ends}`);
  }
  const spread = (v: number[]) => `${quantile(v, 0.25).toFixed(0)}–${quantile(v, 0.75).toFixed(0)}`;
  console.log(`\nstart→imported ms, p25–p75: ${subjects.map((s) => `${s.label} ${spread(values(s, (x) => x.processMs))}`).join('; ')}`);
  if (subjects.some((s) => (s.kb ?? 0) > BUNDLE_LIMIT_KB)) console.log(`! over the ${BUNDLE_LIMIT_KB} KB budget`);
}

await main();
