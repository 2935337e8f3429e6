import { type MountTargetDescription } from '@aws-sdk/client-efs';
import { type MountTargetSpec } from '../../api/mounttarget';
import {
  createMountTargetInput,
  mountTargetStatus,
  sameSecurityGroups,
  validateMountTargetSpec,
} from '../../domain/mounttarget';
import { type ResourceManager } from '../kind';
import { resolveFileSystem, type ManagerDependencies } from '../managers';

export function mountTargetManager(
  deps: ManagerDependencies,
): ResourceManager<MountTargetSpec, MountTargetDescription> {
  const { efs } = deps;
  return {
    validate: validateMountTargetSpec,
    resolveParent: (spec, namespace) => resolveFileSystem(deps, spec ?? {}, namespace),
    // At most one mount target per subnet: the one already in the subnet is the one an earlier attempt made.
    create: (_ref, spec, fileSystemId) => efs.createMountTarget(createMountTargetInput(spec, fileSystemId ?? '')),
    adopt: (id) => efs.describeMountTarget(id),
    describe: (id) => efs.describeMountTarget(id),
    idOf: (mt) => mt.MountTargetId ?? '',
    statusOf: mountTargetStatus,
    // Security groups are the one updatable field.
    async apply(_ref, id, spec) {
      const desired = spec?.securityGroups;
      if (desired === undefined || sameSecurityGroups(desired, await efs.mountTargetSecurityGroups(id))) return [];
      await efs.setMountTargetSecurityGroups(id, desired);
      return [`ModifyMountTargetSecurityGroups ${desired.join(', ')}`];
    },
    delete: (id) => efs.deleteMountTarget(id),
  };
}
