import { EFSClient, PutBackupPolicyCommand, TagResourceCommand } from '@aws-sdk/client-efs';
import { type AdminFileSystem } from '../../dev/emulator/admin-types';
import { watcherSettings, workerTuningSettings } from '../../src/cli/settings';
import { creationTokenFor } from '../../src/domain/filesystem';
import { type Setting } from '../../src/shared/config';
import {
  applyAll,
  finishScenario,
  historiesPerObject,
  objectNames,
  processCpu,
  startScenario,
  workflowHistories,
  type BenchEnvironment,
  type ScenarioOptions,
  type ScenarioRun,
} from '../environment';
import { efsRequests, stopMeasuring, type EfsRequestFigures, type ResourceFigures } from '../measure';
import { loadAverageNow } from '../proc';
import { round } from '../stats';

export interface SteadyOptions {
  objects: number;
  /**
   * The orchestrator's cadences (see scaledCadences) run this many times faster, and the emulator's
   * clock too, so an emulated hour takes 3600 / scale real seconds.
   */
  cadenceScale: number;
  /** The drift-check interval at the default cadence, seconds (the product's default unless told). */
  resyncIntervalSeconds: number;
  createDelayMs: number;
  timeoutMs: number;
  scenario: ScenarioOptions;
}

/** How long an out-of-band change took to be undone. */
export interface Correction {
  what: string;
  /** Real seconds, with the scaled cadences; null when not corrected within the window. */
  measuredSeconds: number | null;
  /** The same times the cadence scale: an upper bound at the default cadences when a drift timer finds it. */
  atDefaultCadenceSeconds: number | null;
}

/** N synced objects over one emulated hour. */
export interface SteadyMeasurement {
  objects: number;
  cadenceScale: number;
  windowRealSeconds: number;
  /** What the orchestrator ran with (scaled cadences). */
  orchestratorEnv: Record<string, string>;
  syncedBefore: boolean;
  efs: EfsRequestFigures;
  /** EFS requests in the window / real seconds: the rate with the scaled cadences. */
  efsRequestsPerSecondMeasured: number | null;
  /** EFS requests in the window (one emulated hour) / 3600: the rate at the default cadences. */
  efsRequestsPerSecondPerHour: number | null;
  /** Temporal actions in the window per object: per object-hour at the default cadences. */
  temporalActionsPerObjectHour: number | null;
  historyEventsPerObjectHour: number | null;
  corrections: Correction[];
  resources: ResourceFigures;
  loadAverage: { start: number; end: number };
}

/**
 * The orchestrator's settings for a scaled hour: every cadence (the drift pass, the observer's sweep
 * of listed settings and its slow reads) divided by the scale, and the observer's request budget,
 * a rate, multiplied by it, so the scaled hour makes the requests a real one would.
 */
export function scaledCadences(scale: number, resyncIntervalSeconds: number): Record<string, string> {
  const { observerSweepSeconds, observerSlowReadSeconds, observerRequestsPerSecond } = workerTuningSettings;
  const divided = (seconds: number): string => String(round(seconds / scale, 3));
  return envOf([
    [watcherSettings.resyncIntervalSeconds, divided(resyncIntervalSeconds)],
    [observerSweepSeconds, divided(observerSweepSeconds.default)],
    [observerSlowReadSeconds, divided(observerSlowReadSeconds.default)],
    [observerRequestsPerSecond, String(observerRequestsPerSecond.default * scale)],
  ]);
}

function envOf(values: [Setting<unknown>, string][]): Record<string, string> {
  return Object.fromEntries(values.map(([setting, value]) => [setting.env ?? setting.flag, value]));
}

/**
 * Applies `objects` objects (each managing its backup policy), waits until all are synced, then
 * measures one emulated hour: EFS requests, Temporal actions, and how long a tag changed and a
 * backup policy disabled outside Kubernetes take to be put back.
 */
export async function runSteady(env: BenchEnvironment, options: SteadyOptions): Promise<SteadyMeasurement> {
  const loadStart = loadAverageNow();
  const windowMs = 3_600_000 / options.cadenceScale;
  const orchestratorEnv = {
    ...scaledCadences(options.cadenceScale, options.resyncIntervalSeconds),
    ...options.scenario.env,
  };
  const run = await startScenario(env, `steady${options.objects}`, { ...options.scenario, env: orchestratorEnv });
  const efs = new EFSClient({
    endpoint: env.emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 10,
  });
  try {
    const { admin } = run.ctx;
    await admin.setCreateDelay(options.createDelayMs);
    const names = objectNames(`steady${options.objects}`, options.objects);
    await applyAll(run, names, { backupPolicy: { status: 'ENABLED' } });
    const syncedBefore = await run.observer.waitForSynced(options.objects, options.timeoutMs);
    if (!syncedBefore)
      throw new Error(`not all synced before the steady window: ${run.observer.unsynced().length} left`);

    await admin.setTimeScale(options.cadenceScale);
    const historiesFrom = historiesPerObject(await workflowHistories(run), options.objects);
    const countersFrom = await admin.counters();
    const cpuFrom = processCpu(run, env);
    run.sampler.start();
    const from = Date.now();
    const until = from + windowMs;

    // A third into the window: a tag changed and a backup policy disabled outside Kubernetes.
    await sleep(windowMs / 3);
    const tagTarget = await fileSystemOf(run, names[0] as string);
    const policyTarget = await fileSystemOf(run, names[Math.min(1, names.length - 1)] as string);
    const tagChangedAt = Date.now();
    await efs.send(
      new TagResourceCommand({ ResourceId: tagTarget.FileSystemId, Tags: [{ Key: 'bench', Value: 'changed' }] }),
    );
    const policyChangedAt = Date.now();
    await efs.send(
      new PutBackupPolicyCommand({ FileSystemId: policyTarget.FileSystemId, BackupPolicy: { Status: 'DISABLED' } }),
    );
    const tagBack = (fs: AdminFileSystem): boolean =>
      ((fs.description.Tags as { Key: string; Value: string }[] | undefined) ?? []).some(
        (t) => t.Key === 'bench' && t.Value === names[0],
      );
    // The backup policy is read once per slow-read interval, at the object's turn: it may come after the window.
    const slowReadMs = (workerTuningSettings.observerSlowReadSeconds.default * 1000) / options.cadenceScale;
    const policyCorrection = correctedAt(
      run,
      policyTarget.FileSystemId,
      (fs) => fs.backupStatus === 'ENABLED',
      policyChangedAt + slowReadMs + windowMs / 10,
    );
    const tagCorrectedAt = await correctedAt(run, tagTarget.FileSystemId, tagBack, until);
    await sleep(until - Date.now());

    const realMs = Date.now() - from;
    const { counters: countersTo, resources } = await stopMeasuring(run, env, cpuFrom);
    const historiesTo = historiesPerObject(await workflowHistories(run), options.objects);
    const policyCorrectedAt = await policyCorrection;
    await admin.setTimeScale(1);
    const requests = efsRequests(countersFrom, countersTo, options.objects);
    const hours = (realMs * options.cadenceScale) / 3_600_000;
    const delta = (a: number | null, b: number | null): number | null =>
      a === null || b === null ? null : round((b - a) / hours, 2);
    const correction = (what: string, changedAt: number, correctedAt: number | undefined): Correction => ({
      what,
      measuredSeconds: correctedAt === undefined ? null : round((correctedAt - changedAt) / 1000, 1),
      atDefaultCadenceSeconds:
        correctedAt === undefined ? null : round(((correctedAt - changedAt) / 1000) * options.cadenceScale, 0),
    });
    return {
      objects: options.objects,
      cadenceScale: options.cadenceScale,
      windowRealSeconds: round(realMs / 1000, 1) ?? 0,
      orchestratorEnv,
      syncedBefore,
      efs: requests,
      efsRequestsPerSecondMeasured: round(requests.total / (realMs / 1000), 2),
      efsRequestsPerSecondPerHour: round(requests.total / hours / 3600, 3),
      temporalActionsPerObjectHour: delta(historiesFrom.actions, historiesTo.actions),
      historyEventsPerObjectHour: delta(historiesFrom.events, historiesTo.events),
      corrections: [
        correction('a tag changed outside Kubernetes (listed by DescribeFileSystems)', tagChangedAt, tagCorrectedAt),
        correction('the backup policy disabled outside Kubernetes', policyChangedAt, policyCorrectedAt),
      ],
      resources,
      loadAverage: { start: loadStart, end: loadAverageNow() },
    };
  } finally {
    efs.destroy();
    await finishScenario(run);
  }
}

async function fileSystemOf(run: ScenarioRun, name: string): Promise<AdminFileSystem> {
  const uid = run.observer.timeline(name).uid ?? '';
  const found = (await run.ctx.admin.fileSystems()).find((fs) => fs.CreationToken === creationTokenFor(uid));
  if (!found) throw new Error(`no file system for ${name}`);
  return found;
}

/** When the file system first looked corrected, polled through the admin API (which spends no EFS budget). */
async function correctedAt(
  run: ScenarioRun,
  fileSystemId: string,
  corrected: (fs: AdminFileSystem) => boolean,
  until: number,
): Promise<number | undefined> {
  while (Date.now() < until) {
    const fs = (await run.ctx.admin.fileSystems()).find((f) => f.FileSystemId === fileSystemId);
    if (fs && corrected(fs)) return Date.now();
    await sleep(1_000);
  }
  return undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));
