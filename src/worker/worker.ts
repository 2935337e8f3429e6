import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { AssumedRoles, stsCalls } from '../aws/assume-role';
import { EfsGateways } from '../aws/efs-gateways';
import { awsTargetReader } from '../kube/aws-targets';
import { loadKubeConfig } from '../kube/client';
import { type Logger } from '../shared/log';
import { podNamespace } from '../shared/pod';
import { describeTemporalConnection, connectTemporal, type TemporalConnectionConfig } from '../temporal/connection';
import { installTemporalRuntime } from './runtime';

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
  maxRequestsPerSecond: number;
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
  const gateways = new EfsGateways({
    endpoint: config.efsEndpoint || undefined,
    maxRequestsPerSecond: config.maxRequestsPerSecond,
  });
  const roles = new AssumedRoles(stsCalls({ region: config.region, endpoint: config.stsEndpoint || undefined }));
  const roleAccountMapNamespace = config.roleAccountMapNamespace || podNamespace() || 'default';
  const reader = awsTargetReader(kc, roleAccountMapNamespace);
  const activities = createActivities({ gateways, roles, reader, kc, region: config.region, log });
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
