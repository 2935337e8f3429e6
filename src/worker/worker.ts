import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { efsTaskQueueFor } from '../api/workflow-contract';
import { AssumedRoles, stsCalls } from '../aws/assume-role';
import { EfsGateways } from '../aws/efs-gateways';
import { awsTargetReader } from '../kube/aws-targets';
import { loadKubeConfig } from '../kube/client';
import { type Logger } from '../shared/log';
import { podNamespace } from '../shared/pod';
import { describeTemporalConnection, connectTemporal, type TemporalConnectionConfig } from '../temporal/connection';
import { installTemporalRuntime } from './runtime';
import { workflowCode } from './workflow-bundle';

export interface WorkerConfig extends TemporalConnectionConfig {
  temporalNamespace: string;
  taskQueue: string;
  kubeconfig: string;
  region: string;
  efsEndpoint: string;
  /** Empty: the SDK's choice (AWS_ENDPOINT_URL_STS or the regional endpoint). */
  stsEndpoint?: string;
  /** Where the ConfigMap ack-role-account-map lives (empty: the pod's namespace, else `default`). */
  roleAccountMapNamespace?: string;
  /** EFS activities per second the EFS task queue dispatches to all its workers together (0: no limit). */
  efsCallsPerSecond: number;
  /** Workflows cached between tasks (0: the SDK's default). */
  maxCachedWorkflows?: number;
  observerRequestsPerSecond: number;
  observerSweepSeconds: number;
  observerSlowReadSeconds: number;
  observerLookIntervalSeconds: number;
  /** host:port of the Temporal SDK's Prometheus endpoint; empty or absent for none. */
  temporalMetricsBind?: string;
}

/** The workers of one process: the workflows' own task queue and the EFS task queue, run and stopped together. */
export interface OrchestratorWorker {
  run(): Promise<void>;
  shutdown(): void;
}

/**
 * Temporal workers for the workflows and their activities: one on the workflows' task queue, one
 * on the EFS task queue whose dispatch rate the Temporal server holds to `efsCallsPerSecond` for
 * every worker together (each poll carries the limit; all workers set the same one).
 */
export async function createOrchestratorWorker(
  config: WorkerConfig,
  log: Logger,
): Promise<{ worker: OrchestratorWorker; connection: NativeConnection }> {
  installTemporalRuntime(process.env.LOG_LEVEL === 'debug' ? 'DEBUG' : 'INFO', {
    prometheusBindAddress: config.temporalMetricsBind,
  });
  const kc = loadKubeConfig(config.kubeconfig || undefined);
  const gateways = new EfsGateways({ endpoint: config.efsEndpoint || undefined });
  const roles = new AssumedRoles(stsCalls({ region: config.region, endpoint: config.stsEndpoint || undefined }));
  const roleAccountMapNamespace = config.roleAccountMapNamespace || podNamespace() || 'default';
  const reader = awsTargetReader(kc, roleAccountMapNamespace);
  const activities = createActivities({
    gateways,
    roles,
    reader,
    kc,
    region: config.region,
    log,
    taskQueue: config.taskQueue,
    observer: {
      requestsPerSecond: config.observerRequestsPerSecond,
      sweepSeconds: config.observerSweepSeconds,
      slowReadSeconds: config.observerSlowReadSeconds,
      lookIntervalSeconds: config.observerLookIntervalSeconds,
    },
  });
  const connection = await connectTemporal(config, (options) => NativeConnection.connect(options));
  const efsTaskQueue = efsTaskQueueFor(config.taskQueue);
  const workflows = await Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: config.taskQueue,
    ...workflowCode(),
    ...(config.maxCachedWorkflows ? { maxCachedWorkflows: Math.floor(config.maxCachedWorkflows) } : {}),
    // Every activity: the Kubernetes calls and the waits, and the EFS calls of workflows whose
    // histories began before the EFS task queue (they keep scheduling them here).
    activities,
  });
  const efsCalls = await Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: efsTaskQueue,
    activities,
    ...(config.efsCallsPerSecond > 0 ? { maxTaskQueueActivitiesPerSecond: config.efsCallsPerSecond } : {}),
  });
  const workers = [workflows, efsCalls];
  const worker: OrchestratorWorker = {
    async run() {
      // One stopping (a fatal error or a shutdown) stops the other: the process serves both or neither.
      const ended = await Promise.allSettled(workers.map((w) => w.run().finally(() => worker.shutdown())));
      const failed = ended.find((e): e is PromiseRejectedResult => e.status === 'rejected');
      if (failed) throw failed.reason;
    },
    shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    },
  };
  log.info('worker ready', {
    taskQueue: config.taskQueue,
    efsTaskQueue,
    efsCallsPerSecond: config.efsCallsPerSecond || 'unlimited',
    namespace: config.temporalNamespace,
    ...describeTemporalConnection(config),
  });
  return { worker, connection };
}
