import {
  applyAll,
  finishScenario,
  objectNames,
  processCpu,
  startScenario,
  type BenchEnvironment,
  type ProcessMode,
  type ScenarioOptions,
} from '../environment';
import {
  availableToSynced,
  efsRequests,
  fileSystemTimes,
  stopMeasuring,
  seconds,
  temporalFigures,
  type EfsRequestFigures,
  type ResourceFigures,
  type Rounded,
  type TemporalFigures,
} from '../measure';
import { loadAverageNow } from '../proc';
import { distribution, round, roundDistribution } from '../stats';

export interface BurstOptions {
  objects: number;
  createDelayMs: number;
  /** Share of EFS requests answered with ThrottlingException by a fault rule (on top of the rate throttle); 0 for none. */
  throttleRate: number;
  timeoutMs: number;
  scenario: ScenarioOptions;
}

/** What one burst measured; times in seconds. */
export interface BurstMeasurement {
  objects: number;
  createDelaySeconds: number;
  throttleRate: number;
  processMode: ProcessMode;
  workers: number;
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
  /** Per object: file system available (emulator) -> ACK.ResourceSynced=True seen: the waiting lag. */
  availableToSyncedSeconds: Rounded;
  /** Per object: create answered -> CreateFileSystem received by EFS. */
  applyToCreateFileSystemSeconds: Rounded;
  /** Per object: create answered -> status first says `creating`. */
  applyToCreatingShownSeconds: Rounded;
  efs: EfsRequestFigures;
  /** Highest EFS request rate over any 2 s of the run: what the account's rate limit would see. */
  peakEfsRequestsPerSecond: number | null;
  peakDescribeFileSystemsPerSecond: number | null;
  peakThrottledPerSecond: number | null;
  temporal: TemporalFigures;
  /** Writes to the object (finalizer, status) until synced, from its watch events. */
  objectWritesUntilSynced: Rounded;
  /** Objects that showed ACK.Recoverable=True on the way (an error surfaced to the user). */
  objectsShowingRecoverable: number;
  /** Times the object watch restarted from a list: writes in such gaps are missing from the counts. */
  watchRelists: number;
  /** From apply to all synced. */
  resources: ResourceFigures;
  orchestratorCpuMillisecondsPerObject: number | null;
  loadAverage: { start: number; end: number };
}

/**
 * Applies `objects` FileSystem objects at once and waits until every one is ACK.ResourceSynced=True
 * (or the cap, `timeoutMs`, passes), with each file system `creating` for `createDelayMs` and
 * optionally throttling faults injected.
 */
export async function runBurst(env: BenchEnvironment, options: BurstOptions, label: string): Promise<BurstMeasurement> {
  const loadStart = loadAverageNow();
  const run = await startScenario(env, label, options.scenario);
  try {
    const { admin } = run.ctx;
    await admin.setCreateDelay(options.createDelayMs);
    if (options.throttleRate > 0) {
      await admin.injectFault({ kind: 'throttling', operation: '*', rate: options.throttleRate, seed: 20240601 });
    }
    await admin.resetCounters();
    const cpuFrom = processCpu(run, env);
    run.sampler.start();
    const names = objectNames(label, options.objects);
    await applyAll(run, names);
    const complete = await run.observer.waitForSynced(options.objects, options.timeoutMs);
    const { counters, resources } = await stopMeasuring(run, env, cpuFrom);
    const times = await fileSystemTimes(run, options.createDelayMs);
    const temporal = await temporalFigures(run, options.objects);

    const timelines = [...run.observer.timelines.values()];
    // Objects not synced within the cap count as infinitely slow: percentiles that reach them are null.
    const sinceApplied = (t: (typeof timelines)[number], at: number | undefined): number =>
      at === undefined ? Number.POSITIVE_INFINITY : at - (t.appliedAt as number);
    const firstSent = Math.min(...timelines.map((t) => t.sentAt as number));
    const syncedTimes = timelines
      .map((t) => t.syncedAt)
      .filter((at): at is number => at !== undefined)
      .sort((a, b) => a - b);
    const timeToShare = (share: number): number | null => {
      const at = syncedTimes[Math.ceil(share * options.objects) - 1];
      return at === undefined ? null : round((at - firstSent) / 1000);
    };
    const peak = run.sampler.peakPerSecond();
    return {
      objects: options.objects,
      createDelaySeconds: options.createDelayMs / 1000,
      throttleRate: options.throttleRate,
      processMode: options.scenario.mode,
      workers: options.scenario.workers,
      syncedObjects: syncedTimes.length,
      complete,
      capSeconds: options.timeoutMs / 1000,
      wallSeconds: complete ? timeToShare(1) : null,
      timeToSyncedShareSeconds: { half: timeToShare(0.5), ninety: timeToShare(0.9), all: timeToShare(1) },
      applyToSyncedSeconds: seconds(distribution(timelines.map((t) => sinceApplied(t, t.syncedAt)))),
      availableToSyncedSeconds: availableToSynced(run, times),
      applyToCreateFileSystemSeconds: seconds(
        distribution(timelines.map((t) => sinceApplied(t, times.get(t.name)?.createdAt))),
      ),
      applyToCreatingShownSeconds: seconds(
        distribution(timelines.filter((t) => t.creatingAt !== undefined).map((t) => sinceApplied(t, t.creatingAt))),
      ),
      efs: efsRequests(undefined, counters, options.objects),
      peakEfsRequestsPerSecond: round(peak.requests, 1),
      peakDescribeFileSystemsPerSecond: round(peak.describeFileSystems, 1),
      peakThrottledPerSecond: round(peak.throttled, 1),
      temporal,
      objectWritesUntilSynced: roundDistribution(distribution(timelines.map((t) => t.writesUntilSynced))),
      objectsShowingRecoverable: timelines.filter((t) => t.sawRecoverable).length,
      watchRelists: run.observer.relists,
      resources,
      orchestratorCpuMillisecondsPerObject:
        resources.orchestratorCpuSeconds === null
          ? null
          : round((resources.orchestratorCpuSeconds * 1000) / options.objects, 1),
      loadAverage: { start: loadStart, end: loadAverageNow() },
    };
  } finally {
    await finishScenario(run);
  }
}
