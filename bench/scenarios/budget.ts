import { creationTokenFor } from '../../src/domain/filesystem';
import {
  applyAll,
  finishScenario,
  objectNames,
  pidOf,
  processCpu,
  startScenario,
  type BenchEnvironment,
} from '../environment';
import { loadAverageNow, processMemory } from '../proc';
import {
  distribution,
  fixedIntervalPerMinute,
  perObjectMinute,
  ratio,
  round,
  roundDistribution,
  scheduledPollTimes,
  scheduledPollsBetween,
} from '../stats';
import { seconds } from './burst';

export interface BudgetOptions {
  objects: number;
  holdMs: number;
  timeoutMs: number;
}

/**
 * The ACK EFS controller requeues a FileSystem every 30 s while it is not synced, and each
 * reconcile reads it with five describe calls, one of them DescribeFileSystems (peers.md).
 */
const ackRequeueMs = 30_000;
const ackDescribeCallsPerRead = 5;
/** The empirical DescribeFileSystems rate limit of one account and Region (efs-api.md, section 5). */
export const accountDescribeLimitPerSecond = 10;

export interface BudgetMeasurement {
  objects: number;
  holdSeconds: number;
  /** The measured window, in seconds after the waits began (mean over objects), and its length. */
  window: { fromSeconds: number | null; toSeconds: number | null; lengthSeconds: number | null };
  describeFileSystemsPerObjectMinute: number | null;
  /** Every EFS request in the window, per object-minute: waiting should cost nothing else. */
  allEfsRequestsPerObjectMinute: number | null;
  /** What `pollDelayMs` predicts for the same objects over the same window. */
  schedulePredictedPerObjectMinute: number | null;
  fixedOneSecondPerObjectMinute: number;
  ackDescribeFileSystemsPerObjectMinute: number;
  ackAllDescribesPerObjectMinute: number;
  /** Measured / fixed 1 s poll, and measured / ACK's DescribeFileSystems. */
  ratioToFixedOneSecond: number | null;
  ratioToAck: number | null;
  /** Objects waiting at once that, at the measured rate, reach ~10 DescribeFileSystems/s. */
  objectsAtAccountDescribeLimit: number | null;
  peakDescribeFileSystemsPerSecond: number | null;
  /** DescribeFileSystems per object over the whole wait, apply to synced. */
  describeFileSystemsPerObjectWholeWait: number | null;
  /** File system `available` (emulator) -> ACK.ResourceSynced=True seen: what polling adds to latency. */
  availableToSyncedSeconds: ReturnType<typeof seconds>;
  /** Writes to each object until synced (status is written on change, not on every poll). */
  objectWritesUntilSynced: ReturnType<typeof roundDistribution>;
  worker: {
    cpuMillisecondsPerObjectMinute: number | null;
    /** Highest resident set sampled while waiting, and VmHWM (which includes start-up). */
    peakRssUnderLoadMiB: number | null;
    peakRssMiB: number | null;
  };
  /** Computed from `pollDelayMs` alone (not measured): the average rate for longer holds. */
  scheduleForLongerHolds: { holdMinutes: number; perObjectMinute: number | null; ratioToAck: number | null }[];
  loadAverage: { start: number; end: number };
}

/**
 * Holds `objects` file systems in `creating` for `holdMs` and counts the DescribeFileSystems
 * requests the waits make in a window where every wait is running and none has ended.
 */
export async function runBudget(env: BenchEnvironment, options: BudgetOptions): Promise<BudgetMeasurement> {
  if (options.holdMs < 20_000) throw new Error('the budget scenario needs --hold-seconds of at least 20');
  const loadStart = loadAverageNow();
  const run = await startScenario(env, 'budget');
  try {
    const { admin } = run.ctx;
    await admin.setCreateDelay(options.holdMs);
    await admin.resetCounters();
    run.sampler.start();
    const names = objectNames('hold', options.objects);
    await applyAll(run, names);
    const timelines = [...run.observer.timelines.values()];
    await waitUntil('every object to show creating', () => timelines.every((t) => t.creatingAt !== undefined), 60_000);

    // The window: from now, when every wait runs, to shortly before the first file system turns available.
    const fileSystems = await admin.fileSystems();
    const clock = await admin.clock();
    const emulatorToLocal = Date.now() - clock.now;
    const availableAt = new Map<string, number>();
    for (const t of timelines) {
      const found = fileSystems.find((fs) => fs.CreationToken === creationTokenFor(t.uid ?? ''));
      if (!found?.nextTransition) throw new Error(`no creating file system found for ${t.name}`);
      availableAt.set(t.name, found.nextTransition.at + emulatorToLocal);
    }
    const from = Date.now();
    const to = Math.min(...availableAt.values()) - 1_500;
    if (to - from < 10_000) throw new Error('the objects took too long to start waiting: raise --hold-seconds');
    const cpuFrom = processCpu(run, env).worker ?? Number.NaN;
    const countersFrom = await admin.counters();
    await sleepUntil(to);
    const countersTo = await admin.counters();
    const cpuTo = processCpu(run, env).worker ?? Number.NaN;
    const windowMs = Date.now() - from;

    if (!(await run.observer.waitForSynced(options.objects, options.holdMs + options.timeoutMs))) {
      throw new Error(`not synced after the hold: ${run.observer.unsynced().join(', ')}`);
    }
    const countersEnd = await admin.counters();
    run.sampler.stop();

    const describes = (c: typeof countersFrom): number => c.operations.DescribeFileSystems?.requests ?? 0;
    const measuredRate = perObjectMinute(describes(countersTo) - describes(countersFrom), options.objects, windowMs);
    const allRate = perObjectMinute(countersTo.total.requests - countersFrom.total.requests, options.objects, windowMs);
    const waitStart = (name: string): number => run.observer.timeline(name).creatingAt as number;
    const predictedPolls = timelines.reduce(
      (sum, t) => sum + scheduledPollsBetween(from - waitStart(t.name), from + windowMs - waitStart(t.name)),
      0,
    );
    const predictedRate = perObjectMinute(predictedPolls, options.objects, windowMs);
    const ackRate = fixedIntervalPerMinute(ackRequeueMs);
    const meanWaitStart = timelines.reduce((sum, t) => sum + waitStart(t.name), 0) / timelines.length;
    return {
      objects: options.objects,
      holdSeconds: options.holdMs / 1000,
      window: {
        fromSeconds: round((from - meanWaitStart) / 1000, 1),
        toSeconds: round((from + windowMs - meanWaitStart) / 1000, 1),
        lengthSeconds: round(windowMs / 1000, 1),
      },
      describeFileSystemsPerObjectMinute: round(measuredRate),
      allEfsRequestsPerObjectMinute: round(allRate),
      schedulePredictedPerObjectMinute: round(predictedRate),
      fixedOneSecondPerObjectMinute: fixedIntervalPerMinute(1_000),
      ackDescribeFileSystemsPerObjectMinute: ackRate,
      ackAllDescribesPerObjectMinute: ackRate * ackDescribeCallsPerRead,
      ratioToFixedOneSecond: round(ratio(measuredRate, fixedIntervalPerMinute(1_000)), 3),
      ratioToAck: round(ratio(measuredRate, ackRate)),
      objectsAtAccountDescribeLimit: round(ratio(accountDescribeLimitPerSecond * 60, measuredRate), 0),
      peakDescribeFileSystemsPerSecond: round(run.sampler.peakPerSecond().describeFileSystems, 1),
      describeFileSystemsPerObjectWholeWait: round(describes(countersEnd) / options.objects),
      availableToSyncedSeconds: seconds(
        distribution(timelines.map((t) => (t.syncedAt as number) - (availableAt.get(t.name) as number))),
      ),
      objectWritesUntilSynced: roundDistribution(distribution(timelines.map((t) => t.writesUntilSynced))),
      worker: {
        cpuMillisecondsPerObjectMinute: round(perObjectMinute((cpuTo - cpuFrom) * 1000, options.objects, windowMs), 1),
        peakRssUnderLoadMiB: round(run.sampler.peakWorkerRssMiB(), 1),
        peakRssMiB: round(processMemory(pidOf(run.worker)).peakRssMiB, 1),
      },
      scheduleForLongerHolds: [3, 10, 30, 60, 360].map((holdMinutes) => {
        const rate = perObjectMinute(scheduledPollTimes(holdMinutes * 60_000).length, 1, holdMinutes * 60_000);
        return { holdMinutes, perObjectMinute: round(rate), ratioToAck: round(ratio(rate, ackRate)) };
      }),
      loadAverage: { start: loadStart, end: loadAverageNow() },
    };
  } finally {
    await finishScenario(run);
  }
}

async function waitUntil(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function sleepUntil(at: number): Promise<void> {
  const ms = at - Date.now();
  if (ms > 0) await new Promise((r) => setTimeout(r, ms));
}
