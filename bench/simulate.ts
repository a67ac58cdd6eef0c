/**
 * `npm run simulate`: a whole cohort over its trajectories in seconds, through the real backend
 * (ASL, step handlers, embedded DynamoDB, virtual clock), with what it costs on AWS and what it
 * asks of the regisseurs.
 *
 *   npm run simulate -- --trajectories 250 --years 3 --regisseurs 8 --seed 1 [--json] [--out DIR]
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startRuntime } from '../local/runtime';
import { idleCost, lambdaMemoryMb } from './idle-cost';
import { runCohort } from './simulation/cohort';
import { DynamoMeter } from './simulation/meter';
import { figures, formatFigures, svgChart, terminalChart, type Figures } from './simulation/report';

export interface SimulationOptions {
  trajectories: number;
  years: number;
  regisseurs: number;
  seed: number;
  concurrency: number;
  progress?: boolean;
  /** Price the idle deployment from the synthesized templates (a CDK synthesis, a few seconds). */
  priceDeployment?: boolean;
}

/** Runs one cohort on fresh data and returns its figures and the trajectories as they ended. */
export async function simulate(options: SimulationOptions): Promise<{ figures: Figures; result: Awaited<ReturnType<typeof runCohort>> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'trajectregie-simulate-'));
  const runtime = await startRuntime({ DATA_DIR: dataDir, CLOCK: 'virtual', CLOCK_START: '2025-01-06', PORT: '0', POWERTOOLS_LOG_LEVEL: 'ERROR' });
  const meter = new DynamoMeter();
  meter.attach(runtime.doc);
  // Counted as they happen: every notification recorded, every mail handed to the mailer (.eml files here).
  const told = { notifications: 0, mails: 0 };
  const { notifications: store, mailer } = runtime.deps;
  runtime.deps.notifications = Object.assign(Object.create(store) as typeof store, {
    record: async (n: Parameters<typeof store.record>[0]) => ((await store.record(n)) ? (told.notifications++, true) : false),
  });
  runtime.deps.mailer = { send: async (mail) => (await mailer.send(mail), void told.mails++) };
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 250);
  const started = performance.now();
  let wallMs = 0;
  let rss = 0;
  let heapUsed = 0;
  try {
    const result = await runCohort(runtime, {
      ...options,
      quietly: (read) => meter.quietly(read),
      ...(options.progress ? { onProgress: progressBar(started) } : {}),
      whenClosed: () => {
        wallMs = performance.now() - started;
        // What the runtime holds once the cohort has closed, before the simulation reads every
        // trajectory back to check it: garbage collected first, where node allows it (`npm run
        // simulate` runs node with --expose-gc).
        (globalThis as { gc?: () => void }).gc?.();
        ({ rss, heapUsed } = process.memoryUsage());
        clearInterval(sampler);
      },
    });
    if (options.progress) process.stderr.write('\n');
    const escalations = (await runtime.deps.store.listEscalations()).length;
    const memory = options.priceDeployment ? lambdaMemoryMb() : {};
    const stepMemory = memory.plan ?? 256;
    return {
      result,
      figures: figures({
        result,
        meter: meter.figures,
        engine: runtime.engine.stats,
        escalations,
        ...told,
        wallMs,
        rss: { end: rss / 2 ** 20, peak: Math.max(peak, rss) / 2 ** 20, heapUsed: heapUsed / 2 ** 20 },
        lambdaMemoryMb: stepMemory,
        ...(options.priceDeployment ? { idleMonthlyUsd: idleCost().totalUsd } : {}),
      }),
    };
  } finally {
    clearInterval(sampler);
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function progressBar(started: number) {
  let shown = '';
  return ({ closed, total, day }: { closed: number; total: number; day: string }) => {
    const line = `${closed}/${day.slice(0, 7)}`;
    if (line === shown || !process.stderr.isTTY) return;
    shown = line;
    const width = 30;
    const done = Math.round((closed / total) * width);
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    process.stderr.write(`\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${closed}/${total} closed  ${day}  ${seconds}s `);
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      trajectories: { type: 'string', default: '250' },
      years: { type: 'string', default: '3' },
      regisseurs: { type: 'string', default: '8' },
      seed: { type: 'string', default: '1' },
      concurrency: { type: 'string', default: '4' },
      json: { type: 'boolean', default: false },
      out: { type: 'string', default: '.data/simulate' },
    },
  });
  const number = (name: keyof typeof values) => {
    const n = Number(values[name]);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
    return n;
  };
  const { figures: f } = await simulate({
    trajectories: number('trajectories'),
    years: number('years'),
    regisseurs: number('regisseurs'),
    seed: number('seed'),
    concurrency: number('concurrency'),
    progress: !values.json,
    priceDeployment: true,
  });
  const out = resolve(String(values.out));
  await mkdir(out, { recursive: true });
  const chart = join(out, 'capacity.svg');
  await writeFile(chart, svgChart(f.capacity, `Taken per regisseur per maand (${f.trajectories} trajecten, ${values.regisseurs} regisseurs)`));
  await writeFile(join(out, 'figures.json'), `${JSON.stringify(f, null, 2)}\n`);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(f, null, 2)}\n`);
  } else {
    process.stdout.write(`${formatFigures(f)}\n\n${terminalChart(f.capacity)}\n  chart: ${chart}\n`);
  }
  if (f.stuck > 0) {
    process.stderr.write(`FAILED: ${f.stuck} trajectories stuck\n`);
    process.exitCode = 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  });
}
