import { defineCommand } from '../command';
import { loadKubeConfig } from '../../kube/client';
import { createLogger } from '../../shared/log';
import { connectWorkflowClient } from '../../temporal/connection';
import { type ConfigOf } from '../../shared/config';
import { orchestratorMetrics } from '../../metrics/registry';
import { serveMetrics, type MetricsServer } from '../../metrics/server';
import { metricsSettings, temporalMetricsSettings } from '../../metrics/settings';
import { leaderElectionSettings, runLeaderElected, type LeaderWork } from '../../watcher/leader';
import { watchersForAllKinds } from '../../watcher/watcher';
import { createOrchestratorWorker } from '../../worker/worker';
import { kubeSettings } from '../../kube/settings';
import { temporalSettings } from '../../temporal/settings';
import { awsSettings, watcherSettings, workerTuningSettings } from '../settings';

/** `worker`, `watcher` and `run` (both in one process): the orchestrator itself. */
const workerSettings = {
  ...temporalSettings,
  ...kubeSettings,
  ...awsSettings,
  ...metricsSettings,
  ...workerTuningSettings,
};
const watchSettings = { ...workerSettings, ...watcherSettings, ...leaderElectionSettings };
const allSettings = { ...watchSettings, ...temporalMetricsSettings };

/** Runs the watchers only while this process holds the Lease (or always, with --leader-elect=false). */
async function startWatcher(
  config: ConfigOf<typeof watchSettings>,
): Promise<{ stop: () => void; done: Promise<void>; close: () => Promise<void> }> {
  const log = createLogger('watcher');
  const { client, connection } = await connectWorkflowClient(config);
  const kc = loadKubeConfig(config.kubeconfig || undefined);
  const watch: LeaderWork = async (lost) => {
    const watchers = watchersForAllKinds({
      kc,
      client,
      log,
      taskQueue: config.taskQueue,
      namespace: config.watchNamespace,
      labelSelector: config.labelSelector,
      relistIntervalSeconds: config.relistIntervalSeconds,
      workflowOptions: { resyncIntervalSeconds: config.resyncIntervalSeconds },
    });
    const stop = (): void => watchers.forEach((w) => w.stop());
    lost.addEventListener('abort', stop);
    watchers.forEach((w) => orchestratorMetrics.watchers.attach(w));
    try {
      await Promise.all(watchers.map((w) => w.run()));
    } finally {
      lost.removeEventListener('abort', stop);
      watchers.forEach((w) => orchestratorMetrics.watchers.detach(w));
    }
  };
  const shutdown = new AbortController();
  const done = runLeaderElected(config, kc, log, watch, shutdown.signal, (leading, lease) =>
    orchestratorMetrics.leader.set({ lease }, leading ? 1 : 0),
  );
  log.info('watcher started', {
    namespace: config.watchNamespace || '(all)',
    labelSelector: config.labelSelector,
    taskQueue: config.taskQueue,
  });
  return { stop: () => shutdown.abort(), done, close: () => connection.close() };
}

function startMetrics(config: ConfigOf<typeof metricsSettings>, component: string): Promise<MetricsServer | undefined> {
  return serveMetrics({ host: config.metricsHost, port: config.metricsPort, log: createLogger(component) });
}

function onShutdown(stop: () => void): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, stop);
}

export const workerCommand = defineCommand({
  name: 'worker',
  summary: 'Run the Temporal worker (workflows and activities)',
  settings: { ...workerSettings, ...temporalMetricsSettings },
  async run(config) {
    const log = createLogger('worker');
    const { worker, connection } = await createOrchestratorWorker(config, log);
    const metrics = await startMetrics(config, 'worker');
    // The Temporal runtime shuts the worker down on SIGINT/SIGTERM by itself.
    await worker.run();
    await Promise.all([connection.close(), metrics?.close()]);
    return 0;
  },
});

export const watcherCommand = defineCommand({
  name: 'watcher',
  summary: 'Watch the objects of every kind and keep one workflow per object informed',
  settings: watchSettings,
  async run(config) {
    const metrics = await startMetrics(config, 'watcher');
    const { stop, done, close } = await startWatcher(config);
    onShutdown(stop);
    try {
      await done;
    } finally {
      await Promise.all([close(), metrics?.close()]);
    }
    return 0;
  },
});

export const runCommand = defineCommand({
  name: 'run',
  summary: 'Run the watcher and the worker in one process',
  settings: allSettings,
  async run(config) {
    const { worker, connection } = await createOrchestratorWorker(config, createLogger('worker'));
    const metrics = await startMetrics(config, 'orchestrator');
    const { stop, done, close } = await startWatcher(config);
    onShutdown(stop);
    // On SIGINT/SIGTERM the Temporal runtime is already stopping the worker: shut it down only otherwise.
    const stopWorker = (): void => worker.shutdown();
    try {
      await Promise.all([worker.run().finally(stop), done.finally(stopWorker)]);
    } finally {
      await Promise.all([close(), connection.close(), metrics?.close()]);
    }
    return 0;
  },
});
