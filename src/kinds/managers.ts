import { type EfsGateway } from '../aws/efs';
import { type ObjectClients } from '../activities/objects';
import { type Logger } from '../shared/log';
import { accessPointManager } from './accesspoint/manager';
import { fileSystemManager } from './filesystem/manager';
import { type ResourceManager } from './kind';
import { mountTargetManager } from './mounttarget/manager';

export { resolveFileSystem } from './references';

/** What a resource manager may use: the worker's EFS gateway and Kubernetes clients. */
export interface ManagerDependencies {
  efs: EfsGateway;
  clientFor: ObjectClients;
  region: string;
  log: Logger;
}

/** Every kind's resource manager, by kind (the worker builds them once). A new kind adds one line here. */
export const managers: Record<string, (deps: ManagerDependencies) => ResourceManager<never, unknown>> = {
  FileSystem: fileSystemManager,
  MountTarget: mountTargetManager,
  AccessPoint: accessPointManager,
};
