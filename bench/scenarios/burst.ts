import {
  applyAll,
  cpuUsed,
  finishScenario,
  historyLengths,
  objectNames,
  processCpu,
  pidOf,
  startScenario,
  type BenchEnvironment,
} from '../environment';
import { loadAverageNow, processMemory } from '../proc';
import { distribution, round, roundDistribution, type Distribution } from '../stats';

export interface BurstOptions {
  objects: number;
  createDelayMs: number;
  /** Share of EFS requests answered with ThrottlingException (HTTP 400 "Rate exceeded"); 0 for none. */
  throttleRate: number;
  timeoutMs: number;
}

type Rounded = ReturnType<typeof roundDistribution>;

/** What one burst measured; times in seconds. */
export interface BurstMeasurement {
  objects: number;
  createDelaySeconds: number;
  throttleRate: number;
  /** Objects synced before the cap, and the cap (objects not synced by then count as slower than it). */
  syncedObjects: number;
  complete: boolean;
  capSeconds: number;
  /** First create sent to last object synced (null when not all synced within the cap). */
  wallSeconds: number | null;
  /** First create sent to half, 90 % and all of the objects synced. */
  timeToSyncedShareSeconds: { half: number | null; ninety: number | null; all: number | null };
  /** Per object: create answered -> ACK.ResourceSynced=True. */
  applyToSyncedSeconds: Rounded;
  /** Per object: the part of it beyond the emulated creating delay (the orchestrator's own cost). */
  overheadSeconds: Rounded;
  /** Per object: create answered -> status first says `creating`. */
  applyToCreatingShownSeconds: Rounded;
  /** EFS requests per object by operation (retries included), and all of them. */
  efsRequestsPerObject: Record<string, number | null>;
  efsRequestsPerObjectTotal: number | null;
  /** Requests answered with a throttling error, per object. */
  throttledPerObject: number | null;
  /** Highest EFS request rate over any 2 s of the run: what the account's rate limit would see. */
  peakEfsRequestsPerSecond: number | null;
  peakDescribeFileSystemsPerSecond: number | null;
  /** Temporal history events per workflow when synced, and activities scheduled among them. */
  historyEvents: Rounded;
  activitiesPerWorkflow: Rounded;
  /** Writes to the object (finalizer, status) until synced, from its watch events. */
  objectWritesUntilSynced: Rounded;
  /** Objects that showed ACK.Recoverable=True on the way (an error surfaced to the user). */
  objectsShowingRecoverable: number;
  /** Times the object watch restarted from a list: writes in such gaps are missing from the counts. */
  watchRelists: number;
  worker: {
    rssAtStartMiB: number | null;
    /** Highest resident set sampled (about once a second) while the objects were worked on. */
    peakRssUnderLoadMiB: number | null;
    /** VmHWM when ready (it includes bundling the workflow code), and at the end: the peak since it started. */
    peakRssAtStartMiB: number | null;
    peakRssMiB: number | null;
    cpuSeconds: number | null;
    cpuMillisecondsPerObject: number | null;
  };
  /**
   * CPU seconds each process used from apply to synced: worker, watcher, emulator, and the shared
   * stack's temporal, kube-apiserver and etcd (which also serve whatever else runs on the stack).
   */
  cpuSecondsByProcess: Record<string, number | null>;
  loadAverage: { start: number; end: number };
}

/** A distribution of milliseconds, in seconds. */
export const seconds = (d: Distribution): Rounded =>
  roundDistribution({ count: d.count, p50: d.p50 / 1000, p95: d.p95 / 1000, max: d.max / 1000, mean: d.mean / 1000 });

/**
 * Applies `objects` FileSystem objects at once and waits until every one is ACK.ResourceSynced=True
 * (or the cap, `timeoutMs`, passes), with each file system `creating` for `createDelayMs` and
 * optionally throttling injected.
 */
export async function runBurst(env: BenchEnvironment, options: BurstOptions, label: string): Promise<BurstMeasurement> {
  const loadStart = loadAverageNow();
  const run = await startScenario(env, label);
  try {
    const { admin } = run.ctx;
    await admin.setCreateDelay(options.createDelayMs);
    if (options.throttleRate > 0) {
      await admin.injectFault({ kind: 'throttling', operation: '*', rate: options.throttleRate, seed: 20240601 });
    }
    await admin.resetCounters();
    run.sampler.start();
    const names = objectNames(label, options.objects);
    await applyAll(run, names);
    const complete = await run.observer.waitForSynced(options.objects, options.timeoutMs);
    const counters = (await run.sampler.sample()) ?? (await admin.counters());
    run.sampler.stop();
    const cpuEnd = processCpu(run, env);
    const workerMemory = processMemory(pidOf(run.worker));
    const histories = await historyLengths(run);

    const timelines = [...run.observer.timelines.values()];
    // Objects not synced within the cap count as infinitely slow: percentiles that reach them are null.
    const latencies = timelines.map((t) =>
      t.syncedAt === undefined ? Number.POSITIVE_INFINITY : t.syncedAt - (t.appliedAt as number),
    );
    const creatingShown = timelines.filter((t) => t.creatingAt !== undefined);
    const firstSent = Math.min(...timelines.map((t) => t.sentAt as number));
    const syncedTimes = timelines
      .map((t) => t.syncedAt)
      .filter((at): at is number => at !== undefined)
      .sort((a, b) => a - b);
    const timeToShare = (share: number): number | null => {
      const at = syncedTimes[Math.ceil(share * options.objects) - 1];
      return at === undefined ? null : round((at - firstSent) / 1000);
    };
    const perObject = (n: number): number | null => round(n / options.objects, 2);
    const throttled = Object.values(counters.operations).reduce((sum, op) => sum + op.faults, 0);
    const peak = run.sampler.peakPerSecond();
    const cpu = cpuUsed(run.cpuAtStart, cpuEnd);
    const workerCpu = cpu.worker ?? Number.NaN;
    return {
      objects: options.objects,
      createDelaySeconds: options.createDelayMs / 1000,
      throttleRate: options.throttleRate,
      syncedObjects: syncedTimes.length,
      complete,
      capSeconds: options.timeoutMs / 1000,
      wallSeconds: complete ? timeToShare(1) : null,
      timeToSyncedShareSeconds: { half: timeToShare(0.5), ninety: timeToShare(0.9), all: timeToShare(1) },
      applyToSyncedSeconds: seconds(distribution(latencies)),
      overheadSeconds: seconds(distribution(latencies.map((l) => l - options.createDelayMs))),
      applyToCreatingShownSeconds: seconds(
        distribution(creatingShown.map((t) => (t.creatingAt as number) - (t.appliedAt as number))),
      ),
      efsRequestsPerObject: Object.fromEntries(
        Object.entries(counters.operations)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([operation, c]) => [operation, perObject(c.requests)]),
      ),
      efsRequestsPerObjectTotal: perObject(counters.total.requests),
      throttledPerObject: perObject(throttled),
      peakEfsRequestsPerSecond: round(peak.requests, 1),
      peakDescribeFileSystemsPerSecond: round(peak.describeFileSystems, 1),
      historyEvents: roundDistribution(distribution(histories.map((h) => h.events))),
      activitiesPerWorkflow: roundDistribution(distribution(histories.map((h) => h.activities))),
      objectWritesUntilSynced: roundDistribution(distribution(timelines.map((t) => t.writesUntilSynced))),
      objectsShowingRecoverable: timelines.filter((t) => t.sawRecoverable).length,
      watchRelists: run.observer.relists,
      worker: {
        rssAtStartMiB: round(run.workerMemoryAtStart.rssMiB, 1),
        peakRssUnderLoadMiB: round(Math.max(run.sampler.peakWorkerRssMiB(), workerMemory.rssMiB), 1),
        peakRssAtStartMiB: round(run.workerMemoryAtStart.peakRssMiB, 1),
        peakRssMiB: round(workerMemory.peakRssMiB, 1),
        cpuSeconds: round(workerCpu, 2),
        cpuMillisecondsPerObject: round((workerCpu * 1000) / options.objects, 1),
      },
      cpuSecondsByProcess: cpu,
      loadAverage: { start: loadStart, end: loadAverageNow() },
    };
  } finally {
    await finishScenario(run);
  }
}
