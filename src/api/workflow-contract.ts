import { defineQuery, defineSignal } from '@temporalio/workflow';
import { type FileSystemSpec } from './filesystem';
import { type SlowWatch } from './observer-contract';

/**
 * The contract between the watcher (which starts and signals workflows), the workflow, and the
 * CLI (which queries them). Pure: imported by workflow code.
 */
export const taskQueue = 'efs-orchestrator';

/**
 * The task queue of the object workflows' EFS calls, beside their own. Its workers set the
 * server-enforced activity rate (`maxTaskQueueActivitiesPerSecond`): the account's EFS budget is
 * admission to this queue, held across every worker, and a call waits for it before its
 * start-to-close timeout begins.
 */
export function efsTaskQueueFor(workflowTaskQueue: string): string {
  return `${workflowTaskQueue}-efs`;
}

export interface ObjectRef {
  namespace: string;
  name: string;
  uid: string;
}

/** One workflow per object incarnation: a recreated object with the same name gets a new uid, so a new workflow. */
export function workflowIdFor(kind: string, ref: ObjectRef): string {
  return `${kind.toLowerCase()}/${ref.namespace}/${ref.name}/${ref.uid}`;
}

/** The object a workflow id names (the inverse of workflowIdFor; the kind in lower case), or undefined for another id. */
export function objectOfWorkflowId(workflowId: string): (ObjectRef & { lowerCaseKind: string }) | undefined {
  const parts = workflowId.split('/');
  if (parts.length !== 4 || parts.some((p) => p === '')) return undefined;
  const [lowerCaseKind, namespace, name, uid] = parts as [string, string, string, string];
  return { lowerCaseKind, namespace, name, uid };
}

/** What the watcher saw of the object: enough for the workflow to act without reading it back. */
export interface ObjectSnapshot {
  generation: number;
  spec: FileSystemSpec | undefined;
  annotations: Record<string, string>;
  deletionRequested: boolean;
}

export interface WorkflowOptions {
  /** How often an idle workflow re-reads its file system from AWS (drift check), in seconds. */
  resyncIntervalSeconds: number;
  /** The longest a failed step waits before its next try, in seconds (default: as long as the error says). */
  longestRetryDelaySeconds?: number;
  /** Continue as new once the history has this many events (default: when Temporal suggests it). */
  continueAsNewAtHistoryLength?: number;
}

export interface FileSystemWorkflowInput {
  ref: ObjectRef;
  options: WorkflowOptions;
  /** State handed over by continue-as-new. */
  carried?: CarriedState;
}

export interface CarriedState {
  /** The file system the object is (or belongs to). */
  fileSystemId?: string;
  /** For mount targets and access points: their own AWS id. */
  resourceId?: string;
  handledGeneration: number;
  statusSequence: number;
  latest?: ObjectSnapshot;
  resyncRequested: boolean;
  /** The last resync-request annotation value acted on. */
  handledResyncRequest?: string;
  /** What the object publishes for the EFS CSI driver (a FileSystem's StorageClass and owned mount targets). */
  storage?: StorageState;
  /** The ticket of the watch last handed to the observer, and what it waits for. */
  watchTicket?: number;
  watchUntil?: 'ready' | 'gone' | 'changed' | 'released';
  /** The observer's fingerprint of the resource as last seen ready (a change of it is drift). */
  seenFingerprint?: string;
  /** The slow settings the last pass left (its apply's, or a settled create's), for the observer to read. */
  slowWatch?: SlowWatch;
}

export interface StorageState {
  /** The storage annotations (as one fingerprint) the last pass acted on. */
  handled: string;
  /** The StorageClass this object made and has not removed yet. */
  storageClass?: string;
  /** Whether this object has made MountTarget objects of its own. */
  ownsMountTargets?: boolean;
}

/** What `efs-orchestrator explain` and the UI's query tab show. */
export interface WorkflowState {
  ref: ObjectRef;
  fileSystemId?: string;
  resourceId?: string;
  lifeCycleState?: string;
  syncState: string;
  message: string;
  handledGeneration: number;
  latestGeneration?: number;
  statusSequence: number;
  nextRetryAt?: string;
  /** What the workflow waits for the observer to say, while it waits (e.g. "fs-1 available"). */
  awaitingObserver?: string;
}

export const objectChangedSignal = defineSignal<[ObjectSnapshot]>('objectChanged');
export const resyncSignal = defineSignal<[]>('resync');
export const stateQuery = defineQuery<WorkflowState>('state');

/** Annotations users set on an object. The `services.k8s.aws/` ones mean what they mean for ACK. */
export const annotations = {
  /** `delete` (default) or `retain`: whether deleting the object deletes the AWS resource. */
  deletionPolicy: 'services.k8s.aws/deletion-policy',
  /** On a namespace: the deletion policy of its objects that set none (as ACK reads it). */
  namespaceDeletionPolicy: 'efs.services.k8s.aws/deletion-policy',
  /** `adopt` or `adopt-or-create`: take over an existing file system instead of creating one. */
  adoptionPolicy: 'services.k8s.aws/adoption-policy',
  /** JSON naming the resource to adopt, e.g. {"fileSystemID": "fs-0123456789abcdef0"}. */
  adoptionFields: 'services.k8s.aws/adoption-fields',
  /** "true": observe only; never create, change or delete anything in AWS. */
  readOnly: 'services.k8s.aws/read-only',
  /** Any new value (a timestamp, by convention) re-runs the sync now; the handled value is echoed in status. */
  resyncRequestedAt: 'efs-orchestrator.io/resync-requested-at',
  /** Seconds between drift checks for this object, overriding the orchestrator's default. */
  resyncInterval: 'efs-orchestrator.io/resync-interval',
  /** "true": adopt a resource whose recorded owner is gone, or that an ACK controller made (reported as an Event). */
  takeOver: 'efs-orchestrator.io/take-over',
  /** The AWS Region of the object's resource (ACK's first choice, before the namespace default). */
  region: 'services.k8s.aws/region',
  /** On a namespace: the Region of its objects that name none. */
  namespaceDefaultRegion: 'services.k8s.aws/default-region',
  /** On a namespace: the AWS account its objects' resources belong to (a role for it is in the role-account map). */
  namespaceOwnerAccountId: 'services.k8s.aws/owner-account-id',
} as const;

/** Temporal patch ids of workflow changes, so histories recorded before a change still replay. */
export const workflowPatches = {
  /** Spec updates, drift repair, adoption, read-only, resync requests and Events. */
  fullManagement: 'full-management',
  /** The namespace's default deletion policy, read when an object names none. */
  namespaceDeletionPolicy: 'namespace-deletion-policy',
  /**
   * Kinds whose spec was applied once (MountTarget, AccessPoint) apply, wait and read back until
   * nothing is left to change, as FileSystem always did, and report DriftCorrected.
   */
  applyUntilConverged: 'apply-until-converged',
  /** Kinds whose deletion did not wait (AccessPoint) wait until AWS reports the resource gone. */
  deletionWaitsUntilGone: 'deletion-waits-until-gone',
  /** Adoption checks who owns the resource; deletion deletes only what the object owns. */
  ownership: 'ownership',
  /**
   * References to other ACK controllers' objects (kmsKeyRef, subnetRef, securityGroupRefs) are
   * resolved in a step of their own before create and apply (before, such specs were refused).
   */
  references: 'references',
  /**
   * A FileSystem publishes a StorageClass of the EFS CSI driver and owned mount targets when its
   * annotations ask; its deletion removes them and waits while PersistentVolumes use it.
   */
  storageClass: 'storage-class',
  /** EFS activities run on the EFS task queue (efsTaskQueueFor), whose rate the server limits. */
  efsTaskQueue: 'efs-task-queue',
  /**
   * Waits and drift checks are answered by the observer of the account and Region (a signal)
   * instead of a polling activity and a per-object drift timer.
   */
  observer: 'observer',
  /**
   * A create that made the resource exactly as the spec asks (CreatedResource.settled) ends its
   * pass once the resource is ready, with no apply and read-back.
   */
  settledByCreate: 'settled-by-create',
} as const;
