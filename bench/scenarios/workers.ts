import { type BenchEnvironment } from '../environment';
import { ratio, round } from '../stats';
import { runBurst, type BurstMeasurement, type BurstOptions } from './burst';

/** The same burst on one worker and on several: the account's EFS budget should hold whatever the number of workers. */
export interface WorkersMeasurement {
  one: BurstMeasurement;
  many: BurstMeasurement;
  /** Many / one. */
  ratios: {
    wall: number | null;
    p50: number | null;
    peakEfsRequestsPerSecond: number | null;
    throttled: number | null;
  };
  /**
   * Held when the peak EFS request rate with many workers stays within a quarter above one worker's:
   * a budget per process would multiply by the number of workers.
   */
  budgetHeld: boolean | null;
  /** Many workers synced everything no slower than one (within 10 %). */
  throughputNotWorse: boolean | null;
}

export async function runWorkers(
  env: BenchEnvironment,
  options: BurstOptions,
  one: BurstMeasurement | undefined,
): Promise<WorkersMeasurement> {
  const single =
    one ??
    (await runBurst(env, { ...options, scenario: { ...options.scenario, workers: 1 } }, `burst${options.objects}`));
  const many = await runBurst(env, options, `workers${options.scenario.workers}x${options.objects}`);
  const r = (a: number | null, b: number | null): number | null =>
    a === null || b === null ? null : round(ratio(a, b));
  const peakRatio = r(many.peakEfsRequestsPerSecond, single.peakEfsRequestsPerSecond);
  const wallRatio = r(many.wallSeconds, single.wallSeconds);
  return {
    one: single,
    many,
    ratios: {
      wall: wallRatio,
      p50: r(many.applyToSyncedSeconds.p50, single.applyToSyncedSeconds.p50),
      peakEfsRequestsPerSecond: peakRatio,
      throttled: r(many.efs.throttled, single.efs.throttled),
    },
    budgetHeld: peakRatio === null ? null : peakRatio <= 1.25,
    throughputNotWorse: !many.complete ? false : wallRatio === null ? null : wallRatio <= 1.1,
  };
}
