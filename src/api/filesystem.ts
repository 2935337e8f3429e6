/**
 * The FileSystem resource (efs.services.k8s.aws/v1alpha1): the same group, kind and spec field
 * names as the ACK EFS controller, so ACK manifests apply unchanged. Status is ACK's plus
 * observedGeneration, the workflow id and the guard fields this controller needs.
 */
import { type KubeObject } from './object';
import { type CommonStatus } from './status';
import { type StorageClassStatus } from './storage-class';

export type { ObjectMeta } from './object';

export const group = 'efs.services.k8s.aws';
export const version = 'v1alpha1';
export const apiVersion = `${group}/${version}`;

export interface KindNames {
  kind: string;
  plural: string;
  singular: string;
  listKind: string;
  shortNames: string[];
  /** The API group, when not efs.services.k8s.aws (ACK's common kinds, such as FieldExport). */
  group?: string;
}

/** The API group and version of a kind's objects. */
export function groupVersionOf(names: KindNames): { group: string; version: string; apiVersion: string } {
  const g = names.group ?? group;
  return { group: g, version, apiVersion: `${g}/${version}` };
}

export const fileSystemNames: KindNames = {
  kind: 'FileSystem',
  plural: 'filesystems',
  singular: 'filesystem',
  listKind: 'FileSystemList',
  shortNames: ['efsfs'],
};

/** Our finalizer: kept apart from ACK's so the two controllers never remove each other's. */
export const finalizerName = 'efs.services.k8s.aws/efs-orchestrator';

export interface Tag {
  key?: string;
  value?: string;
}

export interface LifecyclePolicy {
  transitionToArchive?: string;
  transitionToIA?: string;
  transitionToPrimaryStorageClass?: string;
}

/** A reference to another object (ACK's AWSResourceReferenceWrapper). */
export interface ResourceReference {
  from?: { name?: string; namespace?: string };
}

/** ACK's replication destination (efs-controller `replicationConfiguration[]`). */
export interface ReplicationDestination {
  region?: string;
  availabilityZoneName?: string;
  fileSystemID?: string;
  fileSystemRef?: ResourceReference;
  kmsKeyID?: string;
  kmsKeyRef?: ResourceReference;
  roleARN?: string;
  roleRef?: ResourceReference;
}

/** A replication configuration as status reports it (AWS's ReplicationConfigurationDescription, ACK's names). */
export interface ReplicationConfigurationStatus {
  creationTime?: string;
  destinations?: {
    fileSystemID?: string;
    lastReplicatedTimestamp?: string;
    ownerID?: string;
    region?: string;
    roleARN?: string;
    status?: string;
    statusMessage?: string;
  }[];
  originalSourceFileSystemARN?: string;
  sourceFileSystemARN?: string;
  sourceFileSystemID?: string;
  sourceFileSystemOwnerID?: string;
  sourceFileSystemRegion?: string;
}

export interface FileSystemSpec {
  availabilityZoneName?: string;
  backup?: boolean;
  backupPolicy?: { status?: string };
  encrypted?: boolean;
  fileSystemProtection?: { replicationOverwriteProtection?: string };
  kmsKeyID?: string;
  kmsKeyRef?: { from?: { name?: string; namespace?: string } };
  lifecyclePolicies?: LifecyclePolicy[];
  performanceMode?: string;
  policy?: string | null;
  provisionedThroughputInMiBps?: number;
  replicationConfiguration?: ReplicationDestination[];
  tags?: Tag[];
  throughputMode?: string;
}

export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** The Kubernetes condition shape (metav1.Condition). */
export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export type FileSystemStatus = CommonStatus & {
  ackResourceMetadata?: { arn?: string; ownerAccountID?: string; region?: string };
  availabilityZoneID?: string;
  creationTime?: string;
  fileSystemID?: string;
  name?: string;
  numberOfMountTargets?: number;
  ownerID?: string;
  /** The StorageClass published for the file system, when its annotations ask for one. */
  storageClass?: StorageClassStatus;
  /** The replication configuration as AWS describes it (ACK's field); empty without one. */
  replicationConfigurationStatus?: ReplicationConfigurationStatus[];
  sizeInBytes?: {
    timestamp?: string;
    value?: number;
    valueInArchive?: number;
    valueInIA?: number;
    valueInStandard?: number;
  };
};

export type FileSystemObject = KubeObject<FileSystemSpec, FileSystemStatus>;

/** Condition types, as ACK names them, plus Kubernetes' conventional Ready. */
export const ConditionType = {
  synced: 'ACK.ResourceSynced',
  terminal: 'ACK.Terminal',
  recoverable: 'ACK.Recoverable',
  ready: 'Ready',
} as const;
