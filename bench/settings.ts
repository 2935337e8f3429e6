import * as path from 'node:path';
import { ConfigError, parsers, type ConfigOf, type Setting } from '../src/shared/config';
import { watcherSettings } from '../src/cli/settings';
import { repoRoot } from '../src/shared/paths';
import { defaultProcessMode, type ProcessMode } from './environment';

export const scenarioNames = ['burst', 'wait', 'steady', 'workers', 'throttle'] as const;
/** What `npm run bench` runs when not told: the goals' scenarios (throttle, the fault-injection storm, only on request). */
export const defaultScenarios: ScenarioName[] = ['burst', 'wait', 'steady', 'workers'];
export type ScenarioName = (typeof scenarioNames)[number];

const setting = <T>(s: Setting<T>): Setting<T> => s;

function positiveInteger(raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`"${raw}" is not a whole number of at least 1`);
  return value;
}

function integerList(raw: string): number[] {
  const values = raw.split(',').map((part) => positiveInteger(part.trim()));
  if (values.length === 0) throw new ConfigError('give at least one size');
  return values;
}

function scenarioList(raw: string): ScenarioName[] {
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  for (const name of names) {
    if (!(scenarioNames as readonly string[]).includes(name)) {
      throw new ConfigError(`unknown scenario "${name}"; known: ${scenarioNames.join(', ')}`);
    }
  }
  if (names.length === 0) throw new ConfigError(`name at least one of ${scenarioNames.join(', ')}`);
  return names as ScenarioName[];
}

function processMode(raw: string): ProcessMode {
  if (raw !== 'single' && raw !== 'separate')
    throw new ConfigError(
      `"${raw}" is not a process mode: single (efs-orchestrator run) or separate (worker + watcher)`,
    );
  return raw;
}

/** `KEY=value,KEY2=value2` */
function environmentList(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(part);
    if (!match) throw new ConfigError(`"${part}" is not KEY=value (upper-case variable names)`);
    out[match[1] as string] = match[2] as string;
  }
  return out;
}

function probability(raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value >= 1) throw new ConfigError(`"${raw}" is not a rate in [0, 1)`);
  return value;
}

/**
 * What `npm run bench` measures and how big. The defaults are the sizes the goals are stated for
 * (hours on two cores); the flags (or variables) pick fewer, e.g.
 * `npm run bench -- --scenarios burst --burst-sizes 10,50`.
 */
export const benchSettings = {
  scenarios: setting<ScenarioName[]>({
    flag: 'scenarios',
    env: 'BENCH_SCENARIOS',
    default: [...defaultScenarios],
    description: `comma-separated scenarios to run (${scenarioNames.join(', ')})`,
    parse: scenarioList,
  }),
  processMode: setting<ProcessMode>({
    flag: 'process-mode',
    env: 'BENCH_PROCESS_MODE',
    default: defaultProcessMode(),
    description: 'single: one `efs-orchestrator run` process per replica; separate: worker and watcher processes',
    parse: processMode,
  }),
  orchestratorEnv: setting<Record<string, string>>({
    flag: 'orchestrator-env',
    env: 'BENCH_ORCHESTRATOR_ENV',
    default: {},
    description: 'extra environment of every orchestrator process, KEY=value,KEY2=value2',
    parse: environmentList,
  }),
  emulatorThrottle: setting({
    flag: 'emulator-throttle',
    env: 'BENCH_EMULATOR_THROTTLE',
    default: true,
    description: 'the emulator throttles by rate per account, Region and operation family, as AWS does',
    parse: parsers.boolean,
  }),
  emulatorThrottleRate: setting({
    flag: 'emulator-throttle-rate',
    env: 'BENCH_EMULATOR_THROTTLE_RATE',
    default: 10,
    description: 'requests a second each operation family allows (~10/s observed for DescribeFileSystems)',
    parse: parsers.positiveNumber,
  }),
  burstSizes: setting<number[]>({
    flag: 'burst-sizes',
    env: 'BENCH_BURST_SIZES',
    default: [10, 50, 200, 1000],
    description: 'burst: how many FileSystem objects are applied at once, one run per size',
    parse: integerList,
  }),
  createDelayMs: setting({
    flag: 'create-delay-ms',
    env: 'BENCH_CREATE_DELAY_MS',
    default: 20_000,
    description: 'burst, workers and throttle: how long each file system stays creating',
    parse: parsers.positiveNumber,
  }),
  waitSizes: setting<number[]>({
    flag: 'wait-sizes',
    env: 'BENCH_WAIT_SIZES',
    default: [1, 10, 100, 1000],
    description: 'wait: how many objects wait at once, one run per size and hold',
    parse: integerList,
  }),
  waitShortSeconds: setting({
    flag: 'wait-short-seconds',
    env: 'BENCH_WAIT_SHORT_SECONDS',
    default: 20,
    description: 'wait: the short hold in creating, real seconds',
    parse: positiveInteger,
  }),
  waitLongMinutes: setting({
    flag: 'wait-long-minutes',
    env: 'BENCH_WAIT_LONG_MINUTES',
    default: 30,
    description: 'wait: the long hold in creating, emulated minutes',
    parse: positiveInteger,
  }),
  waitLongRealSeconds: setting({
    flag: 'wait-long-real-seconds',
    env: 'BENCH_WAIT_LONG_REAL_SECONDS',
    default: 120,
    description: "wait: real seconds the long hold takes (the emulator's clock runs faster; 1800 for a real 30 min)",
    parse: positiveInteger,
  }),
  steadyObjects: setting({
    flag: 'steady-objects',
    env: 'BENCH_STEADY_OBJECTS',
    default: 1000,
    description: 'steady: synced objects measured over one emulated hour',
    parse: positiveInteger,
  }),
  steadyCadenceScale: setting({
    flag: 'steady-cadence-scale',
    env: 'BENCH_STEADY_CADENCE_SCALE',
    default: 5,
    description:
      "steady: the orchestrator's cadences and the observer's budget (see scaledCadences), and the emulator's clock, run this many times faster; the hour takes 3600 / scale s (5: the observer's scaled budget stays within the emulator's 10 req/s)",
    parse: parsers.positiveNumber,
  }),
  steadyResyncSeconds: setting({
    flag: 'steady-resync-seconds',
    env: 'BENCH_STEADY_RESYNC_SECONDS',
    default: watcherSettings.resyncIntervalSeconds.default,
    description:
      'steady: the drift interval at the default cadence (RESYNC_INTERVAL_SECONDS, the product default), scaled down by the cadence scale',
    parse: parsers.positiveNumber,
  }),
  workersObjects: setting({
    flag: 'workers-objects',
    env: 'BENCH_WORKERS_OBJECTS',
    default: 200,
    description: 'workers: burst size run on one worker and on several',
    parse: positiveInteger,
  }),
  workersCount: setting({
    flag: 'workers-count',
    env: 'BENCH_WORKERS_COUNT',
    default: 3,
    description: 'workers: how many worker replicas',
    parse: positiveInteger,
  }),
  throttleObjects: setting({
    flag: 'throttle-objects',
    env: 'BENCH_THROTTLE_OBJECTS',
    default: 50,
    description: 'throttle: burst size (compared with the burst of the same size in this run)',
    parse: positiveInteger,
  }),
  throttleRate: setting({
    flag: 'throttle-rate',
    env: 'BENCH_THROTTLE_RATE',
    default: 0.5,
    description: 'throttle: share of EFS requests answered with ThrottlingException',
    parse: probability,
  }),
  throttleCapSeconds: setting({
    flag: 'throttle-cap',
    env: 'BENCH_THROTTLE_CAP',
    default: 180,
    description: 'throttle: seconds to wait for convergence; objects not synced by then are reported as slower',
    parse: positiveInteger,
  }),
  convergeTimeoutSeconds: setting({
    flag: 'converge-timeout',
    env: 'BENCH_CONVERGE_TIMEOUT',
    default: 600,
    description: 'seconds to wait for every object to be synced (objects later count as slower)',
    parse: positiveInteger,
  }),
  resultsDir: setting({
    flag: 'results-dir',
    env: 'BENCH_RESULTS_DIR',
    default: path.join(repoRoot, 'bench', 'results'),
    description: 'where the JSON results and the README table are written',
    parse: (raw: string) => path.resolve(raw),
  }),
  write: setting({
    flag: 'write',
    env: 'BENCH_WRITE',
    default: true,
    description: 'write results and README (--write=false only prints the table)',
    parse: parsers.boolean,
  }),
};

export type BenchConfig = ConfigOf<typeof benchSettings>;
