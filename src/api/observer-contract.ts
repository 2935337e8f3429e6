import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { AwsPartition } from '../aws/partition';
import { type StatusFields } from './status';
import { taskQueue } from './workflow-contract';

/**
 * The contract between object workflows and the observer of their (account, Region): an object
 * workflow asks to be told when its resource reaches a state (a watch), the observer looks at AWS
 * within its request budget and signals the object's workflow once (an observation). Pure:
 * imported by workflow code.
 */

/**
 * The workflow type and id of the one observer per partition (the id comes from partitionKey).
 * Orchestrators on another task queue of the same Temporal namespace are other deployments: each
 * has its own observer, named with its queue.
 */
export const observerWorkflowType = 'observerWorkflow';
export function observerWorkflowId(partitionKey: string, queue: string = taskQueue): string {
  return queue === taskQueue ? `efs-observer/${partitionKey}` : `efs-observer/${partitionKey}/${queue}`;
}

/**
 * What a watch waits for: the resource ready to use, gone, or different from what was last seen;
 * `released` withdraws the workflow's watch (its object let go of a resource it keeps).
 */
export type WatchUntil = 'ready' | 'gone' | 'changed' | 'released';

export interface Watch {
  /** The object workflow to signal; one watch per workflow (a newer ticket replaces the older one). */
  workflowId: string;
  kind: string;
  /** The AWS id watched (a file system's, mount target's or access point's). */
  resourceId: string;
  /** The file system the resource belongs to (for a FileSystem: its own id). */
  fileSystemId: string;
  until: WatchUntil;
  /** Increases with every watch of one workflow: an observation answers exactly one ticket. */
  ticket: number;
  /** For `changed`: the fingerprint of what the object last saw (see fingerprintOf). */
  seen?: string;
  /**
   * For `changed`: the settings DescribeFileSystems does not return that the spec manages, read at
   * the observer's slow cadence, and their fingerprint as the object last left them (absent in
   * watches of older workflows and of specs that manage none).
   */
  slow?: SlowWatch;
}

/** Which of the settings DescribeFileSystems does not return a spec manages (src/domain/slow-reads.ts). */
export interface SlowSettings {
  lifecycle: boolean;
  backup: boolean;
  policy: boolean;
}

export interface SlowWatch {
  settings: SlowSettings;
  /** The fingerprint of those settings as AWS held them after the object's last pass (slowFingerprint). */
  seen: string;
}

/**
 * The observer's memory of its slow reads, carried from round to round: every watch whose turn
 * came by `upTo` was read, but those in `pending` (workflow ids: deferred by the budget or failed).
 */
export interface SlowReadMemory {
  upTo: number;
  pending: string[];
}

export interface Observation {
  ticket: number;
  /** What was seen: ready, gone, failed (a state AWS cannot recover), or changed since `seen`. */
  outcome: 'ready' | 'gone' | 'failed' | 'changed';
  lifeCycleState?: string;
  /** The status fields of the resource as observed (absent when gone). */
  status?: StatusFields;
  /** The fingerprint of what was observed, for the next `changed` watch. */
  fingerprint?: string;
}

export interface ObserverInput {
  partition: AwsPartition;
  /** Watches handed over by continue-as-new. */
  watches?: Watch[];
  /** The slow reads' memory handed over by continue-as-new (absent: every watch is read at its next look). */
  slowReads?: SlowReadMemory;
}

/** What one run of the observation loop settled: watches answered (or whose workflow is gone). */
export interface ObserverRound {
  settled: { workflowId: string; ticket: number }[];
  /** Where the slow reads stand, for the next round (absent in rounds recorded before slow reads). */
  slowReads?: SlowReadMemory;
}

export const watchSignal = defineSignal<[Watch]>('watch');
export const watchesQuery = defineQuery<Watch[]>('watches');
/** Sent to an object workflow: the observation answering its watch. */
export const observedSignal = defineSignal<[Observation]>('observed');
