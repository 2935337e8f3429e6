import { type CountersSnapshot } from '../dev/emulator/admin-types';
import { creationTokenFor } from '../src/domain/filesystem';
import {
  cpuUsed,
  historiesPerObject,
  orchestratorNames,
  pidOf,
  processCpu,
  throttledRequests,
  workflowHistories,
  type BenchEnvironment,
  type ProcessCpu,
  type ScenarioRun,
} from './environment';
import { processMemory } from './proc';
import { distribution, round, roundDistribution, type Distribution } from './stats';

/** Figures every scenario reports the same way. */

export type Rounded = ReturnType<typeof roundDistribution>;

/** A distribution of milliseconds, in seconds. */
export const seconds = (d: Distribution): Rounded =>
  roundDistribution({
    count: d.count,
    p50: d.p50 / 1000,
    p95: d.p95 / 1000,
    p99: d.p99 / 1000,
    max: d.max / 1000,
    mean: d.mean / 1000,
  });

/** When each object's file system was created and when it turned (or turns) available, in this process's clock. */
export interface FileSystemTimes {
  createdAt?: number;
  availableAt?: number;
}

/**
 * Reads from the emulator when each object's file system was created (its CreationTime) and when it
 * turns available (its pending transition, or CreationTime plus the create delay once available),
 * converted from emulated to local time with the clock's current offset and scale.
 */
export async function fileSystemTimes(run: ScenarioRun, createDelayMs: number): Promise<Map<string, FileSystemTimes>> {
  const { admin } = run.ctx;
  const [fileSystems, clock] = await Promise.all([admin.fileSystems(), admin.clock()]);
  const localNow = Date.now();
  const toLocal = (emulated: number): number => localNow + (emulated - clock.now) / clock.scale;
  const byToken = new Map(fileSystems.map((fs) => [fs.CreationToken, fs]));
  const out = new Map<string, FileSystemTimes>();
  for (const t of run.observer.timelines.values()) {
    const fs = t.uid === undefined ? undefined : byToken.get(creationTokenFor(t.uid));
    if (!fs) {
      out.set(t.name, {});
      continue;
    }
    const created = (fs.description.CreationTime as number) * 1000;
    const available =
      fs.nextTransition?.state === 'available'
        ? fs.nextTransition.at
        : fs.LifeCycleState === 'available'
          ? created + createDelayMs
          : undefined;
    out.set(t.name, {
      createdAt: toLocal(created),
      availableAt: available === undefined ? undefined : toLocal(available),
    });
  }
  return out;
}

/** EFS requests in a stretch, per object and by operation. */
export interface EfsRequestFigures {
  perObjectByOperation: Record<string, number | null>;
  perObject: number | null;
  throttledPerObject: number | null;
  throttled: number;
  total: number;
}

export function efsRequests(
  from: CountersSnapshot | undefined,
  to: CountersSnapshot,
  objects: number,
): EfsRequestFigures {
  const requestsOf = (c: CountersSnapshot | undefined, op: string): number => c?.operations[op]?.requests ?? 0;
  const perObject = (n: number): number | null => round(n / objects, 2);
  const total = to.total.requests - (from?.total.requests ?? 0);
  const throttled = throttledRequests(to) - (from ? throttledRequests(from) : 0);
  return {
    perObjectByOperation: Object.fromEntries(
      Object.keys(to.operations)
        .sort()
        .map((op) => [op, perObject(requestsOf(to, op) - requestsOf(from, op))])
        .filter(([, n]) => n !== 0),
    ),
    perObject: perObject(total),
    throttledPerObject: perObject(throttled),
    throttled,
    total,
  };
}

/** Temporal's side of a run: history events and actions, per object, and object-workflow history lengths. */
export interface TemporalFigures {
  historyEventsPerObject: number | null;
  actionsPerObject: number | null;
  /** Workflows of the run that are not an object's own (e.g. an observer per account and Region). */
  otherWorkflows: number;
  objectHistoryEvents: Rounded;
}

export async function temporalFigures(run: ScenarioRun, objects: number): Promise<TemporalFigures> {
  const totals = historiesPerObject(await workflowHistories(run), objects);
  return {
    historyEventsPerObject: totals.events === null ? null : round(totals.events, 1),
    actionsPerObject: totals.actions === null ? null : round(totals.actions, 1),
    otherWorkflows: totals.otherWorkflows,
    objectHistoryEvents: roundDistribution(distribution(totals.objectEvents)),
  };
}

/** Memory and CPU of the run's processes. */
export interface ResourceFigures {
  /** The orchestrator's processes by name (run-1, or worker-1 and watcher, ...). */
  orchestratorProcesses: string[];
  /** Resident set once ready, highest sampled while measured, and VmHWM (peak since start), MiB. */
  rssAtStartMiB: Record<string, number | null>;
  peakRssUnderLoadMiB: Record<string, number | null>;
  vmHwmMiB: Record<string, number | null>;
  /** Highest sum over the orchestrator's processes in one sample, MiB. */
  orchestratorPeakRssMiB: number | null;
  cpuSecondsByProcess: ProcessCpu;
  orchestratorCpuSeconds: number | null;
}

export function resourceFigures(run: ScenarioRun, env: BenchEnvironment, cpuFrom: ProcessCpu): ResourceFigures {
  const names = orchestratorNames(run);
  const cpu = cpuUsed(cpuFrom, processCpu(run, env));
  const peaks = run.sampler.peakRssMiB();
  const vmHwm: Record<string, number | null> = {};
  for (const name of names) {
    const proc = run.processes.get(name);
    try {
      vmHwm[name] = proc ? round(processMemory(pidOf(proc)).peakRssMiB, 1) : null;
    } catch {
      vmHwm[name] = null;
    }
  }
  const orchestratorCpu = names.reduce<number | null>(
    (sum, name) => (sum === null || cpu[name] === null || cpu[name] === undefined ? null : sum + (cpu[name] as number)),
    0,
  );
  return {
    orchestratorProcesses: names,
    rssAtStartMiB: Object.fromEntries(names.map((n) => [n, round(run.memoryAtStart[n]?.rssMiB ?? Number.NaN, 1)])),
    peakRssUnderLoadMiB: Object.fromEntries(Object.entries(peaks).map(([n, v]) => [n, round(v, 1)])),
    vmHwmMiB: vmHwm,
    orchestratorPeakRssMiB: round(run.sampler.peakCombinedRssMiB(names), 1),
    cpuSecondsByProcess: cpu,
    orchestratorCpuSeconds: orchestratorCpu === null ? null : round(orchestratorCpu, 2),
  };
}

/** Per object: file system available (emulator) -> ACK.ResourceSynced=True seen; objects not synced count as infinitely slow. */
export function availableToSynced(run: ScenarioRun, times: Map<string, FileSystemTimes>): Rounded {
  const lag = [...run.observer.timelines.values()].map((t) => {
    const available = times.get(t.name)?.availableAt;
    return t.syncedAt === undefined || available === undefined ? Number.POSITIVE_INFINITY : t.syncedAt - available;
  });
  return seconds(distribution(lag));
}

/** Ends the sampling of a measured stretch: the counters at its end and the processes' memory and CPU over it. */
export async function stopMeasuring(
  run: ScenarioRun,
  env: BenchEnvironment,
  cpuFrom: ProcessCpu,
): Promise<{ counters: CountersSnapshot; resources: ResourceFigures }> {
  const counters = (await run.sampler.sample()) ?? (await run.ctx.admin.counters());
  run.sampler.stop();
  return { counters, resources: resourceFigures(run, env, cpuFrom) };
}
