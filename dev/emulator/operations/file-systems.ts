import { EfsError, badRequest } from '../errors';
import {
  type FileSystemRecord,
  type PerformanceMode,
  type Tag,
  type ThroughputMode,
  provisionedThroughputRange,
  kmsKeyArn,
  fileSystemDescription,
  throughputChangeCooldownMs,
  transition,
} from '../model';
import { availabilityZoneId, checkAvailabilityZone } from '../network';
import { paginate } from '../pagination';
import { type OperationContext } from '../store';
import {
  type JsonObject,
  checkString,
  fileSystemId,
  pageMarker,
  maxItems,
  optionalBoolean,
  optionalEnum,
  optionalNumber,
  optionalString,
  requiredString,
} from '../validation';
import { tags } from './tags';
import { refuseWhileReplicating } from './replication';
import { type OperationHandler, queryValue, requireAvailable, requireRoomForFileSystem } from './common';

// Request rules

export const performanceModes: readonly PerformanceMode[] = ['generalPurpose', 'maxIO'];
export const throughputModes: readonly ThroughputMode[] = ['bursting', 'provisioned', 'elastic'];
const kmsKeyIdPattern =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias\/[a-zA-Z0-9/_-]+|(arn:aws[-a-z]*:kms:[a-z0-9-]+:\d{12}:((key\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})|(key\/mrk-[0-9a-f]{32})|(alias\/[a-zA-Z0-9/_-]+))))$/;

export interface CreateFileSystemInput {
  creationToken: string;
  performanceMode: PerformanceMode;
  throughputMode: ThroughputMode;
  provisionedThroughputInMibps?: number;
  encrypted: boolean;
  kmsKeyId?: string;
  availabilityZoneName?: string;
  backup: boolean;
  tags: Tag[];
}

export function createFileSystemInput(body: JsonObject): CreateFileSystemInput {
  const creationToken = requiredString(body, 'CreationToken', { min: 1, max: 64 });
  const performanceMode = optionalEnum(body, 'PerformanceMode', performanceModes) ?? 'generalPurpose';
  const throughputMode = optionalEnum(body, 'ThroughputMode', throughputModes) ?? 'bursting';
  const provisioned = optionalNumber(body, 'ProvisionedThroughputInMibps');
  const encrypted = optionalBoolean(body, 'Encrypted');
  const kmsKeyId = optionalString(body, 'KmsKeyId', {
    max: 2048,
    pattern: kmsKeyIdPattern,
    patternText: 'a KMS key id, key ARN, alias or alias ARN',
  });
  const availabilityZoneName = optionalString(body, 'AvailabilityZoneName', { min: 1, max: 64 });
  const backup = optionalBoolean(body, 'Backup');

  if (kmsKeyId !== undefined && encrypted !== true) throw badRequest('KmsKeyId requires Encrypted to be true');
  checkThroughput(throughputMode, provisioned, undefined);
  if (performanceMode === 'maxIO' && availabilityZoneName !== undefined) {
    throw badRequest('PerformanceMode maxIO is not available for One Zone file systems (AvailabilityZoneName)');
  }
  if (performanceMode === 'maxIO' && throughputMode === 'elastic') {
    throw badRequest('ThroughputMode elastic requires PerformanceMode generalPurpose');
  }
  return {
    creationToken,
    performanceMode,
    throughputMode,
    provisionedThroughputInMibps: throughputMode === 'provisioned' ? provisioned : undefined,
    encrypted: encrypted ?? false,
    kmsKeyId,
    availabilityZoneName,
    backup: backup ?? availabilityZoneName !== undefined,
    tags: tags(body.Tags),
  };
}

/**
 * Provisioned mode needs a value in range; a value needs provisioned mode. `currentValue` is the
 * value a provisioned file system already has (an update may leave it out).
 */
export function checkThroughput(
  mode: ThroughputMode,
  value: number | undefined,
  currentValue: number | undefined,
): void {
  if (mode !== 'provisioned') {
    if (value !== undefined)
      throw badRequest(`ProvisionedThroughputInMibps can only be set with ThroughputMode provisioned (got ${mode})`);
    return;
  }
  const effective = value ?? currentValue;
  if (effective === undefined) throw badRequest('ThroughputMode provisioned requires ProvisionedThroughputInMibps');
  if (effective < provisionedThroughputRange.min) {
    throw badRequest(
      `ProvisionedThroughputInMibps must be at least ${provisionedThroughputRange.min}; got ${effective}`,
    );
  }
  if (effective > provisionedThroughputRange.max) {
    throw new EfsError(
      'ThroughputLimitExceeded',
      `ProvisionedThroughputInMibps ${effective} exceeds the limit of ${provisionedThroughputRange.max} MiB/s`,
    );
  }
}

export interface UpdateFileSystemInput {
  throughputMode?: ThroughputMode;
  provisionedThroughputInMibps?: number;
}

export function updateFileSystemInput(body: JsonObject): UpdateFileSystemInput {
  const throughputMode = optionalEnum(body, 'ThroughputMode', throughputModes);
  const provisionedThroughputInMibps = optionalNumber(body, 'ProvisionedThroughputInMibps');
  if (throughputMode === undefined && provisionedThroughputInMibps === undefined) {
    throw badRequest('UpdateFileSystem needs ThroughputMode or ProvisionedThroughputInMibps');
  }
  return { throughputMode, provisionedThroughputInMibps };
}

export function replicationOverwriteProtection(body: JsonObject): 'ENABLED' | 'DISABLED' | undefined {
  return optionalEnum(body, 'ReplicationOverwriteProtection', ['ENABLED', 'DISABLED'] as const);
}

// Operations

export const describe = (context: OperationContext, fs: FileSystemRecord): Record<string, unknown> =>
  fileSystemDescription(fs, context.store.mountTargetsOf(fs.id).length);

export const createFileSystem: OperationHandler = (context, { body }) => {
  const { store, config, scope, now } = context;
  const input = createFileSystemInput(body);
  if (input.availabilityZoneName !== undefined) checkAvailabilityZone(input.availabilityZoneName, scope.region);

  const existing = store.fileSystemByToken(scope, input.creationToken);
  if (existing) {
    throw new EfsError(
      'FileSystemAlreadyExists',
      `File system '${existing.id}' already exists with creation token '${input.creationToken}'`,
      { FileSystemId: existing.id },
    );
  }
  requireRoomForFileSystem(context, scope);

  const fs: FileSystemRecord = {
    seq: store.nextSeq(),
    id: store.newId('fs'),
    region: scope.region,
    ownerId: scope.accountId,
    creationToken: input.creationToken,
    createdAt: now,
    lifecycle: transition(
      'creating',
      'available',
      now,
      store.takeCreateDelay(input.creationToken, config.createDelayMs),
    ),
    performanceMode: input.performanceMode,
    throughputMode: input.throughputMode,
    provisionedThroughputInMibps: input.provisionedThroughputInMibps,
    encrypted: input.encrypted,
    kmsKeyId: input.encrypted ? kmsKeyArn(input.kmsKeyId, scope) : undefined,
    availabilityZoneName: input.availabilityZoneName,
    availabilityZoneId: input.availabilityZoneName && availabilityZoneId(input.availabilityZoneName),
    tags: input.tags,
    backupStatus: input.backup ? 'ENABLED' : undefined,
    lifecyclePolicies: [],
    replicationOverwriteProtection: 'ENABLED',
  };
  store.fileSystems.set(fs.id, fs);
  return describe(context, fs);
};

export const describeFileSystems: OperationHandler = (context, { query }) => {
  const { store, scope, config } = context;
  const limit = maxItems(queryValue(query, 'MaxItems'), 'MaxItems', 100);
  const marker = pageMarker(queryValue(query, 'Marker'), 'Marker');
  const creationToken = queryValue(query, 'CreationToken');
  const rawId = queryValue(query, 'FileSystemId');
  if (creationToken !== undefined) checkString(creationToken, 'CreationToken', { min: 1, max: 64 });
  if (creationToken !== undefined && rawId !== undefined) {
    throw badRequest('Request cannot contain both a FileSystemId and a CreationToken');
  }

  let corpus: FileSystemRecord[];
  if (rawId !== undefined) corpus = [store.fileSystem(scope, fileSystemId(rawId))];
  else if (creationToken !== undefined)
    corpus = store.fileSystemsIn(scope).filter((fs) => fs.creationToken === creationToken);
  else corpus = store.fileSystemsIn(scope);

  const page = paginate(corpus, (fs) => fs.seq, {
    limit,
    marker,
    markerName: 'Marker',
    pageSizeCap: config.pageSizeCap,
  });
  return {
    ...(marker !== undefined ? { Marker: marker } : {}),
    FileSystems: page.items.map((fs) => describe(context, fs)),
    ...(page.next !== undefined ? { NextMarker: page.next } : {}),
  };
};

export const updateFileSystem: OperationHandler = (context, { params, body }) => {
  const { store, scope, now, config } = context;
  const fs = store.fileSystem(scope, fileSystemId(params.FileSystemId));
  const input = updateFileSystemInput(body);
  requireAvailable(fs);

  const mode = input.throughputMode ?? fs.throughputMode;
  const currentValue = fs.throughputMode === 'provisioned' ? fs.provisionedThroughputInMibps : undefined;
  checkThroughput(mode, input.provisionedThroughputInMibps, currentValue);
  if (mode === 'elastic' && fs.performanceMode === 'maxIO') {
    throw badRequest('ThroughputMode elastic requires PerformanceMode generalPurpose');
  }
  const value = mode === 'provisioned' ? (input.provisionedThroughputInMibps ?? currentValue) : undefined;

  // The 24-hour rule: after switching to provisioned or raising the amount, neither a mode change
  // nor a decrease is allowed for 24 hours; raising it again is always allowed (and restarts the wait).
  const modeChange = mode !== fs.throughputMode;
  const increase = mode === 'provisioned' && currentValue !== undefined && value !== undefined && value > currentValue;
  const decrease = mode === 'provisioned' && currentValue !== undefined && value !== undefined && value < currentValue;
  const restrictedUntil = fs.throughputRestrictedUntil;
  if ((modeChange || decrease) && restrictedUntil !== undefined && now < restrictedUntil) {
    throw new EfsError(
      'TooManyRequests',
      'You have reached the maximum number of throughput mode changes or provisioned throughput value decreases. ' +
        `Wait until ${utcSeconds(restrictedUntil)} UTC and try again.`,
    );
  }
  if ((modeChange && mode === 'provisioned') || increase)
    fs.throughputRestrictedUntil = now + throughputChangeCooldownMs;

  fs.throughputMode = mode;
  fs.provisionedThroughputInMibps = value;
  fs.lifecycle = transition('updating', 'available', now, config.updateDelayMs);
  return describe(context, fs);
};

/** `2025-01-02T03:04:05Z`, rounded up so waiting until then is always enough. */
function utcSeconds(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export const deleteFileSystem: OperationHandler = (context, { params }) => {
  const { store, scope, now, config } = context;
  const fs = store.fileSystem(scope, fileSystemId(params.FileSystemId));
  refuseWhileReplicating(context, fs, 'delete');
  const mountTargets = store.mountTargetsOf(fs.id);
  if (mountTargets.length > 0) {
    throw new EfsError(
      'FileSystemInUse',
      `File system '${fs.id}' has ${mountTargets.length} mount target(s); delete them and wait until they are gone first.`,
    );
  }
  if (fs.lifecycle.state !== 'deleting') fs.lifecycle = transition('deleting', 'gone', now, config.deleteDelayMs);
  return undefined;
};

export const updateFileSystemProtection: OperationHandler = (context, { params, body }) => {
  const { store, scope, now, config } = context;
  const fs = store.fileSystem(scope, fileSystemId(params.FileSystemId));
  const protection = replicationOverwriteProtection(body);
  if (protection === undefined) throw badRequest('ReplicationOverwriteProtection is required (ENABLED or DISABLED)');
  refuseWhileReplicating(context, fs, 'change the protection of');
  requireAvailable(fs);
  fs.replicationOverwriteProtection = protection;
  fs.lifecycle = transition('updating', 'available', now, config.updateDelayMs);
  return { ReplicationOverwriteProtection: protection };
};
