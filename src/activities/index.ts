import { type KubeConfig } from '@kubernetes/client-node';
import { type EfsGateway } from '../aws/efs';
import { type Logger } from '../shared/log';
import { createAccessPointActivities } from './accesspoint';
import { createFileSystemActivities } from './filesystem';
import { createMountTargetActivities } from './mounttarget';
import { createObjectActivities, objectClients } from './objects';

export type { WaitArgs } from './polling';

export interface ActivityDependencies {
  efs: EfsGateway;
  kc: KubeConfig;
  region: string;
  log: Logger;
}

/** Every activity the worker registers, built once with the worker's clients. */
export function createActivities(deps: ActivityDependencies) {
  const clientFor = objectClients(deps.kc);
  const shared = { efs: deps.efs, clientFor, log: deps.log };
  return {
    ...createObjectActivities(clientFor),
    ...createFileSystemActivities({ ...shared, region: deps.region }),
    ...createMountTargetActivities(shared),
    ...createAccessPointActivities(shared),
  };
}

export type Activities = ReturnType<typeof createActivities>;
