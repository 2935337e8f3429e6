import { watcherSettings } from '../src/cli/settings';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type MachineFacts } from './proc';
import { type BurstMeasurement } from './scenarios/burst';
import { type SteadyMeasurement } from './scenarios/steady';
import { type ThrottleMeasurement } from './scenarios/throttle';
import { type WaitMeasurement } from './scenarios/wait';
import { type WorkersMeasurement } from './scenarios/workers';
import { scenarioNames, type ScenarioName } from './settings';

/** The shape of the records this code writes; older records in bench/results stay as history. */
export const recordFormat = 2;

/** One scenario's record in bench/results/<time>-<scenario>.json. */
export type ScenarioRecord =
  | RecordOf<'burst', { runs: BurstMeasurement[]; ratios: BurstRatios[] }>
  | RecordOf<'wait', { runs: WaitMeasurement[] }>
  | RecordOf<'steady', SteadyMeasurement>
  | RecordOf<'workers', WorkersMeasurement>
  | RecordOf<'throttle', ThrottleMeasurement>;

interface RecordOf<S extends ScenarioName, R> {
  format?: number;
  scenario: S;
  startedAt: string;
  durationSeconds: number;
  machine: MachineFacts;
  settings: Record<string, unknown>;
  results: R;
}

/** Each burst against the smallest one of the same run. */
export interface BurstRatios {
  objects: number;
  againstObjects: number;
  objectsRatio: number;
  wall: number | null;
  p50: number | null;
  efsRequestsPerObject: number | null;
  orchestratorCpuPerObject: number | null;
  orchestratorPeakRss: number | null;
}

export function burstRatios(runs: readonly BurstMeasurement[]): BurstRatios[] {
  const base = [...runs].sort((a, b) => a.objects - b.objects)[0];
  if (!base) return [];
  const r = (a: number | null, b: number | null): number | null =>
    a === null || b === null || b === 0 ? null : Math.round((a / b) * 100) / 100;
  return runs.map((m) => ({
    objects: m.objects,
    againstObjects: base.objects,
    objectsRatio: m.objects / base.objects,
    wall: r(m.wallSeconds, base.wallSeconds),
    p50: r(m.applyToSyncedSeconds.p50, base.applyToSyncedSeconds.p50),
    efsRequestsPerObject: r(m.efs.perObject, base.efs.perObject),
    orchestratorCpuPerObject: r(m.orchestratorCpuMillisecondsPerObject, base.orchestratorCpuMillisecondsPerObject),
    orchestratorPeakRss: r(m.resources.orchestratorPeakRssMiB, base.resources.orchestratorPeakRssMiB),
  }));
}

/** `2026-05-05T09-30-00Z`: an ISO time that is also a portable file name. */
export function fileTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}

/** Writes a file as the repository's Prettier settings format it, so `npm run lint` stays clean. */
export async function writeFormatted(file: string, text: string): Promise<void> {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(file)) ?? {};
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, await prettier.format(text, { ...options, filepath: file }));
}

export async function writeRecord(dir: string, record: ScenarioRecord): Promise<string> {
  const file = path.join(dir, `${fileTimestamp(new Date(record.startedAt))}-${record.scenario}.json`);
  await writeFormatted(file, JSON.stringify({ format: recordFormat, ...record }, null, 2));
  return file;
}

/** What one run of a sized scenario measured, for telling its sizes apart across records. */
function sizeKey(record: ScenarioRecord, run: BurstMeasurement | WaitMeasurement): string {
  return record.scenario === 'wait'
    ? `${run.objects}/${(run as WaitMeasurement).holdEmulatedSeconds}`
    : String(run.objects);
}

/**
 * The newest record of each scenario in `dir` written in this format (file names sort by time). Burst
 * and wait runs are one per size: an older record stays, holding only the sizes no newer record measured,
 * so a run of one size does not hide the others.
 */
export function latestRecords(dir: string): ScenarioRecord[] {
  if (!fs.existsSync(dir)) return [];
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .reverse();
  const kept: ScenarioRecord[] = [];
  const seenScenarios = new Set<string>();
  const seenSizes = new Set<string>();
  for (const file of files) {
    const record = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as ScenarioRecord;
    if (record.format !== recordFormat) continue;
    if (record.scenario === 'burst' || record.scenario === 'wait') {
      const runs = (record.results.runs as (BurstMeasurement | WaitMeasurement)[]).filter(
        (r) => !seenSizes.has(`${record.scenario}:${sizeKey(record, r)}`),
      );
      for (const r of runs) seenSizes.add(`${record.scenario}:${sizeKey(record, r)}`);
      if (runs.length === 0) continue;
      kept.push({ ...record, results: { ...record.results, runs } } as ScenarioRecord);
    } else if (!seenScenarios.has(record.scenario)) {
      seenScenarios.add(record.scenario);
      kept.push(record);
    }
  }
  return kept.reverse();
}

const n = (value: number | null | undefined, digits = 1): string =>
  value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
const x = (value: number | null | undefined): string =>
  value === null || value === undefined ? '–' : `×${n(value, 2)}`;

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

function machineLine(record: ScenarioRecord): string {
  const m = record.machine;
  const s = record.settings;
  const mode = s.processMode === 'single' ? 'one `efs-orchestrator run` process' : 'separate worker and watcher';
  const throttle = s.emulatorThrottle === false ? 'off' : `${String(s.emulatorThrottleRate ?? 10)} req/s per family`;
  return (
    `_${record.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${Math.round(record.durationSeconds)} s; ${m.nproc} cores ` +
    `(${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, commit ${m.gitCommit.slice(0, 10)}` +
    `${m.gitDirty ? ' (with uncommitted changes)' : ''}; 1-min load average ${n(m.loadAverage.start, 2)} → ` +
    `${n(m.loadAverage.end, 2)}; orchestrator: ${mode}; emulator throttle: ${throttle}._`
  );
}

/** A capped time: "> cap" where the objects had not got there when the run stopped waiting. */
function capped(value: number | null, m: { complete: boolean; capSeconds: number }): string {
  return value === null && !m.complete ? `> ${m.capSeconds}` : n(value);
}

function percentiles(d: { p50: number | null; p95: number | null; p99: number | null }, m: BurstMeasurement): string {
  return `${capped(d.p50, m)} / ${capped(d.p95, m)} / ${capped(d.p99, m)}`;
}

function describeOperations(perObject: Record<string, number | null>): string {
  return Object.entries(perObject)
    .map(([op, count]) => `${op} ${n(count, 2)}`)
    .join(', ');
}

function describeCpu(cpu: Record<string, number | null>): string {
  return Object.entries(cpu)
    .map(([name, seconds]) => `${name} ${n(seconds)}`)
    .join(', ');
}

function describeRss(m: { resources: BurstMeasurement['resources'] }): string {
  const r = m.resources;
  return Object.entries(r.peakRssUnderLoadMiB)
    .map(([name, mib]) => `${name} ${n(mib, 0)}`)
    .join(', ');
}

function burstRow(m: BurstMeasurement, r?: BurstRatios): string[] {
  return [
    m.workers === 1 ? String(m.objects) : `${m.objects} (${m.workers} workers)`,
    m.complete ? `${n(m.wallSeconds)} (${x(r?.wall)})` : `> ${m.capSeconds} (${m.syncedObjects} synced)`,
    percentiles(m.availableToSyncedSeconds, m),
    `${n(m.applyToCreateFileSystemSeconds.p50, 2)} / ${n(m.applyToCreateFileSystemSeconds.p95, 2)}`,
    `${n(m.efs.perObject)} (${n(m.efs.perObjectByOperation.DescribeFileSystems)})`,
    n(m.efs.throttled, 0),
    n(m.peakEfsRequestsPerSecond, 0),
    `${n(m.temporal.historyEventsPerObject, 0)} / ${n(m.temporal.actionsPerObject, 0)}`,
    n(m.resources.orchestratorPeakRssMiB, 0),
    `${n(m.resources.orchestratorCpuSeconds)} / ${n(m.resources.cpuSecondsByProcess.temporal)}`,
  ];
}

const burstHeader = [
  'N',
  'all synced, s (× smallest N)',
  'available → synced p50 / p95 / p99, s',
  'apply → CreateFileSystem p50 / p95, s',
  'EFS requests / object (DescribeFileSystems)',
  'throttled',
  'peak EFS req/s (2 s)',
  'history events / Temporal actions per object',
  'orchestrator peak RSS, MiB',
  'CPU s orchestrator / Temporal server',
];

function burstNotes(m: BurstMeasurement): string[] {
  const label = m.workers === 1 ? `N=${m.objects}` : `N=${m.objects} on ${m.workers} workers`;
  return [
    `- ${label}: EFS requests per object: ${describeOperations(m.efs.perObjectByOperation)}; apply → synced p50 ${n(m.applyToSyncedSeconds.p50)} s; peak RSS under load (MiB): ${describeRss(m)}; CPU seconds from apply to all synced: ${describeCpu(m.resources.cpuSecondsByProcess)}${m.temporal.otherWorkflows > 0 ? `; ${m.temporal.otherWorkflows} workflow(s) besides the objects' counted in the per-object figures` : ''}.`,
  ];
}

export function renderBurst(record: Extract<ScenarioRecord, { scenario: 'burst' }>): string {
  const { runs, ratios } = record.results;
  return [
    `## Burst: N objects applied at once, each file system creating for ${n(runs[0]?.createDelaySeconds, 0)} s`,
    '',
    machineLine(record),
    '',
    table(
      burstHeader,
      runs.map((m) =>
        burstRow(
          m,
          ratios.find((q) => q.objects === m.objects),
        ),
      ),
    ),
    '',
    ...runs.flatMap(burstNotes),
  ].join('\n');
}

export function renderWait(record: Extract<ScenarioRecord, { scenario: 'wait' }>): string {
  const { runs } = record.results;
  const hold = (w: WaitMeasurement): string =>
    w.timeScale === 1
      ? `${n(w.holdRealSeconds, 0)} s`
      : `${n(w.holdEmulatedSeconds / 60, 0)} emulated min (${n(w.holdRealSeconds, 0)} s real, clock ×${n(w.timeScale, 0)})`;
  return [
    '## Waiting lag: N objects held in creating, then available',
    '',
    machineLine(record),
    '',
    table(
      [
        'N',
        'hold',
        'synced',
        'available → synced p50 / p95 / p99 / max, s',
        'EFS requests / object (per object-minute)',
        'peak EFS req/s',
        'throttled',
        'Temporal actions / object',
        'orchestrator peak RSS, MiB',
      ],
      runs.map((w) => [
        String(w.objects),
        hold(w),
        `${w.syncedObjects} / ${w.objects}`,
        `${n(w.availableToSyncedSeconds.p50)} / ${n(w.availableToSyncedSeconds.p95)} / ${n(w.availableToSyncedSeconds.p99)} / ${n(w.availableToSyncedSeconds.max)}`,
        `${n(w.efs.perObject)} (${n(w.efsRequestsPerObjectMinute, 2)})`,
        n(w.peakEfsRequestsPerSecond, 0),
        n(w.efs.throttled, 0),
        n(w.temporal.actionsPerObject, 0),
        n(w.resources.orchestratorPeakRssMiB, 0),
      ]),
    ),
    '',
    "- The orchestrator's timers run in real time: an emulated hold moves the emulator's clock only, so a wait whose cadence depends on how long it has lasted is measured at its real length.",
  ].join('\n');
}

export function renderSteady(record: Extract<ScenarioRecord, { scenario: 'steady' }>): string {
  const s = record.results;
  const env = Object.entries(s.orchestratorEnv)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return [
    `## Steady state: ${s.objects} synced objects over one emulated hour`,
    '',
    machineLine(record),
    '',
    `Temporal timers cannot be emulated: the orchestrator's cadences ran ×${n(s.cadenceScale, 0)} faster (${env}) and the emulator's clock too, so the hour took ${n(s.windowRealSeconds, 0)} s. "Per hour" figures count what that scaled hour did; the measured rate is per real second with the scaled cadences.`,
    '',
    table(
      ['', 'figure'],
      [
        ['EFS requests per second, per hour at the default cadences', n(s.efsRequestsPerSecondPerHour, 3)],
        ['EFS requests per second measured (scaled cadences)', n(s.efsRequestsPerSecondMeasured, 2)],
        ['EFS requests per object-hour', n(s.efs.perObject, 2)],
        ['throttled', n(s.efs.throttled, 0)],
        ['Temporal actions per object-hour', n(s.temporalActionsPerObjectHour, 2)],
        ['history events per object-hour', n(s.historyEventsPerObjectHour, 2)],
        ...s.corrections.map((c) => [
          `corrected: ${c.what}, s measured (× scale: at the default cadence)`,
          `${n(c.measuredSeconds)} (${n(c.atDefaultCadenceSeconds, 0)})`,
        ]),
        ['orchestrator peak RSS, MiB', n(s.resources.orchestratorPeakRssMiB, 0)],
        [
          'CPU s (orchestrator / Temporal server) in the hour',
          `${n(s.resources.orchestratorCpuSeconds)} / ${n(s.resources.cpuSecondsByProcess.temporal)}`,
        ],
      ],
    ),
    '',
    `- EFS requests per object in the hour: ${describeOperations(s.efs.perObjectByOperation)}.`,
    ...driftPassNote(s),
  ].join('\n');
}

/** Whether the objects' own drift pass fell inside the scaled hour (at its daily default it does not). */
function driftPassNote(s: SteadyMeasurement): string[] {
  const env = watcherSettings.resyncIntervalSeconds.env as string;
  const scaled = Number(s.orchestratorEnv[env]);
  if (!(scaled > s.windowRealSeconds)) return [];
  return [
    `- The objects' own drift pass (${env}=${n(scaled, 0)} s scaled, ${n((scaled * s.cadenceScale) / 3600, 0)} h at the default) did not fall in the hour: it adds its few actions and read-backs per object once per interval, not counted above.`,
  ];
}

export function renderWorkers(record: Extract<ScenarioRecord, { scenario: 'workers' }>): string {
  const w = record.results;
  const verdict = (v: boolean | null): string => (v === null ? 'unknown' : v ? 'yes' : 'no');
  return [
    `## ${w.many.objects} objects on one worker and on ${w.many.workers}`,
    '',
    machineLine(record),
    '',
    table(burstHeader, [burstRow(w.one), burstRow(w.many)]),
    '',
    `- ${w.many.workers} workers / one: all synced ${x(w.ratios.wall)}, apply → synced p50 ${x(w.ratios.p50)}, peak EFS req/s ${x(w.ratios.peakEfsRequestsPerSecond)}, throttled ${x(w.ratios.throttled)}.`,
    `- Account budget held (peak EFS req/s with ${w.many.workers} workers within ×1.25 of one worker's): ${verdict(w.budgetHeld)}; throughput not worse (all synced within ×1.10): ${verdict(w.throughputNotWorse)}.`,
    ...burstNotes(w.one),
    ...burstNotes(w.many),
  ].join('\n');
}

export function renderThrottle(record: Extract<ScenarioRecord, { scenario: 'throttle' }>): string {
  const { baseline: b, throttled: t, ratios: r } = record.results;
  const share = (m: BurstMeasurement): string => {
    const s = m.timeToSyncedShareSeconds;
    return `${capped(s.half, m)} / ${capped(s.ninety, m)} / ${capped(s.all, m)}`;
  };
  const row = (label: string, m: BurstMeasurement): string[] => [
    label,
    `${m.syncedObjects} / ${m.objects}`,
    share(m),
    n(m.efs.perObject),
    n(m.efs.throttledPerObject),
    n(m.temporal.objectHistoryEvents.p50, 0),
    n(m.objectWritesUntilSynced.p50, 0),
    String(m.objectsShowingRecoverable),
    n(m.resources.orchestratorCpuSeconds),
  ];
  return [
    `## Throttling storm: ${t.objects} objects, ${Math.round(t.throttleRate * 100)} % of EFS requests throttled (besides the rate throttle)`,
    '',
    machineLine(record),
    '',
    table(
      [
        '',
        `synced within ${t.capSeconds} s`,
        'half / 90 % / all synced, s',
        'EFS requests / object',
        'throttled / object',
        'history events p50',
        'object writes p50',
        'objects that showed Recoverable',
        'orchestrator CPU s',
      ],
      [
        row('no faults', b),
        row(`${Math.round(t.throttleRate * 100)} % throttled`, t),
        [
          'throttled / no faults',
          '',
          `${x(r.halfSynced)} / ${x(r.ninetySynced)} / ${x(r.wall)}`,
          x(r.efsRequestsPerObject),
          '',
          x(r.historyEventsP50),
          x(r.objectWritesP50),
          '',
          x(r.orchestratorCpu),
        ],
      ],
    ),
    '',
    `- Throttled run, EFS requests per object: ${describeOperations(t.efs.perObjectByOperation)}.`,
  ].join('\n');
}

export function renderRecord(record: ScenarioRecord): string {
  switch (record.scenario) {
    case 'burst':
      return renderBurst(record);
    case 'wait':
      return renderWait(record);
    case 'steady':
      return renderSteady(record);
    case 'workers':
      return renderWorkers(record);
    case 'throttle':
      return renderThrottle(record);
  }
}

/** One goal of issue 10 and where the newest records put it. */
export interface GoalVerdict {
  goal: string;
  met: boolean | null;
  figure: string;
}

const rssGoalMiB: Record<number, number> = { 50: 200, 1000: 400 };

/** The goals the benchmarks report against, judged from the newest records (null: not measured). */
export function goalVerdicts(records: readonly ScenarioRecord[]): GoalVerdict[] {
  const out: GoalVerdict[] = [];
  const all = <S extends ScenarioRecord['scenario']>(scenario: S) =>
    records.filter((r): r is Extract<ScenarioRecord, { scenario: S }> => r.scenario === scenario);
  const bursts = all('burst')
    .flatMap((r) => r.results.runs)
    .sort((a, b) => a.objects - b.objects);
  for (const m of bursts) {
    out.push({
      goal: `burst of ${m.objects}: all objects synced (no collapse)`,
      met: m.complete,
      figure: m.complete
        ? `${m.objects}/${m.objects} in ${n(m.wallSeconds)} s`
        : `${m.syncedObjects}/${m.objects} within ${m.capSeconds} s`,
    });
    out.push({
      goal: `burst of ${m.objects}: ≤ 3 EFS requests per created object`,
      met: m.efs.perObject === null ? null : m.efs.perObject <= 3,
      figure: `${n(m.efs.perObject)} per object`,
    });
    if (m.objects === 10) {
      const p50 = m.applyToCreateFileSystemSeconds.p50;
      out.push({
        goal: 'apply → CreateFileSystem ≤ 0.5 s p50 at 10 objects',
        met: p50 === null ? null : p50 <= 0.5,
        figure: `${n(p50, 2)} s`,
      });
    }
    const rssGoal = rssGoalMiB[m.objects];
    if (rssGoal !== undefined) {
      const rss = m.resources.orchestratorPeakRssMiB;
      out.push({
        goal: `peak RSS at ${m.objects} objects ≤ ${rssGoal} MiB`,
        met: rss === null ? null : rss <= rssGoal,
        figure: `${n(rss, 0)} MiB (${m.resources.orchestratorProcesses.join(' + ')})`,
      });
    }
  }
  for (const w of all('wait').flatMap((r) => r.results.runs)) {
    const bound = w.objects <= 100 ? 2 : 10;
    const p99 = w.availableToSyncedSeconds.p99;
    const hold =
      w.timeScale === 1 ? `${n(w.holdRealSeconds, 0)} s` : `${n(w.holdEmulatedSeconds / 60, 0)} emulated min`;
    out.push({
      goal: `waiting lag p99 ≤ ${bound} s with ${w.objects} waiting for ${hold}`,
      met: p99 === null || !w.complete ? false : p99 <= bound,
      figure: `p99 ${n(p99)} s${w.complete ? '' : ` (${w.syncedObjects}/${w.objects} synced)`}`,
    });
  }
  const steady = records.find((r) => r.scenario === 'steady') as
    Extract<ScenarioRecord, { scenario: 'steady' }> | undefined;
  if (steady) {
    const s = steady.results;
    // The goals are stated for 1,000 objects: fewer are judged only once scaled up (linearly, an estimate).
    const toGoal = 1000 / s.objects;
    const judged = s.objects >= 1000;
    const rate = s.efsRequestsPerSecondPerHour;
    out.push({
      goal: 'steady state, 1,000 objects: ≤ 1 EFS req/s in total',
      met: !judged || rate === null ? null : rate <= 1,
      figure: judged
        ? `${n(rate, 3)} req/s over the hour`
        : `${n(rate, 3)} req/s with ${s.objects} objects (×${n(toGoal, 0)}: ~${n(rate === null ? null : rate * toGoal, 1)} at 1,000, not measured)`,
    });
    out.push({
      goal: 'steady state: ≤ 1 Temporal action per object-hour',
      met: s.temporalActionsPerObjectHour === null ? null : s.temporalActionsPerObjectHour <= 1,
      figure: `${n(s.temporalActionsPerObjectHour, 2)} with ${s.objects} objects`,
    });
    const listed = s.corrections[0];
    out.push({
      goal: 'a listed setting changed out of band corrected within 1 minute (at the default cadence)',
      met: listed?.atDefaultCadenceSeconds == null ? false : listed.atDefaultCadenceSeconds <= 60,
      figure: `${n(listed?.measuredSeconds)} s measured with cadences ×${n(s.cadenceScale, 0)}, ${n(listed?.atDefaultCadenceSeconds, 0)} s at the default cadence`,
    });
    const policy = s.corrections[1];
    out.push({
      goal: 'a policy changed out of band corrected (figure only)',
      met: policy?.measuredSeconds == null ? false : null,
      figure: `${n(policy?.measuredSeconds)} s measured, ${n(policy?.atDefaultCadenceSeconds, 0)} s at the default cadence`,
    });
  }
  const workers = records.find((r) => r.scenario === 'workers') as
    Extract<ScenarioRecord, { scenario: 'workers' }> | undefined;
  if (workers) {
    const w = workers.results;
    out.push({
      goal: `${w.many.objects} objects on ${w.many.workers} workers: account budget held`,
      met: w.budgetHeld,
      figure: `peak ${n(w.many.peakEfsRequestsPerSecond, 0)} req/s against ${n(w.one.peakEfsRequestsPerSecond, 0)} on one worker`,
    });
    out.push({
      goal: `${w.many.objects} objects on ${w.many.workers} workers: throughput not worse than one worker`,
      met: w.throughputNotWorse,
      figure: `all synced ${w.many.complete ? `${n(w.many.wallSeconds)} s` : `> ${w.many.capSeconds} s (${w.many.syncedObjects} synced)`} against ${w.one.complete ? `${n(w.one.wallSeconds)} s` : `> ${w.one.capSeconds} s (${w.one.syncedObjects} synced)`}`,
    });
  }
  return out;
}

export function renderGoals(records: readonly ScenarioRecord[]): string {
  const verdicts = goalVerdicts(records);
  if (verdicts.length === 0) return '';
  const mark = (met: boolean | null): string => (met === null ? '–' : met ? 'met' : '**not met**');
  return [
    '## Goals',
    '',
    table(
      ['goal', 'where it stands', 'figure'],
      verdicts.map((v) => [v.goal, mark(v.met), v.figure]),
    ),
  ].join('\n');
}

/** Command lines of each scenario at the sizes the goals are stated for. */
export const scenarioCommands: Record<ScenarioName, string> = {
  burst: 'npm run bench -- --scenarios burst --burst-sizes 10,50,200,1000',
  wait: 'npm run bench -- --scenarios wait --wait-sizes 1,10,100,1000',
  steady: 'npm run bench -- --scenarios steady --steady-objects 1000',
  workers: 'npm run bench -- --scenarios workers --workers-objects 200 --workers-count 3',
  throttle: 'npm run bench -- --scenarios throttle --throttle-objects 50',
};

/** bench/results/README.md: the goals and the newest table of each scenario, regenerated after every run. */
export function renderResultsReadme(records: readonly ScenarioRecord[]): string {
  const order: readonly ScenarioName[] = scenarioNames;
  const sorted = [...records].sort((a, b) => order.indexOf(a.scenario) - order.indexOf(b.scenario));
  return [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (see bench/run.ts; `npm run bench -- --help` lists the knobs). Each scenario runs',
    'the orchestrator (one `efs-orchestrator run` process per replica, or with `--process-mode separate` a worker',
    'and a watcher) on the local stack, on its own task queue and namespace, against an EFS emulator of its own',
    'that throttles by rate as AWS does (10 requests a second per operation family, account and Region). The',
    'machines are shared and noisy: compare the ratios within one run, not absolute seconds across runs. The JSON',
    'files beside this one hold every figure with the machine it was measured on (older ones, of an earlier format,',
    'stay as history). Run one scenario at a time, in the background with a log, e.g.',
    '`nohup npm run bench -- --scenarios burst > /tmp/bench.log 2>&1 &`:',
    '',
    '```sh',
    ...scenarioNames.map((name) => scenarioCommands[name]),
    '```',
    '',
    renderGoals(sorted),
    '',
    ...sorted.flatMap((record) => [renderRecord(record), '']),
  ].join('\n');
}
