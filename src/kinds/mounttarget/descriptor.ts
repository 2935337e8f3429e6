import { mountTargetCrd } from '../../api/crd';
import { kinds } from '../../api/kinds';
import { mountTargetReferences } from '../../api/references';
import { type KindDescriptor } from '../kind';

export const mountTargetDescriptor: KindDescriptor = {
  kind: 'MountTarget',
  ...kinds.MountTarget,
  crd: mountTargetCrd,
  noun: 'mount target',
  idField: 'mountTargetID',
  adoptionFields: ['mountTargetID', 'mountTargetId'],
  createOnlyFields: ['fileSystemID', 'fileSystemRef', 'subnetID', 'subnetRef', 'ipAddress'],
  readyStates: ['available'],
  goneStates: ['deleted'],
  failedStates: ['error'],
  parent: 'FileSystem',
  references: mountTargetReferences,
  observed: ['mountTargetID', 'lifeCycleState', 'networkInterfaceID', 'ipAddress', 'availabilityZoneName'],
  activityTypes: {
    validate: 'validateMountTargetSpec',
    resolveParent: 'resolveFileSystem',
    resolveReferences: 'resolveMountTargetReferences',
    create: 'createMountTarget',
    adopt: 'describeMountTargetForAdoption',
    waitUntilReady: 'waitUntilMountTargetAvailable',
    apply: 'syncMountTargetSecurityGroups',
    delete: 'deleteMountTarget',
    waitUntilGone: 'waitUntilMountTargetDeleted',
  },
  legacy: { appliedOnce: 'wait-if-changed' },
};
