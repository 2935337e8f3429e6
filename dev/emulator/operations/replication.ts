/**
 * Replication (CreateReplicationConfiguration, DescribeReplicationConfigurations,
 * DeleteReplicationConfiguration) with AWS's rules: one destination; a file system takes part in at
 * most one replication configuration, as source or destination; a new destination file system is
 * created in the destination Region (and the caller's account, or the account of RoleArn), an
 * existing one must be available with replication overwrite protection DISABLED. While replicating,
 * the destination reports protection REPLICATING; deleting the configuration (from either side)
 * makes it DELETING, then gone, and the destination writable with protection ENABLED again.
 */
import { EfsError, badRequest } from '../errors';
import { type FileSystemRecord, type ReplicationRecord, kmsKeyArn, replicationDescription, transition } from '../model';
import { availabilityZoneId, checkAvailabilityZone } from '../network';
import { paginate } from '../pagination';
import { type OperationContext } from '../store';
import { asObject, fileSystemId, maxItems, optionalArray, optionalString, pageMarker } from '../validation';
import { type OperationHandler, queryValue, requireAvailable, requireRoomForFileSystem } from './common';

const regionPattern = /^[a-z]{2}-((iso[a-z]{0,1}-)|(gov-)){0,1}[a-z]+-{0,1}[0-9]{0,1}$/;
const roleArnPattern = /^arn:aws[-a-z]*:iam::(\d{12}):role\/[\w+=,.@/-]+$/;

interface DestinationInput {
  region: string;
  availabilityZoneName?: string;
  fileSystemId?: string;
  kmsKeyId?: string;
  roleArn?: string;
  /** The account that owns the destination: RoleArn's (cross-account), else the caller's. */
  accountId: string;
}

function destinationInput(body: Record<string, unknown>, callerAccount: string): DestinationInput {
  const destinations = optionalArray(body, 'Destinations');
  if (destinations === undefined || destinations.length === 0) throw badRequest('Destinations is required');
  if (destinations.length > 1) {
    throw new EfsError(
      'ValidationException',
      `Only one destination is supported per replication configuration; got ${destinations.length}`,
    );
  }
  const d = asObject(destinations[0], 'Each destination');
  const availabilityZoneName = optionalString(d, 'AvailabilityZoneName', { min: 1, max: 64 });
  const region =
    optionalString(d, 'Region', { min: 1, max: 64, pattern: regionPattern, patternText: 'a Region name' }) ??
    availabilityZoneName?.replace(/[a-z]$/, '');
  if (region === undefined) throw badRequest('A destination needs a Region (or an AvailabilityZoneName)');
  if (availabilityZoneName !== undefined) checkAvailabilityZone(availabilityZoneName, region);
  const existing = optionalString(d, 'FileSystemId', { max: 128 });
  const kmsKeyId = optionalString(d, 'KmsKeyId', { max: 2048 });
  const roleArn = optionalString(d, 'RoleArn', {
    pattern: roleArnPattern,
    patternText: 'an IAM role ARN',
  });
  if (existing !== undefined && (availabilityZoneName !== undefined || kmsKeyId !== undefined)) {
    throw badRequest(
      'AvailabilityZoneName and KmsKeyId apply to a new destination file system; leave them out with FileSystemId',
    );
  }
  if (roleArn !== undefined && existing === undefined) {
    throw badRequest('RoleArn is for replicating to an existing file system in another account; set FileSystemId too');
  }
  const accountId = roleArn ? (roleArnPattern.exec(roleArn)?.[1] ?? callerAccount) : callerAccount;
  return {
    region,
    availabilityZoneName,
    fileSystemId: existing === undefined ? undefined : fileSystemId(existing.replace(/^arn:.*\//, ''), 'FileSystemId'),
    kmsKeyId,
    roleArn,
    accountId,
  };
}

function refuseIfReplicating(context: OperationContext, fs: FileSystemRecord, role: string): void {
  const existing = context.store.replicationOf(fs.id);
  if (existing) {
    throw new EfsError(
      'ReplicationAlreadyExists',
      `The ${role} file system '${fs.id}' is already part of a replication configuration (source '${existing.sourceFileSystemId}')`,
    );
  }
}

/** The destination file system: an existing one (checked), or a new one created for the replica. */
function destinationFileSystem(
  context: OperationContext,
  source: FileSystemRecord,
  input: DestinationInput,
): FileSystemRecord {
  const { store, now, config } = context;
  const scope = { region: input.region, accountId: input.accountId };
  if (input.fileSystemId !== undefined) {
    const existing = store.fileSystem(scope, input.fileSystemId);
    if (existing.id === source.id) throw badRequest('A file system cannot replicate to itself');
    refuseIfReplicating(context, existing, 'destination');
    requireAvailable(existing);
    if (existing.replicationOverwriteProtection !== 'DISABLED') {
      throw new EfsError(
        'ConflictException',
        `The destination file system '${existing.id}' has replication overwrite protection ENABLED; disable it (UpdateFileSystemProtection) to replicate into it`,
      );
    }
    return existing;
  }
  requireRoomForFileSystem(context, scope);
  // A replica is always encrypted; without a key, the destination Region's default key for EFS.
  const created: FileSystemRecord = {
    seq: store.nextSeq(),
    id: store.newId('fs'),
    region: scope.region,
    ownerId: scope.accountId,
    creationToken: `replication-${source.id}-${now}`,
    createdAt: now,
    lifecycle: transition('creating', 'available', now, config.createDelayMs),
    performanceMode: source.performanceMode,
    throughputMode: source.throughputMode,
    provisionedThroughputInMibps: source.provisionedThroughputInMibps,
    encrypted: true,
    kmsKeyId: kmsKeyArn(input.kmsKeyId, scope),
    availabilityZoneName: input.availabilityZoneName,
    availabilityZoneId: input.availabilityZoneName && availabilityZoneId(input.availabilityZoneName),
    tags: [],
    lifecyclePolicies: [],
    replicationOverwriteProtection: 'REPLICATING',
  };
  store.fileSystems.set(created.id, created);
  return created;
}

const describe = (context: OperationContext, replication: ReplicationRecord): Record<string, unknown> =>
  replicationDescription(replication, context.store.fileSystems.get(replication.sourceFileSystemId));

export const createReplicationConfiguration: OperationHandler = (context, { params, body }) => {
  const { store, scope, now, config } = context;
  const source = store.fileSystem(scope, fileSystemId(params.SourceFileSystemId, 'SourceFileSystemId'));
  const input = destinationInput(body, scope.accountId);
  refuseIfReplicating(context, source, 'source');
  requireAvailable(source);
  const destination = destinationFileSystem(context, source, input);
  destination.replicationOverwriteProtection = 'REPLICATING';
  const replication: ReplicationRecord = {
    seq: store.nextSeq(),
    sourceFileSystemId: source.id,
    sourceRegion: source.region,
    ownerId: source.ownerId,
    createdAt: now,
    destination: {
      fileSystemId: destination.id,
      region: destination.region,
      ownerId: destination.ownerId,
      roleArn: input.roleArn,
    },
    lifecycle: { state: 'ENABLING', next: { at: now + config.replicationEnableDelayMs, state: 'ENABLED' } },
  };
  store.replications.set(source.id, replication);
  return describe(context, replication);
};

/** The configurations a caller in this Region sees: those whose source or destination is here. */
function visible(context: OperationContext): ReplicationRecord[] {
  const { scope } = context;
  return [...context.store.replications.values()].filter(
    (r) =>
      (r.sourceRegion === scope.region && r.ownerId === scope.accountId) ||
      (r.destination.region === scope.region && r.destination.ownerId === scope.accountId),
  );
}

export const describeReplicationConfigurations: OperationHandler = (context, { query }) => {
  const limit = maxItems(queryValue(query, 'MaxResults'), 'MaxResults', 100);
  const marker = pageMarker(queryValue(query, 'NextToken'), 'NextToken');
  const rawId = queryValue(query, 'FileSystemId');
  if (rawId !== undefined) {
    const fs = context.store.fileSystem(context.scope, fileSystemId(rawId));
    const replication = context.store.replicationOf(fs.id);
    if (!replication) {
      throw new EfsError('ReplicationNotFound', `File system '${fs.id}' has no replication configuration.`);
    }
    return { Replications: [describe(context, replication)] };
  }
  const page = paginate(visible(context), (r) => r.seq, {
    limit,
    marker,
    markerName: 'NextToken',
    pageSizeCap: context.config.pageSizeCap,
  });
  return {
    Replications: page.items.map((r) => describe(context, r)),
    ...(page.next !== undefined ? { NextToken: page.next } : {}),
  };
};

/** Either side may delete the configuration; a configuration already being deleted stays DELETING. */
export const deleteReplicationConfiguration: OperationHandler = (context, { params, query }) => {
  const { store, scope, now, config } = context;
  const fs = store.fileSystem(scope, fileSystemId(params.SourceFileSystemId, 'SourceFileSystemId'));
  const mode = queryValue(query, 'deletionMode');
  if (mode !== undefined && mode !== 'ALL_CONFIGURATIONS' && mode !== 'LOCAL_CONFIGURATION_ONLY') {
    throw badRequest(`deletionMode must be ALL_CONFIGURATIONS or LOCAL_CONFIGURATION_ONLY, not '${mode}'`);
  }
  const replication = store.replicationOf(fs.id);
  if (!replication)
    throw new EfsError('ReplicationNotFound', `File system '${fs.id}' has no replication configuration.`);
  if (replication.lifecycle.state !== 'DELETING') {
    replication.lifecycle = { state: 'DELETING', next: { at: now + config.replicationDeleteDelayMs, state: 'gone' } };
  }
  return undefined;
};

/**
 * DeleteFileSystem (FileSystemInUse) and UpdateFileSystemProtection (ReplicationAlreadyExists), the
 * codes their models list, refuse a file system that takes part in a replication.
 */
export function refuseWhileReplicating(
  context: OperationContext,
  fs: FileSystemRecord,
  action: 'delete' | 'change the protection of',
): void {
  const replication = context.store.replicationOf(fs.id);
  if (!replication) return;
  const role = replication.sourceFileSystemId === fs.id ? 'source' : 'destination';
  throw new EfsError(
    action === 'delete' ? 'FileSystemInUse' : 'ReplicationAlreadyExists',
    `Cannot ${action} file system '${fs.id}': it is the ${role} of a replication configuration; delete the replication configuration first`,
  );
}
