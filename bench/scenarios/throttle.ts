import { type BenchEnvironment } from '../environment';
import { ratio, round } from '../stats';
import { runBurst, type BurstMeasurement, type BurstOptions } from './burst';

export interface ThrottleMeasurement {
  /** The burst of the same size without faults, from this run. */
  baseline: BurstMeasurement;
  throttled: BurstMeasurement;
  /** Throttled / baseline. */
  ratios: {
    halfSynced: number | null;
    ninetySynced: number | null;
    wall: number | null;
    p50: number | null;
    p95: number | null;
    max: number | null;
    efsRequestsPerObject: number | null;
    historyEventsP50: number | null;
    objectWritesP50: number | null;
    orchestratorCpu: number | null;
  };
}

/**
 * The same burst with a share of all EFS requests throttled, against the burst without faults from
 * this run (run here when the burst scenario did not measure that size). Ratios are null where the
 * throttled run did not get there within its cap.
 */
export async function runThrottle(
  env: BenchEnvironment,
  options: BurstOptions,
  baseline: BurstMeasurement | undefined,
): Promise<ThrottleMeasurement> {
  const base = baseline ?? (await runBurst(env, { ...options, throttleRate: 0 }, `burst${options.objects}`));
  const throttled = await runBurst(env, options, `throttle${options.objects}`);
  const r = (a: number | null, b: number | null): number | null =>
    a === null || b === null ? null : round(ratio(a, b));
  return {
    baseline: base,
    throttled,
    ratios: {
      halfSynced: r(throttled.timeToSyncedShareSeconds.half, base.timeToSyncedShareSeconds.half),
      ninetySynced: r(throttled.timeToSyncedShareSeconds.ninety, base.timeToSyncedShareSeconds.ninety),
      wall: r(throttled.wallSeconds, base.wallSeconds),
      p50: r(throttled.applyToSyncedSeconds.p50, base.applyToSyncedSeconds.p50),
      p95: r(throttled.applyToSyncedSeconds.p95, base.applyToSyncedSeconds.p95),
      max: r(throttled.applyToSyncedSeconds.max, base.applyToSyncedSeconds.max),
      efsRequestsPerObject: r(throttled.efs.perObject, base.efs.perObject),
      historyEventsP50: r(throttled.temporal.objectHistoryEvents.p50, base.temporal.objectHistoryEvents.p50),
      objectWritesP50: r(throttled.objectWritesUntilSynced.p50, base.objectWritesUntilSynced.p50),
      orchestratorCpu: r(throttled.resources.orchestratorCpuSeconds, base.resources.orchestratorCpuSeconds),
    },
  };
}
