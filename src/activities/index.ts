import { type KubeConfig } from '@kubernetes/client-node';
import { type EfsGateway } from '../aws/efs';
import { descriptors } from '../kinds/descriptors';
import { type ResourceManager } from '../kinds/kind';
import { managers } from '../kinds/managers';
import { type Logger } from '../shared/log';
import { createKindActivities, type ActivityFunction } from './engine';
import { createFieldExportActivities } from './fieldexport';
import { createObjectActivities, objectClients } from './objects';
import { createOwnershipActivities } from './ownership';

export type { WaitArgs } from './polling';

export interface ActivityDependencies {
  efs: EfsGateway;
  kc: KubeConfig;
  region: string;
  log: Logger;
}

/**
 * Every activity the worker registers, built once with the worker's clients: the Kubernetes side
 * every kind shares, and the generic activities of each kind in the registry, under the names
 * its descriptor gives them. Kinds with the same parent share the parent's resolution by name.
 */
export function createActivities(deps: ActivityDependencies) {
  const clientFor = objectClients(deps.kc);
  const byKind: Record<string, ActivityFunction> = {};
  const managerByKind = new Map<string, ResourceManager<never, unknown>>();
  for (const descriptor of descriptors) {
    const createManager = managers[descriptor.kind];
    if (!createManager) throw new Error(`kind ${descriptor.kind} has a descriptor but no resource manager`);
    const manager = createManager({ efs: deps.efs, clientFor, region: deps.region, log: deps.log });
    managerByKind.set(descriptor.kind, manager);
    for (const [type, activity] of Object.entries(
      createKindActivities(descriptor, manager, { clientFor, log: deps.log }),
    )) {
      if (!(type in byKind)) byKind[type] = activity;
    }
  }
  const managerFor = (kind: string): ResourceManager<never, unknown> => {
    const manager = managerByKind.get(kind);
    if (!manager) throw new Error(`no resource manager for kind ${kind}`);
    return manager;
  };
  return {
    ...byKind,
    ...createObjectActivities(clientFor),
    ...createOwnershipActivities({ managerFor, clientFor, log: deps.log }),
    ...createFieldExportActivities({ kc: deps.kc, clientFor, log: deps.log }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
