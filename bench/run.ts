import * as path from 'node:path';
import { ConfigError, describeSettings, loadConfig, parseArgs } from '../src/shared/config';
import { createLogger } from '../src/shared/log';
import { repoRoot } from '../src/shared/paths';
import { killStartedProcesses, prepareEnvironment, type BenchEnvironment, type ScenarioOptions } from './environment';
import { killTree, loadAverageNow, machineFacts } from './proc';
import {
  burstRatios,
  latestRecords,
  renderRecord,
  renderResultsReadme,
  writeFormatted,
  writeRecord,
  type ScenarioRecord,
} from './report';
import { runBurst, type BurstMeasurement } from './scenarios/burst';
import { runSteady } from './scenarios/steady';
import { runThrottle } from './scenarios/throttle';
import { runWait, type WaitMeasurement } from './scenarios/wait';
import { runWorkers } from './scenarios/workers';
import { benchSettings, type BenchConfig, type ScenarioName } from './settings';

/**
 * `npm run bench`: measures the orchestrator under a burst of objects, while objects wait in
 * `creating`, in steady state, with several workers and under throttling, on the local stack,
 * against an emulator that throttles by rate like AWS; prints a table per scenario, writes
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
  const env = await prepareEnvironment(log, {
    throttle: config.emulatorThrottle,
    throttleRatePerSecond: config.emulatorThrottleRate,
  });
  // Whatever ends the run, no orchestrator or emulator process outlives it.
  process.once('exit', () => {
    killStartedProcesses();
    killTree(env.emulator.pid);
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log.info('stopping', { signal });
      void env.close().finally(() => process.exit(130));
    });
  }
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
  const one: ScenarioOptions = { mode: config.processMode, workers: 1, env: config.orchestratorEnv };
  const common = {
    processMode: config.processMode,
    orchestratorEnv: config.orchestratorEnv,
    emulatorThrottle: config.emulatorThrottle,
    emulatorThrottleRate: config.emulatorThrottleRate,
  };
  const finish = <R extends ScenarioRecord>(record: Omit<R, 'startedAt' | 'durationSeconds' | 'machine'>): R => {
    machine.loadAverage.end = loadAverageNow();
    return {
      ...record,
      startedAt: started.toISOString(),
      durationSeconds: Math.round((Date.now() - started.getTime()) / 100) / 10,
      machine,
    } as R;
  };
  const burstOf = (objects: number): BurstMeasurement | undefined =>
    bursts.find((b) => b.objects === objects && b.workers === 1 && b.throttleRate === 0);
  switch (scenario) {
    case 'burst': {
      const runs: BurstMeasurement[] = [];
      for (const objects of config.burstSizes) {
        log.info('burst', { objects, createDelayMs: config.createDelayMs, mode: config.processMode });
        const measured = await runBurst(
          env,
          { objects, createDelayMs: config.createDelayMs, throttleRate: 0, timeoutMs, scenario: one },
          `burst${objects}`,
        );
        runs.push(measured);
        bursts.push(measured);
        log.info('burst measured', { objects, wallSeconds: measured.wallSeconds });
      }
      return finish({
        scenario,
        settings: { ...common, burstSizes: config.burstSizes, createDelayMs: config.createDelayMs },
        results: { runs, ratios: burstRatios(runs) },
      });
    }
    case 'wait': {
      const runs: WaitMeasurement[] = [];
      const holds = [
        { emulatedMs: config.waitShortSeconds * 1000, realMs: config.waitShortSeconds * 1000 },
        { emulatedMs: config.waitLongMinutes * 60_000, realMs: config.waitLongRealSeconds * 1000 },
      ];
      for (const hold of holds) {
        for (const objects of config.waitSizes) {
          log.info('wait', { objects, holdEmulatedMs: hold.emulatedMs, holdRealMs: hold.realMs });
          runs.push(
            await runWait(
              env,
              { objects, holdEmulatedMs: hold.emulatedMs, holdRealMs: hold.realMs, timeoutMs, scenario: one },
              `wait${objects}x${Math.round(hold.emulatedMs / 1000)}s`,
            ),
          );
        }
      }
      return finish({
        scenario,
        settings: {
          ...common,
          waitSizes: config.waitSizes,
          waitShortSeconds: config.waitShortSeconds,
          waitLongMinutes: config.waitLongMinutes,
          waitLongRealSeconds: config.waitLongRealSeconds,
        },
        results: { runs },
      });
    }
    case 'steady': {
      log.info('steady', { objects: config.steadyObjects, cadenceScale: config.steadyCadenceScale });
      const results = await runSteady(env, {
        objects: config.steadyObjects,
        cadenceScale: config.steadyCadenceScale,
        resyncIntervalSeconds: config.steadyResyncSeconds,
        createDelayMs: 2_000,
        timeoutMs,
        scenario: one,
      });
      return finish({
        scenario,
        settings: {
          ...common,
          steadyObjects: config.steadyObjects,
          steadyCadenceScale: config.steadyCadenceScale,
          steadyResyncSeconds: config.steadyResyncSeconds,
        },
        results,
      });
    }
    case 'workers': {
      const objects = config.workersObjects;
      log.info('workers', { objects, workers: config.workersCount });
      const options = { objects, createDelayMs: config.createDelayMs, throttleRate: 0, timeoutMs };
      const results = await runWorkers(
        env,
        { ...options, scenario: { ...one, workers: config.workersCount } },
        burstOf(objects),
      );
      return finish({
        scenario,
        settings: {
          ...common,
          workersObjects: objects,
          workersCount: config.workersCount,
          createDelayMs: config.createDelayMs,
        },
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
          scenario: one,
        },
        burstOf(config.throttleObjects),
      );
      return finish({
        scenario,
        settings: {
          ...common,
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
