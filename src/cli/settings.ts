import { parsers, type Setting } from '../shared/config';
import { taskQueue } from '../api/workflow-contract';

/** Settings shared by the commands that talk to Temporal, Kubernetes and AWS. */
const setting = <T>(s: Setting<T>): Setting<T> => s;

export const temporalSettings = {
  temporalAddress: setting({
    flag: 'temporal-address',
    env: 'TEMPORAL_ADDRESS',
    default: '127.0.0.1:7233',
    description: 'Temporal frontend host:port',
    parse: parsers.string,
  }),
  temporalNamespace: setting({
    flag: 'temporal-namespace',
    env: 'TEMPORAL_NAMESPACE',
    default: 'default',
    description: 'Temporal namespace',
    parse: parsers.string,
  }),
  taskQueue: setting({
    flag: 'task-queue',
    env: 'EFS_ORCHESTRATOR_TASK_QUEUE',
    default: taskQueue,
    description: 'Temporal task queue of the workflows',
    parse: parsers.string,
  }),
};

export const kubeSettings = {
  kubeconfig: setting({
    flag: 'kubeconfig',
    env: 'KUBECONFIG',
    default: '',
    description: 'kubeconfig file (empty: in-cluster or ~/.kube/config)',
    parse: parsers.string,
  }),
};

export const awsSettings = {
  region: setting({
    flag: 'region',
    env: 'AWS_REGION',
    default: 'us-east-1',
    description: 'AWS region of the file systems',
    parse: parsers.string,
  }),
  efsEndpoint: setting({
    flag: 'efs-endpoint',
    env: 'AWS_ENDPOINT_URL_EFS',
    default: '',
    description: 'EFS endpoint override (e.g. the local emulator)',
    parse: parsers.string,
  }),
};

export const watcherSettings = {
  watchNamespace: setting({
    flag: 'watch-namespace',
    env: 'WATCH_NAMESPACE',
    default: '',
    description: 'Only watch this Kubernetes namespace (empty: all)',
    parse: parsers.string,
  }),
  labelSelector: setting({
    flag: 'label-selector',
    env: 'WATCH_LABEL_SELECTOR',
    default: '',
    description: 'Only watch objects matching this label selector',
    parse: parsers.string,
  }),
  resyncIntervalSeconds: setting({
    flag: 'resync-interval',
    env: 'RESYNC_INTERVAL_SECONDS',
    default: 600,
    description: 'Seconds between drift checks of an idle object',
    parse: parsers.positiveNumber,
  }),
  relistIntervalSeconds: setting({
    flag: 'relist-interval',
    env: 'RELIST_INTERVAL_SECONDS',
    default: 300,
    description: 'Seconds between full relists of the watched objects',
    parse: parsers.positiveNumber,
  }),
};
