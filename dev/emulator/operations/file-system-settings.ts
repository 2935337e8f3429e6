/** Per-file-system settings: lifecycle configuration, backup policy, file system policy, replication. */
import { EfsError, badRequest } from '../errors';
import * as validate from '../validation';
import { type OperationHandler, queryValue, requireAvailable } from './common';

export const putLifecycleConfiguration: OperationHandler = ({ store, scope }, { params, body }) => {
  const fs = store.fileSystem(scope, validate.fileSystemId(params.FileSystemId));
  const policies = validate.lifecyclePolicies(body);
  requireAvailable(fs);
  if (
    policies.some((p) => p.TransitionToArchive !== undefined) &&
    (fs.throughputMode !== 'elastic' || fs.performanceMode !== 'generalPurpose')
  ) {
    throw badRequest(
      'TransitionToArchive needs a file system with ThroughputMode elastic and PerformanceMode generalPurpose',
    );
  }
  fs.lifecyclePolicies = policies;
  return { LifecyclePolicies: policies };
};

export const describeLifecycleConfiguration: OperationHandler = ({ store, scope }, { params }) => {
  const fs = store.fileSystem(scope, validate.fileSystemId(params.FileSystemId));
  return { LifecyclePolicies: fs.lifecyclePolicies };
};

export const putBackupPolicy: OperationHandler = ({ store, scope }, { params, body }) => {
  const fs = store.fileSystem(scope, validate.fileSystemId(params.FileSystemId));
  const status = validate.backupStatus(body);
  requireAvailable(fs);
  fs.backupStatus = status;
  return { BackupPolicy: { Status: status } };
};

/** PolicyNotFound until a backup policy exists (Backup on create, or PutBackupPolicy). */
export const describeBackupPolicy: OperationHandler = ({ store, scope }, { params }) => {
  const fs = store.fileSystem(scope, validate.fileSystemId(params.FileSystemId));
  if (fs.backupStatus === undefined)
    throw new EfsError('PolicyNotFound', `File system '${fs.id}' has no backup policy.`);
  return { BackupPolicy: { Status: fs.backupStatus } };
};

export const putFileSystemPolicy: OperationHandler = ({ store, scope }, { params, body }) => {
  const fs = store.fileSystem(scope, validate.fileSystemId(params.FileSystemId));
  const policy = validate.fileSystemPolicy(body);
  requireAvailable(fs);
  fs.policy = policy;
  return { FileSystemId: fs.id, Policy: policy };
};

export const describeFileSystemPolicy: OperationHandler = ({ store, scope }, { params }) => {
  const fs = store.fileSystem(scope, validate.fileSystemId(params.FileSystemId));
  if (fs.policy === undefined)
    throw new EfsError('PolicyNotFound', `File system '${fs.id}' has no file system policy.`);
  return { FileSystemId: fs.id, Policy: fs.policy };
};

export const deleteFileSystemPolicy: OperationHandler = ({ store, scope }, { params }) => {
  const fs = store.fileSystem(scope, validate.fileSystemId(params.FileSystemId));
  requireAvailable(fs);
  delete fs.policy;
  return undefined;
};

// Replication is not emulated: no file system ever has a replication configuration.

export const describeReplicationConfigurations: OperationHandler = ({ store, scope }, { query }) => {
  validate.maxItems(queryValue(query, 'MaxResults'), 'MaxResults', 100);
  validate.marker(queryValue(query, 'NextToken'), 'NextToken');
  const rawId = queryValue(query, 'FileSystemId');
  if (rawId === undefined) return { Replications: [] };
  const fs = store.fileSystem(scope, validate.fileSystemId(rawId));
  throw new EfsError('ReplicationNotFound', `File system '${fs.id}' has no replication configuration.`);
};

export const createReplicationConfiguration: OperationHandler = () => {
  throw new EfsError('NotImplemented', 'CreateReplicationConfiguration is not supported by the EFS emulator.');
};

export const deleteReplicationConfiguration: OperationHandler = ({ store, scope }, { params }) => {
  const fs = store.fileSystem(scope, validate.fileSystemId(params.SourceFileSystemId, 'SourceFileSystemId'));
  throw new EfsError('ReplicationNotFound', `File system '${fs.id}' has no replication configuration.`);
};

// Account preferences choose the id format of new resources.

const idResources = ['FILE_SYSTEM', 'MOUNT_TARGET'];

export const describeAccountPreferences: OperationHandler = ({ store }) => ({
  ResourceIdPreference: { ResourceIdType: store.idLength, Resources: idResources },
});

export const putAccountPreferences: OperationHandler = ({ store }, { body }) => {
  const type = validate.optionalEnum(body, 'ResourceIdType', ['LONG_ID', 'SHORT_ID'] as const);
  if (type === undefined) throw badRequest('ResourceIdType is required (LONG_ID or SHORT_ID)');
  store.idLength = type;
  return { ResourceIdPreference: { ResourceIdType: type, Resources: idResources } };
};
