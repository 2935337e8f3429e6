import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createEfsClient, EfsGateway } from '../aws/efs';
import { loadKubeConfig } from '../kube/client';
import { type Logger } from '../shared/log';
import { describeTemporalConnection, connectTemporal, type TemporalConnectionConfig } from '../temporal/connection';
import { installTemporalRuntime } from './runtime';

export interface WorkerConfig extends TemporalConnectionConfig {
  temporalNamespace: string;
  taskQueue: string;
  kubeconfig: string;
  region: string;
  efsEndpoint: string;
  maxRequestsPerSecond: number;
  observerRequestsPerSecond: number;
  observerSweepSeconds: number;
  /** host:port of the Temporal SDK's Prometheus endpoint; empty or absent for none. */
  temporalMetricsBind?: string;
}

/** A Temporal worker that runs the workflows and their activities. */
export async function createOrchestratorWorker(
  config: WorkerConfig,
  log: Logger,
): Promise<{ worker: Worker; connection: NativeConnection }> {
  installTemporalRuntime(process.env.LOG_LEVEL === 'debug' ? 'DEBUG' : 'INFO', {
    prometheusBindAddress: config.temporalMetricsBind,
  });
  const kc = loadKubeConfig(config.kubeconfig || undefined);
  const efs = new EfsGateway(
    createEfsClient({
      region: config.region,
      endpoint: config.efsEndpoint || undefined,
      maxRequestsPerSecond: config.maxRequestsPerSecond,
    }),
  );
  const activities = createActivities({
    efs,
    kc,
    region: config.region,
    log,
    taskQueue: config.taskQueue,
    observer: { requestsPerSecond: config.observerRequestsPerSecond, sweepSeconds: config.observerSweepSeconds },
  });
  const connection = await connectTemporal(config, (options) => NativeConnection.connect(options));
  const worker = await Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: config.taskQueue,
    workflowsPath: require.resolve('../workflows'),
    activities,
  });
  log.info('worker ready', {
    taskQueue: config.taskQueue,
    namespace: config.temporalNamespace,
    ...describeTemporalConnection(config),
  });
  return { worker, connection };
}
