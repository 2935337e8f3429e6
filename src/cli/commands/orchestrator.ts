import { Client, Connection } from '@temporalio/client';
import { defineCommand } from '../command';
import { loadKubeConfig } from '../../kube/client';
import { createLogger } from '../../shared/log';
import { type ConfigOf } from '../../shared/config';
import { FileSystemWatcher } from '../../watcher/watcher';
import { createOrchestratorWorker } from '../../worker/worker';
import { awsSettings, kubeSettings, temporalSettings, watcherSettings } from '../settings';

/** `worker`, `watcher` and `run` (both in one process): the orchestrator itself. */
const workerSettings = { ...temporalSettings, ...kubeSettings, ...awsSettings };
const allSettings = { ...workerSettings, ...watcherSettings };

async function startWatcher(
  config: ConfigOf<typeof allSettings>,
): Promise<{ watcher: FileSystemWatcher; done: Promise<void>; close: () => Promise<void> }> {
  const log = createLogger('watcher');
  const connection = await Connection.connect({ address: config.temporalAddress });
  const client = new Client({ connection, namespace: config.temporalNamespace });
  const watcher = new FileSystemWatcher({
    kc: loadKubeConfig(config.kubeconfig || undefined),
    client,
    log,
    taskQueue: config.taskQueue,
    namespace: config.watchNamespace,
    labelSelector: config.labelSelector,
    relistIntervalSeconds: config.relistIntervalSeconds,
    workflowOptions: { resyncIntervalSeconds: config.resyncIntervalSeconds },
  });
  log.info('watcher started', {
    namespace: config.watchNamespace || '(all)',
    labelSelector: config.labelSelector,
    taskQueue: config.taskQueue,
  });
  return { watcher, done: watcher.run(), close: () => connection.close() };
}

function onShutdown(stop: () => void): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, stop);
}

export const workerCommand = defineCommand({
  name: 'worker',
  summary: 'Run the Temporal worker (workflows and activities)',
  settings: workerSettings,
  async run(config) {
    const log = createLogger('worker');
    const { worker, connection } = await createOrchestratorWorker(config, log);
    // The Temporal runtime shuts the worker down on SIGINT/SIGTERM by itself.
    await worker.run();
    await connection.close();
    return 0;
  },
});

export const watcherCommand = defineCommand({
  name: 'watcher',
  summary: 'Watch FileSystem objects and keep one workflow per object informed',
  settings: allSettings,
  async run(config) {
    const { watcher, done, close } = await startWatcher(config);
    onShutdown(() => watcher.stop());
    await done;
    await close();
    return 0;
  },
});

export const runCommand = defineCommand({
  name: 'run',
  summary: 'Run the watcher and the worker in one process',
  settings: allSettings,
  async run(config) {
    const { worker, connection } = await createOrchestratorWorker(config, createLogger('worker'));
    const { watcher, done, close } = await startWatcher(config);
    onShutdown(() => watcher.stop());
    await Promise.all([worker.run().finally(() => watcher.stop()), done.finally(() => worker.shutdown())]);
    await Promise.all([close(), connection.close()]);
    return 0;
  },
});
