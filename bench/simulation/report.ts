/**
 * The figures of a simulated cohort: speed and memory, DynamoDB traffic per trajectory lifetime,
 * workflow work, notifications, the AWS cost at list prices, and the municipality's capacity plan
 * (tasks due per regisseur per month) as a chart.
 */
import { cost, PRICES_REGION, PRICES_TAKEN_ON } from '../aws-prices';
import type { Trajectory } from '../../core/schemas';
import type { EngineStats } from '../../adapters/workflow/local-engine';
import type { DynamoFigures } from './meter';
import type { CohortResult } from './cohort';

/** What one invocation of a workflow step is billed on AWS (assumed: the local step times are not AWS's). */
export const BILLED_MS_PER_INVOCATION = 60;
/** HTTP requests per completed task: the worklist read and the completion. */
export const API_REQUESTS_PER_TASK = 2;

export interface Figures {
  trajectories: number;
  tasks: number;
  wallSeconds: number;
  trajectoriesPerSecond: number;
  tasksPerSecond: number;
  /** RSS at the end (all closed, garbage collected) and at the peak; heapUsed: the JavaScript heap in use at the end. */
  rssMiB: { end: number; peak: number; heapUsed: number };
  databaseBusySeconds: number;
  wallToDatabaseRatio: number;
  stuck: number;
  perTrajectory: {
    reads: number;
    queries: number;
    writes: number;
    readUnits: number;
    writeUnits: number;
    indexWriteUnits: number;
    stateTransitions: number;
    lambdaInvocations: number;
    executions: number;
    /** Escalations of overdue tasks (the beheerders' list). */
    escalations: number;
    /** Notifications recorded (each to one user) and mails sent (one each, or a digest). */
    notifications: number;
    mails: number;
  };
  readsPerTask: number;
  largestItemBytes: number;
  outcomes: { successful: number; completed: number; handedOver: number; withdrawn: number };
  costUsd: { perTrajectory: number; cohort: number; breakdownPerTrajectory: Record<string, number>; region: string; pricesTakenOn: string };
  idleMonthlyUsd?: number;
  capacity: CapacityPlan;
}

export interface CapacityPlan {
  months: string[];
  /** Per month: the mean and the highest number of tasks due for one regisseur. */
  mean: number[];
  max: number[];
}

export function figures(args: {
  result: CohortResult;
  meter: DynamoFigures;
  engine: EngineStats;
  escalations: number;
  notifications: number;
  mails: number;
  wallMs: number;
  rss: { end: number; peak: number; heapUsed: number };
  lambdaMemoryMb: number;
  idleMonthlyUsd?: number;
}): Figures {
  const n = args.result.trajectories.length;
  const tasks = args.result.trajectories.reduce((sum, t) => sum + t.closedTasks.filter((c) => c.status === 'completed').length, 0);
  const per = (x: number) => x / n;
  const gbSeconds = (args.engine.invocations * BILLED_MS_PER_INVOCATION * args.lambdaMemoryMb) / 1024 / 1000;
  const apiRequests = tasks * API_REQUESTS_PER_TASK;
  const breakdown = {
    dynamodbWrites: cost('dynamodbWriteRequestUnits', args.meter.writeUnits),
    dynamodbReads: cost('dynamodbReadRequestUnits', args.meter.readUnits),
    stepFunctions: cost('stepFunctionsStateTransitions', args.engine.stateTransitions),
    lambdaRequests: cost('lambdaRequests', args.engine.invocations + apiRequests),
    lambdaCompute: cost('lambdaArmGbSeconds', gbSeconds + (apiRequests * BILLED_MS_PER_INVOCATION * args.lambdaMemoryMb) / 1024 / 1000),
    apiGateway: cost('apiGatewayHttpRequests', apiRequests),
    sesMails: cost('sesOutboundEmails', args.mails),
  };
  const cohortUsd = Object.values(breakdown).reduce((a, b) => a + b, 0);
  const closed = args.result.trajectories.map((t) => t.outcome);
  const completed = closed.filter((o) => o?.reason === 'completed');
  return {
    trajectories: n,
    tasks,
    wallSeconds: args.wallMs / 1000,
    trajectoriesPerSecond: n / (args.wallMs / 1000),
    tasksPerSecond: tasks / (args.wallMs / 1000),
    rssMiB: args.rss,
    databaseBusySeconds: args.meter.busyMs / 1000,
    wallToDatabaseRatio: args.wallMs / Math.max(1, args.meter.busyMs),
    stuck: args.result.stuck.length,
    perTrajectory: {
      reads: per(args.meter.reads),
      queries: per(args.meter.queries),
      writes: per(args.meter.writes),
      readUnits: per(args.meter.readUnits),
      writeUnits: per(args.meter.writeUnits),
      indexWriteUnits: per(args.meter.indexWriteUnits),
      stateTransitions: per(args.engine.stateTransitions),
      lambdaInvocations: per(args.engine.invocations),
      executions: per(args.engine.executions),
      escalations: per(args.escalations),
      notifications: per(args.notifications),
      mails: per(args.mails),
    },
    readsPerTask: args.meter.reads / Math.max(1, tasks),
    largestItemBytes: args.meter.largestItemBytes,
    outcomes: {
      completed: completed.length,
      successful: completed.filter((o) => o?.successful).length,
      handedOver: completed.filter((o) => o?.handedOver).length,
      withdrawn: closed.filter((o) => o?.reason === 'withdrawn').length,
    },
    costUsd: {
      perTrajectory: cohortUsd / n,
      cohort: cohortUsd,
      breakdownPerTrajectory: Object.fromEntries(Object.entries(breakdown).map(([k, v]) => [k, v / n])),
      region: PRICES_REGION,
      pricesTakenOn: PRICES_TAKEN_ON,
    },
    ...(args.idleMonthlyUsd !== undefined ? { idleMonthlyUsd: args.idleMonthlyUsd } : {}),
    capacity: capacityPlan(args.result.trajectories),
  };
}

/** Tasks due per regisseur per month (the municipality's capacity plan). */
export function capacityPlan(trajectories: Trajectory[]): CapacityPlan {
  const counts = new Map<string, Map<string, number>>();
  const regisseurs = new Set<string>();
  for (const t of trajectories) {
    for (const task of [...t.closedTasks, ...(t.openTask ? [t.openTask] : [])]) {
      if (task.assigneeRole !== 'regisseur' || task.status === 'cancelled') continue;
      regisseurs.add(task.assigneeId);
      const month = task.dueAt.slice(0, 7);
      const perRegisseur = counts.get(month) ?? new Map<string, number>();
      perRegisseur.set(task.assigneeId, (perRegisseur.get(task.assigneeId) ?? 0) + 1);
      counts.set(month, perRegisseur);
    }
  }
  const months = [...counts.keys()].sort();
  return {
    months,
    mean: months.map((m) => [...counts.get(m)!.values()].reduce((a, b) => a + b, 0) / Math.max(1, regisseurs.size)),
    max: months.map((m) => Math.max(...counts.get(m)!.values())),
  };
}

const BARS = '▁▂▃▄▅▆▇█';

/** The plan as one line of bars per figure, compact enough for a terminal. */
export function terminalChart(plan: CapacityPlan): string {
  const top = Math.max(1, ...plan.max);
  const bars = (values: number[]) => values.map((v) => BARS[Math.min(7, Math.round((v / top) * 7))]).join('');
  return [
    `tasks due per regisseur per month, ${plan.months[0]} … ${plan.months.at(-1)} (scale 0–${top})`,
    `  mean ${bars(plan.mean)}`,
    `  max  ${bars(plan.max)}`,
  ].join('\n');
}

/** The plan as an SVG bar chart: the mean per month as bars, the busiest regisseur as a line. */
export function svgChart(plan: CapacityPlan, title: string): string {
  const width = 900;
  const height = 320;
  const pad = { left: 48, right: 16, top: 40, bottom: 48 };
  const top = Math.max(1, ...plan.max);
  const step = (width - pad.left - pad.right) / Math.max(1, plan.months.length);
  const y = (v: number) => pad.top + (height - pad.top - pad.bottom) * (1 - v / top);
  const bars = plan.mean
    .map((v, i) => `<rect x="${(pad.left + i * step + 1).toFixed(1)}" y="${y(v).toFixed(1)}" width="${Math.max(1, step - 2).toFixed(1)}" height="${(height - pad.bottom - y(v)).toFixed(1)}" fill="#4a7ab5"><title>${plan.months[i]}: ${v.toFixed(1)}</title></rect>`)
    .join('');
  const line = plan.max.map((v, i) => `${(pad.left + i * step + step / 2).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const ticks = [0, Math.round(top / 2), top]
    .map((v) => `<text x="${pad.left - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text><line x1="${pad.left}" x2="${width - pad.right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`)
    .join('');
  const labels = plan.months
    .map((m, i) => (i % 6 === 0 ? `<text x="${(pad.left + i * step).toFixed(1)}" y="${height - pad.bottom + 16}">${m}</text>` : ''))
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">
<text x="${pad.left}" y="20" font-size="14">${title}</text>
${ticks}${bars}<polyline points="${line}" fill="none" stroke="#c0392b" stroke-width="1.5"/>
${labels}
<text x="${width - pad.right}" y="20" text-anchor="end"><tspan fill="#4a7ab5">■ gemiddeld per regisseur</tspan>  <tspan fill="#c0392b">— drukste regisseur</tspan></text>
</svg>
`;
}

export function formatFigures(f: Figures): string {
  const p = f.perTrajectory;
  const n = (x: number, d = 1) => x.toFixed(d);
  return [
    `cohort            ${f.trajectories} trajectories, ${f.tasks} tasks completed, ${f.stuck} stuck`,
    `outcomes          ${f.outcomes.successful} of ${f.outcomes.completed} successful (${n((100 * f.outcomes.successful) / Math.max(1, f.outcomes.completed), 0)}%), ${f.outcomes.handedOver} handed over, ${f.outcomes.withdrawn} withdrawn`,
    `wall time         ${n(f.wallSeconds)} s  (${n(f.trajectoriesPerSecond, 2)} trajectories/s, ${n(f.tasksPerSecond)} tasks/s)`,
    `database busy     ${n(f.databaseBusySeconds)} s  (wall / database = ${n(f.wallToDatabaseRatio, 2)})`,
    `memory (RSS)      ${n(f.rssMiB.end, 0)} MiB at the end (JavaScript heap in use ${n(f.rssMiB.heapUsed, 0)} MiB), ${n(f.rssMiB.peak, 0)} MiB at the peak`,
    `per trajectory    ${n(p.reads)} reads + ${n(p.queries)} queries, ${n(p.writes)} writes; ${n(p.readUnits)} RRU, ${n(p.writeUnits, 0)} WRU (${n(p.indexWriteUnits, 0)} into indexes)`,
    `                  ${n(p.stateTransitions)} state transitions, ${n(p.lambdaInvocations)} Lambda invocations, ${n(p.executions, 2)} executions,`,
    `                  ${n(p.escalations, 2)} escalations, ${n(p.notifications, 1)} notifications recorded, ${n(p.mails, 1)} mails sent`,
    `reads per task    ${n(f.readsPerTask, 2)}; largest item ${n(f.largestItemBytes / 1024)} KiB`,
    `AWS cost          $${f.costUsd.perTrajectory.toFixed(5)} per trajectory lifetime, $${f.costUsd.cohort.toFixed(2)} for the cohort (${f.costUsd.region} list prices of ${f.costUsd.pricesTakenOn}; bench/aws-prices.ts)`,
    `                  ${Object.entries(f.costUsd.breakdownPerTrajectory).map(([k, v]) => `${k} $${v.toFixed(5)}`).join(', ')}`,
    ...(f.idleMonthlyUsd !== undefined ? [`idle deployment   $${f.idleMonthlyUsd.toFixed(2)} per month (counted from the synthesized templates; bench/idle-cost.ts)`] : []),
  ].join('\n');
}
