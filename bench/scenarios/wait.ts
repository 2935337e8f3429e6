import {
  applyAll,
  finishScenario,
  objectNames,
  processCpu,
  startScenario,
  type BenchEnvironment,
  type ScenarioOptions,
} from '../environment';
import {
  availableToSynced,
  efsRequests,
  fileSystemTimes,
  stopMeasuring,
  temporalFigures,
  type EfsRequestFigures,
  type ResourceFigures,
  type Rounded,
  type TemporalFigures,
} from '../measure';
import { loadAverageNow } from '../proc';
import { perObjectMinute, round } from '../stats';

export interface WaitOptions {
  objects: number;
  /** How long each file system stays `creating`, in emulated time. */
  holdEmulatedMs: number;
  /** How long that takes in real time: the emulator's clock runs holdEmulatedMs / holdRealMs times faster. */
  holdRealMs: number;
  timeoutMs: number;
  scenario: ScenarioOptions;
}

/** Objects waiting for their file systems to leave `creating`, and how soon each is synced once one is available. */
export interface WaitMeasurement {
  objects: number;
  holdEmulatedSeconds: number;
  holdRealSeconds: number;
  /** Emulated seconds per real second during the hold (1: real time). */
  timeScale: number;
  syncedObjects: number;
  complete: boolean;
  /** File system available (emulator) -> ACK.ResourceSynced=True seen: the waiting lag. */
  availableToSyncedSeconds: Rounded;
  efs: EfsRequestFigures;
  /** All EFS requests from apply to the last synced, per object and real minute of waiting. */
  efsRequestsPerObjectMinute: number | null;
  peakEfsRequestsPerSecond: number | null;
  temporal: TemporalFigures;
  resources: ResourceFigures;
  loadAverage: { start: number; end: number };
}

/**
 * Applies `objects` objects whose file systems stay `creating` for `holdEmulatedMs` of emulated
 * time (`holdRealMs` of real time), then measures how long after each file system turned available
 * its object showed ACK.ResourceSynced=True. The orchestrator's own timers run in real time: a
 * scaled hold shows what the emulator's clock says (CreationTime, ...), not a real wait that long.
 */
export async function runWait(env: BenchEnvironment, options: WaitOptions, label: string): Promise<WaitMeasurement> {
  const loadStart = loadAverageNow();
  const run = await startScenario(env, label, options.scenario);
  try {
    const { admin } = run.ctx;
    const timeScale = options.holdEmulatedMs / options.holdRealMs;
    await admin.setCreateDelay(options.holdEmulatedMs);
    if (timeScale !== 1) await admin.setTimeScale(timeScale);
    await admin.resetCounters();
    const cpuFrom = processCpu(run, env);
    run.sampler.start();
    const started = Date.now();
    await applyAll(run, objectNames(label, options.objects));
    const complete = await run.observer.waitForSynced(options.objects, options.holdRealMs + options.timeoutMs);
    const waitedMs = Date.now() - started;
    const { counters, resources } = await stopMeasuring(run, env, cpuFrom);
    // Converted while the clock still runs at the hold's scale.
    const times = await fileSystemTimes(run, options.holdEmulatedMs);
    await admin.setTimeScale(1);
    const temporal = await temporalFigures(run, options.objects);
    const efs = efsRequests(undefined, counters, options.objects);
    return {
      objects: options.objects,
      holdEmulatedSeconds: options.holdEmulatedMs / 1000,
      holdRealSeconds: options.holdRealMs / 1000,
      timeScale: round(timeScale, 3) ?? timeScale,
      syncedObjects: run.observer.synced().length,
      complete,
      availableToSyncedSeconds: availableToSynced(run, times),
      efs,
      efsRequestsPerObjectMinute: round(perObjectMinute(efs.total, options.objects, waitedMs)),
      peakEfsRequestsPerSecond: round(run.sampler.peakPerSecond().requests, 1),
      temporal,
      resources,
      loadAverage: { start: loadStart, end: loadAverageNow() },
    };
  } finally {
    await finishScenario(run);
  }
}
