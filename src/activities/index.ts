import { type KubeConfig } from '@kubernetes/client-node';
import { type AssumedRoles } from '../aws/assume-role';
import { type EfsGateways } from '../aws/efs-gateways';
import { partitionKey } from '../aws/partition';
import { descriptors } from '../kinds/descriptors';
import { type ResourceManager } from '../kinds/kind';
import { managers } from '../kinds/managers';
import { type AwsTargetReader } from '../kube/aws-targets';
import { type Logger } from '../shared/log';
import { createKindActivities, type ActivityFunction } from './engine';
import { createFieldExportActivities } from './fieldexport';
import { createObjectActivities, objectClients } from './objects';
import { createObserverActivities, type ObserverSettings } from './observer';
import { createOwnershipActivities } from './ownership';
import { createStorageClassActivities } from './storage-class';
import { awsTargets, type AwsTarget } from './partitions';

export type { WaitArgs } from './polling';

export interface ActivityDependencies {
  /** One EFS gateway per account and Region. */
  gateways: EfsGateways;
  /** The roles of other accounts, assumed through STS. */
  roles: AssumedRoles;
  /** Namespaces and the role-account map, as the partition of an object needs them. */
  reader: AwsTargetReader;
  kc: KubeConfig;
  /** The Region of objects that name none (nor their namespace). */
  region: string;
  log: Logger;
  /** The worker's task queue, where the observer workflow of its partition runs. */
  taskQueue: string;
  observer: ObserverSettings;
}

/**
 * Every activity the worker registers, built once with the worker's clients: the Kubernetes side
 * every kind shares, and the generic activities of each kind in the registry, under the names
 * its descriptor gives them. Kinds with the same parent share the parent's resolution by name.
 * Each call works in its object's AWS partition: the kind's resource manager is the one of that
 * account and Region (made on first use), resolved from the object the running workflow manages.
 */
export function createActivities(deps: ActivityDependencies) {
  const clientFor = objectClients(deps.kc);
  const targets = awsTargets({
    clientFor,
    reader: deps.reader,
    roles: deps.roles,
    gateways: deps.gateways,
    processRegion: deps.region,
  });
  const byKind: Record<string, ActivityFunction> = {};
  // A role changed in the map gives the partition another gateway, and so another manager.
  const managerByKindAndPartition = new Map<string, { gateway: unknown; manager: ResourceManager<never, unknown> }>();
  const managerIn = (kind: string, target: AwsTarget): ResourceManager<never, unknown> => {
    const key = `${kind}|${partitionKey(target.partition)}`;
    const known = managerByKindAndPartition.get(key);
    if (known?.gateway === target.gateway) return known.manager;
    const createManager = managers[kind];
    if (!createManager) throw new Error(`no resource manager for kind ${kind}`);
    const manager = withPartition(
      createManager({ efs: target.gateway, clientFor, region: target.partition.region, log: deps.log }),
      target,
    );
    managerByKindAndPartition.set(key, { gateway: target.gateway, manager });
    return manager;
  };
  const managerFor = async (kind: string): Promise<ResourceManager<never, unknown>> =>
    managerIn(kind, await targets.current());
  for (const descriptor of descriptors) {
    if (!managers[descriptor.kind]) throw new Error(`kind ${descriptor.kind} has a descriptor but no resource manager`);
    const processRegion = { region: deps.region };
    const { validate } = managerIn(descriptor.kind, {
      partition: processRegion,
      gateway: deps.gateways.gatewayFor(processRegion),
    });
    for (const [type, activity] of Object.entries(
      createKindActivities(descriptor, () => managerFor(descriptor.kind), {
        clientFor,
        log: deps.log,
        validate,
        regionChangeErrors: targets.regionChangeErrors,
      }),
    )) {
      if (!(type in byKind)) byKind[type] = activity;
    }
  }
  return {
    ...byKind,
    ...createObjectActivities(clientFor),
    ...createOwnershipActivities({ managerFor, clientFor, log: deps.log }),
    ...createStorageClassActivities({ clientFor, efsOfObject: async () => (await targets.current()).gateway }),
    ...createFieldExportActivities({ kc: deps.kc, clientFor, log: deps.log }),
    ...createObserverActivities({
      targets,
      taskQueue: deps.taskQueue,
      settings: deps.observer,
      managerIn,
      statesOf: (kind) => {
        const descriptor = descriptors.find((d) => d.kind === kind);
        if (!descriptor) throw new Error(`no descriptor for kind ${kind}`);
        return descriptor;
      },
      log: deps.log,
    }),
  };
}

/** Every status a manager reports says where the resource lives (ACK's status.ackResourceMetadata). */
function withPartition(manager: ResourceManager<never, unknown>, target: AwsTarget): ResourceManager<never, unknown> {
  return {
    ...manager,
    statusOf(description) {
      const status = manager.statusOf(description);
      const own = (status.ackResourceMetadata ?? {}) as Record<string, unknown>;
      const ownerAccountID = own.ownerAccountID ?? target.partition.accountId;
      return {
        ...status,
        ackResourceMetadata: {
          ...own,
          region: target.partition.region,
          ...(ownerAccountID !== undefined ? { ownerAccountID } : {}),
        },
      };
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
