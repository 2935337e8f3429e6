/** The emulator's records, its configuration, and how records are shown on the wire. */

export type LifeCycleState = 'creating' | 'available' | 'updating' | 'deleting' | 'deleted' | 'error';

/**
 * A resource's state plus the transition it is waiting for. Transitions are applied lazily (see
 * `settle`) when a request reads the store, so no timers run and a manual clock works.
 */
export interface Lifecycle<State extends string = LifeCycleState> {
  state: State;
  /** Absent: the state holds until an API call or the admin API changes it. */
  next?: { at: number; state: State | 'gone' };
}

/** Applies a due transition; returns true when the resource is now gone. */
export function settle<State extends string>(lifecycle: Lifecycle<State>, now: number): boolean {
  const next = lifecycle.next;
  if (!next || now < next.at) return false;
  if (next.state === 'gone') return true;
  lifecycle.state = next.state;
  delete lifecycle.next;
  return false;
}

/** `state` now, then `then` after `delayMs`; a null delay holds `state` until changed by hand. */
export function transition(
  state: LifeCycleState,
  then: LifeCycleState | 'gone',
  now: number,
  delayMs: number | null,
): Lifecycle {
  return delayMs === null ? { state } : { state, next: { at: now + delayMs, state: then } };
}

export interface Tag {
  Key: string;
  Value: string;
}

export interface LifecyclePolicy {
  TransitionToIA?: string;
  TransitionToPrimaryStorageClass?: string;
  TransitionToArchive?: string;
}

export type PerformanceMode = 'generalPurpose' | 'maxIO';
export type ThroughputMode = 'bursting' | 'provisioned' | 'elastic';

/** Requests see only the resources of their own Region (from the SigV4 scope) and account. */
export interface Scope {
  region: string;
  accountId: string;
}

export interface FileSystemRecord {
  /** Creation order; pagination markers point at it so deletions between pages skip nothing. */
  seq: number;
  id: string;
  region: string;
  ownerId: string;
  creationToken: string;
  createdAt: number;
  lifecycle: Lifecycle;
  performanceMode: PerformanceMode;
  throughputMode: ThroughputMode;
  provisionedThroughputInMibps?: number;
  encrypted: boolean;
  kmsKeyId?: string;
  availabilityZoneName?: string;
  availabilityZoneId?: string;
  tags: Tag[];
  backupStatus?: 'ENABLED' | 'DISABLED';
  lifecyclePolicies: LifecyclePolicy[];
  policy?: string;
  /** REPLICATING while the file system is the destination of a replication configuration. */
  replicationOverwriteProtection: 'ENABLED' | 'DISABLED' | 'REPLICATING';
  /** Until then, throughput mode changes and provisioned decreases are refused (the 24-hour rule). */
  throughputRestrictedUntil?: number;
}

export interface MountTargetRecord {
  seq: number;
  id: string;
  fileSystemId: string;
  region: string;
  ownerId: string;
  subnetId: string;
  vpcId: string;
  availabilityZoneName: string;
  availabilityZoneId: string;
  ipAddress: string;
  networkInterfaceId: string;
  securityGroups: string[];
  lifecycle: Lifecycle;
}

export interface PosixUser {
  Uid: number;
  Gid: number;
  SecondaryGids?: number[];
}

export interface RootDirectory {
  Path: string;
  CreationInfo?: { OwnerUid: number; OwnerGid: number; Permissions: string };
}

export interface AccessPointRecord {
  seq: number;
  id: string;
  fileSystemId: string;
  region: string;
  ownerId: string;
  clientToken: string;
  tags: Tag[];
  posixUser?: PosixUser;
  rootDirectory: RootDirectory;
  lifecycle: Lifecycle;
}

/** A destination's state as DescribeReplicationConfigurations reports it. */
export type ReplicationStatus = 'ENABLED' | 'ENABLING' | 'DELETING' | 'ERROR' | 'PAUSED' | 'PAUSING';

/**
 * One replication configuration: a source file system and its one destination (AWS allows one).
 * It is ENABLING, then ENABLED; deleting makes it DELETING, then gone (the destination becomes
 * writable again, its replication overwrite protection ENABLED).
 */
export interface ReplicationRecord {
  seq: number;
  sourceFileSystemId: string;
  sourceRegion: string;
  ownerId: string;
  createdAt: number;
  destination: { fileSystemId: string; region: string; ownerId: string; roleArn?: string };
  /** The destination's status and the transition it waits for. */
  lifecycle: Lifecycle<ReplicationStatus>;
}

/** Settings that can change while the emulator runs (admin API `PATCH /__admin/config`). */
export interface EmulatorConfig {
  /** Region used when a request carries no SigV4 credential scope. */
  region: string;
  /** OwnerId and the account part of every ARN, for requests not signed with credentials the local STS issued. */
  accountId: string;
  /** File system `creating` -> `available`. */
  createDelayMs: number;
  /** File system `updating` -> `available` after UpdateFileSystem / UpdateFileSystemProtection. */
  updateDelayMs: number;
  /** File system `deleting` -> gone. */
  deleteDelayMs: number;
  mountTargetCreateDelayMs: number;
  mountTargetDeleteDelayMs: number;
  accessPointCreateDelayMs: number;
  /** Replication ENABLING -> ENABLED. */
  replicationEnableDelayMs: number;
  /** Replication DELETING -> gone. */
  replicationDeleteDelayMs: number;
  /** File systems per account and Region (FileSystemLimitExceeded beyond it). */
  fileSystemLimit: number;
  /** Access points per file system (AccessPointLimitExceeded beyond it). */
  accessPointLimit: number;
  /**
   * When set, list operations return at most this many items per page whatever MaxItems says (AWS
   * may return fewer items than asked for), so clients must follow NextMarker.
   */
  pageSizeCap: number | null;
  /** Roles the local STS refuses to let anyone assume (AccessDenied), as a trust policy would. */
  refusedRoleArns: string[];
}

export const defaultConfig: EmulatorConfig = {
  region: 'us-east-1',
  accountId: '123456789012',
  createDelayMs: 1000,
  updateDelayMs: 1000,
  deleteDelayMs: 1000,
  mountTargetCreateDelayMs: 1000,
  mountTargetDeleteDelayMs: 1000,
  accessPointCreateDelayMs: 0,
  replicationEnableDelayMs: 1000,
  replicationDeleteDelayMs: 1000,
  fileSystemLimit: 1000,
  accessPointLimit: 10_000,
  pageSizeCap: null,
  refusedRoleArns: [],
};

export const provisionedThroughputRange = { min: 1, max: 3414 } as const;
export const throughputChangeCooldownMs = 24 * 60 * 60 * 1000;

export function fileSystemArn(fs: FileSystemRecord): string {
  return `arn:aws:elasticfilesystem:${fs.region}:${fs.ownerId}:file-system/${fs.id}`;
}

export function accessPointArn(ap: AccessPointRecord): string {
  return `arn:aws:elasticfilesystem:${ap.region}:${ap.ownerId}:access-point/${ap.id}`;
}

/** The API reports the key as an ARN; without one, the account's default key for EFS. */
export function kmsKeyArn(kmsKeyId: string | undefined, { region, accountId }: Scope): string {
  if (kmsKeyId === undefined) return `arn:aws:kms:${region}:${accountId}:key/e1a5710f-5e00-4000-8000-0000000000e5`;
  if (kmsKeyId.startsWith('arn:')) return kmsKeyId;
  if (kmsKeyId.startsWith('alias/')) return `arn:aws:kms:${region}:${accountId}:${kmsKeyId}`;
  return `arn:aws:kms:${region}:${accountId}:key/${kmsKeyId}`;
}

/** EFS timestamps are epoch seconds as JSON numbers. */
export const epochSeconds = (ms: number): number => ms / 1000;

const nameOf = (tags: Tag[]): string | undefined => tags.find((t) => t.Key === 'Name')?.Value;

/** Size of an empty file system as EFS reports it (metadata only). */
const emptyFileSystemBytes = 6144;

export function fileSystemDescription(fs: FileSystemRecord, numberOfMountTargets: number): Record<string, unknown> {
  return omitUndefined({
    OwnerId: fs.ownerId,
    CreationToken: fs.creationToken,
    FileSystemId: fs.id,
    FileSystemArn: fileSystemArn(fs),
    CreationTime: epochSeconds(fs.createdAt),
    LifeCycleState: fs.lifecycle.state,
    Name: nameOf(fs.tags),
    NumberOfMountTargets: numberOfMountTargets,
    SizeInBytes: {
      Value: emptyFileSystemBytes,
      ValueInIA: 0,
      ValueInStandard: emptyFileSystemBytes,
      ValueInArchive: 0,
    },
    PerformanceMode: fs.performanceMode,
    Encrypted: fs.encrypted,
    KmsKeyId: fs.kmsKeyId,
    ThroughputMode: fs.throughputMode,
    ProvisionedThroughputInMibps: fs.throughputMode === 'provisioned' ? fs.provisionedThroughputInMibps : undefined,
    AvailabilityZoneName: fs.availabilityZoneName,
    AvailabilityZoneId: fs.availabilityZoneId,
    Tags: fs.tags,
    FileSystemProtection: { ReplicationOverwriteProtection: fs.replicationOverwriteProtection },
  });
}

export function mountTargetDescription(mt: MountTargetRecord): Record<string, unknown> {
  return {
    OwnerId: mt.ownerId,
    MountTargetId: mt.id,
    FileSystemId: mt.fileSystemId,
    SubnetId: mt.subnetId,
    LifeCycleState: mt.lifecycle.state,
    IpAddress: mt.ipAddress,
    NetworkInterfaceId: mt.networkInterfaceId,
    AvailabilityZoneId: mt.availabilityZoneId,
    AvailabilityZoneName: mt.availabilityZoneName,
    VpcId: mt.vpcId,
  };
}

export function accessPointDescription(ap: AccessPointRecord): Record<string, unknown> {
  return omitUndefined({
    ClientToken: ap.clientToken,
    Name: nameOf(ap.tags),
    Tags: ap.tags,
    AccessPointId: ap.id,
    AccessPointArn: accessPointArn(ap),
    FileSystemId: ap.fileSystemId,
    PosixUser: ap.posixUser,
    RootDirectory: ap.rootDirectory,
    OwnerId: ap.ownerId,
    LifeCycleState: ap.lifecycle.state,
  });
}

export function replicationDescription(
  replication: ReplicationRecord,
  source: FileSystemRecord | undefined,
): Record<string, unknown> {
  const sourceArn = source
    ? fileSystemArn(source)
    : `arn:aws:elasticfilesystem:${replication.sourceRegion}:${replication.ownerId}:file-system/${replication.sourceFileSystemId}`;
  const d = replication.destination;
  return {
    SourceFileSystemId: replication.sourceFileSystemId,
    SourceFileSystemRegion: replication.sourceRegion,
    SourceFileSystemArn: sourceArn,
    SourceFileSystemOwnerId: replication.ownerId,
    OriginalSourceFileSystemArn: sourceArn,
    CreationTime: epochSeconds(replication.createdAt),
    Destinations: [
      omitUndefined({
        Status: replication.lifecycle.state,
        FileSystemId: d.fileSystemId,
        Region: d.region,
        OwnerId: d.ownerId,
        RoleArn: d.roleArn,
        LastReplicatedTimestamp:
          replication.lifecycle.state === 'ENABLED' ? epochSeconds(replication.createdAt) : undefined,
      }),
    ],
  };
}

function omitUndefined(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined));
}
