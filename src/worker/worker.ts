import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities/filesystem';
import { fileSystemNames } from '../api/filesystem';
import { createEfsClient, EfsGateway } from '../aws/efs';
import { KindClient, loadKubeConfig } from '../kube/client';
import { type Logger } from '../shared/log';
import { installTemporalRuntime } from './runtime';

export interface WorkerConfig {
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  kubeconfig: string;
  region: string;
  efsEndpoint: string;
}

/** A Temporal worker that runs the workflows and their activities. */
export async function createOrchestratorWorker(
  config: WorkerConfig,
  log: Logger,
): Promise<{ worker: Worker; connection: NativeConnection }> {
  installTemporalRuntime(process.env.LOG_LEVEL === 'debug' ? 'DEBUG' : 'INFO');
  const kc = loadKubeConfig(config.kubeconfig || undefined);
  const efs = new EfsGateway(createEfsClient({ region: config.region, endpoint: config.efsEndpoint || undefined }));
  const activities = createActivities({
    efs,
    fileSystems: new KindClient(kc, fileSystemNames),
    region: config.region,
    log,
  });
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const worker = await Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: config.taskQueue,
    workflowsPath: require.resolve('../workflows'),
    activities,
  });
  log.info('worker ready', {
    taskQueue: config.taskQueue,
    temporalAddress: config.temporalAddress,
    namespace: config.temporalNamespace,
  });
  return { worker, connection };
}
