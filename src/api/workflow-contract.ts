import { defineQuery, defineSignal } from '@temporalio/workflow';
import { type FileSystemSpec } from './filesystem';

/**
 * The contract between the watcher (which starts and signals workflows), the workflow, and the
 * CLI (which queries them). Pure: imported by workflow code.
 */
export const taskQueue = 'efs-orchestrator';

export interface ObjectRef {
  namespace: string;
  name: string;
  uid: string;
}

/** One workflow per object incarnation: a recreated object with the same name gets a new uid, so a new workflow. */
export function workflowIdFor(kind: string, ref: ObjectRef): string {
  return `${kind.toLowerCase()}/${ref.namespace}/${ref.name}/${ref.uid}`;
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
}

export interface FileSystemWorkflowInput {
  ref: ObjectRef;
  options: WorkflowOptions;
  /** State handed over by continue-as-new. */
  carried?: CarriedState;
}

export interface CarriedState {
  fileSystemId?: string;
  handledGeneration: number;
  statusSequence: number;
  latest?: ObjectSnapshot;
  resyncRequested: boolean;
}

/** What `efs-orchestrator explain` and the UI's query tab show. */
export interface WorkflowState {
  ref: ObjectRef;
  fileSystemId?: string;
  lifeCycleState?: string;
  syncState: string;
  message: string;
  handledGeneration: number;
  latestGeneration?: number;
  statusSequence: number;
  nextRetryAt?: string;
}

export const objectChangedSignal = defineSignal<[ObjectSnapshot]>('objectChanged');
export const resyncSignal = defineSignal<[]>('resync');
export const stateQuery = defineQuery<WorkflowState>('state');

/** ACK's deletion-policy annotation: `retain` leaves the file system in AWS. */
export const deletionPolicyAnnotation = 'services.k8s.aws/deletion-policy';
