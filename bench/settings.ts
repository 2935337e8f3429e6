import * as path from 'node:path';
import { ConfigError, parsers, type ConfigOf, type Setting } from '../src/shared/config';
import { repoRoot } from '../src/shared/paths';

export const scenarioNames = ['burst', 'budget', 'throttle'] as const;
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

function probability(raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value >= 1) throw new ConfigError(`"${raw}" is not a rate in [0, 1)`);
  return value;
}

/**
 * What `npm run bench` measures and how big. The defaults fit the whole run in about ten minutes
 * on two cores; the flags (or variables) scale it up, e.g. `npm run bench -- --burst-sizes 10,100,200`.
 */
export const benchSettings = {
  scenarios: setting<ScenarioName[]>({
    flag: 'scenarios',
    env: 'BENCH_SCENARIOS',
    default: [...scenarioNames],
    description: `comma-separated scenarios to run (${scenarioNames.join(', ')})`,
    parse: scenarioList,
  }),
  burstSizes: setting<number[]>({
    flag: 'burst-sizes',
    env: 'BENCH_BURST_SIZES',
    default: [10, 50, 100],
    description: 'burst: how many FileSystem objects are applied at once, one run per size',
    parse: integerList,
  }),
  createDelayMs: setting({
    flag: 'create-delay-ms',
    env: 'BENCH_CREATE_DELAY_MS',
    default: 5_000,
    description: 'burst and throttle: how long each file system stays creating',
    parse: parsers.positiveNumber,
  }),
  holdObjects: setting({
    flag: 'hold-objects',
    env: 'BENCH_HOLD_OBJECTS',
    default: 20,
    description: 'budget: how many objects wait at once',
    parse: positiveInteger,
  }),
  holdSeconds: setting({
    flag: 'hold-seconds',
    env: 'BENCH_HOLD_SECONDS',
    default: 120,
    description: 'budget: how long their file systems stay creating (past 180 s the poll schedule widens)',
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
    default: 300,
    description: 'burst and budget: seconds to wait for every object to be synced (objects later count as slower)',
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
