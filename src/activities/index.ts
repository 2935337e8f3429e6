import { type KubeConfig } from '@kubernetes/client-node';
import { type EfsGateway } from '../aws/efs';
import { descriptors } from '../kinds/descriptors';
import { managers } from '../kinds/managers';
import { type Logger } from '../shared/log';
import { createKindActivities, type ActivityFunction } from './engine';
import { createObjectActivities, objectClients } from './objects';

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
  for (const descriptor of descriptors) {
    const createManager = managers[descriptor.kind];
    if (!createManager) throw new Error(`kind ${descriptor.kind} has a descriptor but no resource manager`);
    const manager = createManager({ efs: deps.efs, clientFor, region: deps.region, log: deps.log });
    for (const [type, activity] of Object.entries(
      createKindActivities(descriptor, manager, { clientFor, log: deps.log }),
    )) {
      if (!(type in byKind)) byKind[type] = activity;
    }
  }
  return { ...byKind, ...createObjectActivities(clientFor) };
}

export type Activities = ReturnType<typeof createActivities>;
