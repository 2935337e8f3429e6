import * as fs from 'node:fs';
import * as path from 'node:path';
import { type MachineFacts } from './proc';
import { type BudgetMeasurement } from './scenarios/budget';
import { type BurstMeasurement } from './scenarios/burst';
import { type ThrottleMeasurement } from './scenarios/throttle';
import { type ScenarioName } from './settings';

/** One scenario's record in bench/results/<time>-<scenario>.json. */
export type ScenarioRecord =
  | RecordOf<'burst', { runs: BurstMeasurement[]; ratios: BurstRatios[] }>
  | RecordOf<'budget', BudgetMeasurement>
  | RecordOf<'throttle', ThrottleMeasurement>;

interface RecordOf<S extends ScenarioName, R> {
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
  p95: number | null;
  efsRequestsPerObject: number | null;
  workerCpuPerObject: number | null;
  workerPeakRss: number | null;
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
    p95: r(m.applyToSyncedSeconds.p95, base.applyToSyncedSeconds.p95),
    efsRequestsPerObject: r(m.efsRequestsPerObjectTotal, base.efsRequestsPerObjectTotal),
    workerCpuPerObject: r(m.worker.cpuMillisecondsPerObject, base.worker.cpuMillisecondsPerObject),
    workerPeakRss: r(m.worker.peakRssUnderLoadMiB, base.worker.peakRssUnderLoadMiB),
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
  await writeFormatted(file, JSON.stringify(record, null, 2));
  return file;
}

/** The newest record of each scenario in `dir` (file names sort by time). */
export function latestRecords(dir: string): ScenarioRecord[] {
  if (!fs.existsSync(dir)) return [];
  const latest = new Map<string, string>();
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const scenario = /-([a-z]+)\.json$/.exec(file)?.[1];
    if (scenario) latest.set(scenario, file);
  }
  return [...latest.values()].map(
    (file) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as ScenarioRecord,
  );
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
  return (
    `_${record.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${Math.round(record.durationSeconds)} s; ${m.nproc} cores ` +
    `(${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, commit ${m.gitCommit.slice(0, 10)}` +
    `${m.gitDirty ? ' (with uncommitted changes)' : ''}; 1-min load average ${n(m.loadAverage.start, 2)} → ` +
    `${n(m.loadAverage.end, 2)}._`
  );
}

/** A capped time: "> cap" where the objects had not got there when the run stopped waiting. */
function capped(value: number | null, m: BurstMeasurement): string {
  return value === null && !m.complete ? `> ${m.capSeconds}` : n(value);
}

function latencies(m: BurstMeasurement): string {
  const d = m.applyToSyncedSeconds;
  return `${capped(d.p50, m)} / ${capped(d.p95, m)} / ${capped(d.max, m)}`;
}

/** Where the CPU went, against what the machine had in that time. */
function describeCpu(m: BurstMeasurement, cores: number): string {
  const used = Object.entries(m.cpuSecondsByProcess ?? {})
    .map(([name, seconds]) => `${name} ${n(seconds)}`)
    .join(', ');
  const wall = m.wallSeconds ?? m.capSeconds;
  return `CPU seconds from apply to all synced: ${used} (the machine had ${n(cores * wall, 0)})`;
}

function describeOperations(perObject: Record<string, number | null>): string {
  return Object.entries(perObject)
    .map(([op, count]) => `${op} ${n(count, 1)}`)
    .join(', ');
}

export function renderBurst(record: Extract<ScenarioRecord, { scenario: 'burst' }>): string {
  const { runs, ratios } = record.results;
  const first = runs[0];
  const rows = runs.map((m) => {
    const r = ratios.find((q) => q.objects === m.objects);
    return [
      String(m.objects),
      m.complete ? `${n(m.wallSeconds)} (${x(r?.wall)})` : `> ${m.capSeconds} (${m.syncedObjects} synced)`,
      latencies(m),
      n(m.overheadSeconds.p50),
      n(m.applyToCreatingShownSeconds.p50),
      `${n(m.efsRequestsPerObjectTotal)} (${n(m.efsRequestsPerObject.DescribeFileSystems)})`,
      n(m.peakEfsRequestsPerSecond, 0),
      `${n(m.historyEvents.p50, 0)} / ${n(m.historyEvents.max, 0)} (${n(m.activitiesPerWorkflow.p50, 0)})`,
      n(m.objectWritesUntilSynced.p50, 0),
      `${n(m.worker.rssAtStartMiB, 0)} → ${n(m.worker.peakRssUnderLoadMiB, 0)} (${n(m.worker.peakRssMiB, 0)})`,
      `${n(m.worker.cpuMillisecondsPerObject, 0)} (${x(r?.workerCpuPerObject)})`,
    ];
  });
  return [
    `## Burst: N objects applied at once, each file system creating for ${n(first?.createDelaySeconds, 0)} s`,
    '',
    machineLine(record),
    '',
    table(
      [
        'N',
        'all synced, s (× smallest N)',
        'apply → synced p50 / p95 / max, s',
        'overhead p50, s',
        'apply → "creating" shown p50, s',
        'EFS requests / object (DescribeFileSystems)',
        'peak EFS req/s (2 s)',
        'history events p50 / max (activities p50)',
        'object writes p50',
        'worker RSS ready → peak under load (VmHWM), MiB',
        'worker CPU ms / object (× smallest N)',
      ],
      rows,
    ),
    '',
    ...runs.map((m) => `- N=${m.objects}, EFS requests per object: ${describeOperations(m.efsRequestsPerObject)}.`),
    ...runs.map((m) => `- N=${m.objects}, ${describeCpu(m, record.machine.nproc)}.`),
  ].join('\n');
}

export function renderBudget(record: Extract<ScenarioRecord, { scenario: 'budget' }>): string {
  const b = record.results;
  const longer = b.scheduleForLongerHolds
    .map((h) => `${h.holdMinutes} min: ${n(h.perObjectMinute)} (×${n(h.ratioToAck)} ACK)`)
    .join('; ');
  return [
    `## API budget while waiting: ${b.objects} objects held in creating for ${b.holdSeconds} s`,
    '',
    machineLine(record),
    '',
    table(
      ['DescribeFileSystems per object-minute', 'measured', 'ratio to measured'],
      [
        [
          `measured (window ${n(b.window.fromSeconds, 0)}–${n(b.window.toSeconds, 0)} s of each wait)`,
          n(b.describeFileSystemsPerObjectMinute),
          '×1.00',
        ],
        [
          'predicted by the poll schedule (pollDelayMs), same window',
          n(b.schedulePredictedPerObjectMinute),
          ratioOf(b.schedulePredictedPerObjectMinute, b.describeFileSystemsPerObjectMinute),
        ],
        [
          'fixed 1 s poll',
          n(b.fixedOneSecondPerObjectMinute),
          ratioOf(b.fixedOneSecondPerObjectMinute, b.describeFileSystemsPerObjectMinute),
        ],
        [
          'ACK, 30 s requeue (DescribeFileSystems only)',
          n(b.ackDescribeFileSystemsPerObjectMinute),
          ratioOf(b.ackDescribeFileSystemsPerObjectMinute, b.describeFileSystemsPerObjectMinute),
        ],
        [
          'ACK, 30 s requeue (all 5 describes of a read)',
          n(b.ackAllDescribesPerObjectMinute),
          ratioOf(b.ackAllDescribesPerObjectMinute, b.describeFileSystemsPerObjectMinute),
        ],
      ],
    ),
    '',
    `- All EFS requests in the window: ${n(b.allEfsRequestsPerObjectMinute)} per object-minute; peak ${n(b.peakDescribeFileSystemsPerSecond)} DescribeFileSystems/s over 2 s (when the waits begin together).`,
    `- At this rate ${n(b.objectsAtAccountDescribeLimit, 0)} objects waiting at once reach the ~10 DescribeFileSystems/s an account gets (efs-api.md §5).`,
    `- File system available → object synced: p50 ${n(b.availableToSyncedSeconds.p50)} s, max ${n(b.availableToSyncedSeconds.max)} s; DescribeFileSystems per object over the whole wait: ${n(b.describeFileSystemsPerObjectWholeWait)}; object writes until synced p50 ${n(b.objectWritesUntilSynced.p50, 0)}.`,
    `- Worker CPU while waiting: ${n(b.worker.cpuMillisecondsPerObjectMinute)} ms per object-minute; worker RSS peak while waiting ${n(b.worker.peakRssUnderLoadMiB, 0)} MiB (VmHWM ${n(b.worker.peakRssMiB, 0)} MiB).`,
    `- Computed from the schedule alone (not measured), average per object-minute for longer holds: ${longer}.`,
  ].join('\n');
}

function ratioOf(a: number | null, b: number | null): string {
  return a === null || b === null || b === 0 ? '–' : `×${(a / b).toFixed(2)}`;
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
    latencies(m),
    n(m.efsRequestsPerObjectTotal),
    n(m.throttledPerObject),
    n(m.historyEvents.p50, 0),
    n(m.objectWritesUntilSynced.p50, 0),
    String(m.objectsShowingRecoverable),
    n(m.worker.cpuSeconds),
  ];
  return [
    `## Throttling storm: ${t.objects} objects, ${Math.round(t.throttleRate * 100)} % of EFS requests throttled`,
    '',
    machineLine(record),
    '',
    table(
      [
        '',
        `synced within ${t.capSeconds} s`,
        'half / 90 % / all synced, s',
        'apply → synced p50 / p95 / max, s',
        'EFS requests / object',
        'throttled / object',
        'history events p50',
        'object writes p50',
        'objects that showed Recoverable',
        'worker CPU s',
      ],
      [
        row('no faults', b),
        row(`${Math.round(t.throttleRate * 100)} % throttled`, t),
        [
          'throttled / no faults',
          '',
          `${x(r.halfSynced)} / ${x(r.ninetySynced)} / ${x(r.wall)}`,
          `${x(r.p50)} / ${x(r.p95)} / ${x(r.max)}`,
          x(r.efsRequestsPerObject),
          '',
          x(r.historyEventsP50),
          x(r.objectWritesP50),
          '',
          x(r.workerCpu),
        ],
      ],
    ),
    '',
    `- Throttled run, EFS requests per object: ${describeOperations(t.efsRequestsPerObject)}.`,
  ].join('\n');
}

export function renderRecord(record: ScenarioRecord): string {
  switch (record.scenario) {
    case 'burst':
      return renderBurst(record);
    case 'budget':
      return renderBudget(record);
    case 'throttle':
      return renderThrottle(record);
  }
}

/** bench/results/README.md: the newest table of each scenario, regenerated after every run. */
export function renderResultsReadme(records: readonly ScenarioRecord[]): string {
  const order: ScenarioName[] = ['burst', 'budget', 'throttle'];
  const sorted = [...records].sort((a, b) => order.indexOf(a.scenario) - order.indexOf(b.scenario));
  return [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (see bench/run.ts; `npm run bench -- --help` lists the knobs). Each scenario runs',
    'the orchestrator as separate worker and watcher processes on the local stack, against an EFS emulator of its',
    'own. The machines are shared and noisy: compare the ratios within one run, not absolute seconds across runs.',
    'The JSON files beside this one hold every figure with the machine it was measured on.',
    '',
    ...sorted.flatMap((record) => [renderRecord(record), '']),
  ].join('\n');
}
