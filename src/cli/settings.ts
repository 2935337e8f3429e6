import { ConfigError, parsers, type Setting } from '../shared/config';

/** Settings of the commands that talk to AWS and watch objects (Temporal's and Kubernetes' own are in src/temporal and src/kube). */
const setting = <T>(s: Setting<T>): Setting<T> => s;

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
  stsEndpoint: setting({
    flag: 'sts-endpoint',
    env: 'AWS_ENDPOINT_URL_STS',
    default: '',
    description: "STS endpoint override, for assuming the roles of other accounts (e.g. the local stack's STS)",
    parse: parsers.string,
  }),
  roleAccountMapNamespace: setting({
    flag: 'role-account-map-namespace',
    env: 'ROLE_ACCOUNT_MAP_NAMESPACE',
    default: '',
    description:
      "Namespace of the ConfigMap ack-role-account-map (account id -> role ARN; empty: the pod's own namespace, else `default`)",
    parse: parsers.string,
  }),
  efsCallsPerSecond: setting({
    flag: 'efs-calls-per-second',
    env: 'EFS_CALLS_PER_SECOND',
    default: 8,
    description:
      "EFS calls per second the object workflows start, across every worker (the EFS task queue's server-enforced rate; AWS throttles per account and Region; 0: no limit)",
    parse: parsers.positiveNumber,
  }),
};

/** The Temporal worker's own limits, chosen by measurement (README, Operating: "One process"). */
export const workerTuningSettings = {
  maxCachedWorkflows: setting({
    flag: 'max-cached-workflows',
    env: 'WORKER_MAX_CACHED_WORKFLOWS',
    default: 0,
    description:
      "Workflows kept in the worker's memory between tasks; others replay their history when next woken (0: the Temporal SDK's default, from the heap size)",
    parse: parsers.positiveNumber,
  }),
  observerRequestsPerSecond: setting({
    flag: 'observer-requests-per-second',
    env: 'OBSERVER_REQUESTS_PER_SECOND',
    default: 2,
    description:
      "EFS calls per second the observer of an account and Region makes at most (its share of the account's ~10/s)",
    parse: (raw: string): number => {
      const value = parsers.positiveNumber(raw);
      if (value === 0) throw new ConfigError('the observer needs some budget: give a number of requests above 0');
      return value;
    },
  }),
  observerSweepSeconds: setting({
    flag: 'observer-sweep-interval',
    env: 'OBSERVER_SWEEP_SECONDS',
    default: 30,
    description: "Seconds between the observer's looks at synced resources (drift of the settings AWS lists)",
    parse: parsers.positiveNumber,
  }),
  observerLookIntervalSeconds: setting({
    flag: 'observer-look-interval',
    env: 'OBSERVER_LOOK_INTERVAL_SECONDS',
    default: 1.2,
    description:
      "Least seconds between the observer's looks while objects wait: each waiting object is answered within it (the lag's bound, plus about 0.3 s to signal and write status), at a fraction of the requests of looking as fast as its budget allows",
    parse: parsers.positiveNumber,
  }),
  observerSlowReadSeconds: setting({
    flag: 'observer-slow-read-interval',
    env: 'OBSERVER_SLOW_READ_SECONDS',
    default: 3600,
    description:
      "Seconds between the observer's reads of each synced file system's settings AWS does not list (backup policy, lifecycle configuration, policy), the objects' turns spread over the interval",
    parse: (raw: string): number => {
      const value = parsers.positiveNumber(raw);
      if (value === 0) throw new ConfigError('slow reads need an interval: give a number of seconds above 0');
      return value;
    },
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
    default: 86400,
    description:
      "Seconds between full drift checks of an idle object: a daily safety pass (the observer watches every setting, the ones AWS does not list at OBSERVER_SLOW_READ_SECONDS), for what it cannot see: a lost watch, a policy set on a file system whose spec has none, a mount target's security groups",
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
