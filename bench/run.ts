import * as path from 'node:path';
import { ConfigError, describeSettings, loadConfig, parseArgs } from '../src/shared/config';
import { createLogger } from '../src/shared/log';
import { repoRoot } from '../src/shared/paths';
import { prepareEnvironment, type BenchEnvironment } from './environment';
import { loadAverageNow, machineFacts } from './proc';
import {
  burstRatios,
  latestRecords,
  renderRecord,
  renderResultsReadme,
  writeFormatted,
  writeRecord,
  type ScenarioRecord,
} from './report';
import { runBudget } from './scenarios/budget';
import { runBurst, type BurstMeasurement } from './scenarios/burst';
import { runThrottle } from './scenarios/throttle';
import { benchSettings, type BenchConfig, type ScenarioName } from './settings';

/**
 * `npm run bench`: measures the orchestrator under a burst of objects, while objects wait in
 * `creating`, and under throttling, on the local stack; prints a table per scenario, writes
 * bench/results/<time>-<scenario>.json and regenerates bench/results/README.md.
 */
const log = createLogger('bench');

async function main(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv);
  if (flags.has('help')) {
    process.stdout.write(`npm run bench -- [--flag value ...]\n\n${describeSettings(benchSettings)}\n`);
    return 0;
  }
  let config: BenchConfig;
  try {
    config = loadConfig(benchSettings, flags);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`bench: ${err.message}\n`);
    return 2;
  }
  const env = await prepareEnvironment(log);
  const bursts: BurstMeasurement[] = [];
  let failed = false;
  try {
    for (const scenario of config.scenarios) {
      try {
        const record = await runScenario(scenario, config, env, bursts);
        process.stdout.write(`\n${renderRecord(record)}\n`);
        if (config.write) {
          const file = await writeRecord(config.resultsDir, record);
          log.info('results written', { scenario, file: path.relative(repoRoot, file) });
        }
      } catch (err) {
        failed = true;
        log.error('scenario failed', { scenario, error: err, stack: (err as Error).stack });
      }
    }
  } finally {
    await env.close();
  }
  if (config.write) {
    const readme = path.join(config.resultsDir, 'README.md');
    await writeFormatted(readme, renderResultsReadme(latestRecords(config.resultsDir)));
    log.info('README table updated', { file: path.relative(repoRoot, readme) });
  }
  return failed ? 1 : 0;
}

async function runScenario(
  scenario: ScenarioName,
  config: BenchConfig,
  env: BenchEnvironment,
  bursts: BurstMeasurement[],
): Promise<ScenarioRecord> {
  const started = new Date();
  const machine = machineFacts(repoRoot);
  const timeoutMs = config.convergeTimeoutSeconds * 1000;
  const finish = <R extends ScenarioRecord>(record: Omit<R, 'startedAt' | 'durationSeconds' | 'machine'>): R => {
    machine.loadAverage.end = loadAverageNow();
    return {
      ...record,
      startedAt: started.toISOString(),
      durationSeconds: Math.round((Date.now() - started.getTime()) / 100) / 10,
      machine,
    } as R;
  };
  switch (scenario) {
    case 'burst': {
      for (const objects of config.burstSizes) {
        log.info('burst', { objects, createDelayMs: config.createDelayMs });
        const measured = await runBurst(
          env,
          { objects, createDelayMs: config.createDelayMs, throttleRate: 0, timeoutMs },
          `burst${objects}`,
        );
        bursts.push(measured);
        log.info('burst measured', { objects, wallSeconds: measured.wallSeconds });
      }
      return finish({
        scenario,
        settings: { burstSizes: config.burstSizes, createDelayMs: config.createDelayMs },
        results: { runs: bursts, ratios: burstRatios(bursts) },
      });
    }
    case 'budget': {
      log.info('budget', { objects: config.holdObjects, holdSeconds: config.holdSeconds });
      const results = await runBudget(env, {
        objects: config.holdObjects,
        holdMs: config.holdSeconds * 1000,
        timeoutMs,
      });
      return finish({
        scenario,
        settings: { holdObjects: config.holdObjects, holdSeconds: config.holdSeconds },
        results,
      });
    }
    case 'throttle': {
      log.info('throttle', { objects: config.throttleObjects, rate: config.throttleRate });
      const results = await runThrottle(
        env,
        {
          objects: config.throttleObjects,
          createDelayMs: config.createDelayMs,
          throttleRate: config.throttleRate,
          timeoutMs: config.throttleCapSeconds * 1000,
        },
        bursts.find((b) => b.objects === config.throttleObjects),
      );
      return finish({
        scenario,
        settings: {
          throttleObjects: config.throttleObjects,
          throttleRate: config.throttleRate,
          throttleCapSeconds: config.throttleCapSeconds,
          createDelayMs: config.createDelayMs,
        },
        results,
      });
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    log.error('benchmark failed', { error: err, stack: (err as Error).stack });
    process.exitCode = 1;
  },
);
