import { fileSystemCrd } from '../../api/crd';
import { kinds } from '../../api/kinds';
import { validateFileSystemSpec } from '../../domain/validate';
import { type KindDescriptor } from '../kind';

export const fileSystemDescriptor: KindDescriptor = {
  kind: 'FileSystem',
  ...kinds.FileSystem,
  crd: fileSystemCrd,
  noun: 'file system',
  idField: 'fileSystemID',
  adoptionFields: ['fileSystemID', 'fileSystemId'],
  createOnlyFields: ['availabilityZoneName', 'encrypted', 'kmsKeyID', 'performanceMode'],
  readyStates: ['available'],
  goneStates: ['deleted'],
  failedStates: ['error'],
  observed: ['fileSystemID', 'lifeCycleState', 'numberOfMountTargets', 'sizeInBytes', 'name', 'availabilityZoneID'],
  activityTypes: {
    validate: 'validateSpec',
    create: 'createFileSystem',
    find: 'findFileSystem',
    adopt: 'describeForAdoption',
    waitUntilReady: 'waitUntilAvailable',
    apply: 'syncSettings',
    delete: 'deleteFileSystem',
    waitUntilGone: 'waitUntilDeleted',
  },
  legacy: { validatedInWorkflow: (spec) => validateFileSystemSpec(spec as never) },
  publishesStorageClass: true,
};
