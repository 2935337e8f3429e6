import { fileSystemCrd } from '../../api/crd';
import { kinds } from '../../api/kinds';
import { fileSystemReferences } from '../../api/references';
import { validateFileSystemSpec } from '../../domain/validate';
import { type KindDescriptor } from '../kind';

export const fileSystemDescriptor: KindDescriptor = {
  kind: 'FileSystem',
  ...kinds.FileSystem,
  crd: fileSystemCrd,
  noun: 'file system',
  idField: 'fileSystemID',
  adoptionFields: ['fileSystemID', 'fileSystemId'],
  createOnlyFields: ['availabilityZoneName', 'encrypted', 'kmsKeyID', 'kmsKeyRef', 'performanceMode'],
  readyStates: ['available'],
  goneStates: ['deleted'],
  failedStates: ['error'],
  references: fileSystemReferences,
  observed: ['fileSystemID', 'lifeCycleState', 'numberOfMountTargets', 'sizeInBytes', 'name', 'availabilityZoneID'],
  activityTypes: {
    validate: 'validateSpec',
    resolveReferences: 'resolveFileSystemReferences',
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
