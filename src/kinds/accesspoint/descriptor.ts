import { accessPointCrd } from '../../api/crd';
import { kinds } from '../../api/kinds';
import { type KindDescriptor } from '../kind';

export const accessPointDescriptor: KindDescriptor = {
  kind: 'AccessPoint',
  ...kinds.AccessPoint,
  crd: accessPointCrd,
  noun: 'access point',
  idField: 'accessPointID',
  adoptionFields: ['accessPointID', 'accessPointId'],
  createOnlyFields: ['fileSystemID', 'fileSystemRef', 'posixUser', 'rootDirectory'],
  readyStates: ['available'],
  goneStates: ['deleted'],
  failedStates: ['error'],
  parent: 'FileSystem',
  observed: ['accessPointID', 'accessPointARN', 'lifeCycleState', 'name'],
  activityTypes: {
    validate: 'validateAccessPointSpec',
    resolveParent: 'resolveFileSystem',
    create: 'createAccessPoint',
    adopt: 'describeAccessPointForAdoption',
    waitUntilReady: 'waitUntilAccessPointAvailable',
    apply: 'syncAccessPointTags',
    delete: 'deleteAccessPoint',
    waitUntilGone: 'waitUntilAccessPointDeleted',
  },
  legacy: { appliedOnce: 'once', deletionDidNotWait: true },
};
