import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { kindInfo } from '../api/kinds';
import { type KubeObject } from '../api/object';
import { searchAttributes } from '../api/search-attributes';
import {
  objectChangedSignal,
  workflowIdFor,
  type ObjectRef,
  type ObjectSnapshot,
  type WorkflowOptions,
} from '../api/workflow-contract';

/** Translates what the watcher sees into workflow signals; never calls AWS, never writes status. */
export interface SignallerOptions {
  client: Client;
  taskQueue: string;
  workflowOptions: WorkflowOptions;
}

export function refOf(obj: KubeObject): ObjectRef {
  return { namespace: obj.metadata.namespace, name: obj.metadata.name, uid: obj.metadata.uid };
}

export function snapshotOf(obj: KubeObject): ObjectSnapshot {
  return {
    generation: obj.metadata.generation ?? 1,
    spec: obj.spec as ObjectSnapshot['spec'],
    annotations: obj.metadata.annotations ?? {},
    deletionRequested: obj.metadata.deletionTimestamp !== undefined,
  };
}

/**
 * What makes a change worth a signal: spec (generation), annotations and deletion. Status writes
 * (our own) and resourceVersion bumps are not.
 */
export function fingerprintOf(obj: KubeObject): string {
  const s = snapshotOf(obj);
  return JSON.stringify([s.generation, s.annotations, s.deletionRequested]);
}

/** Starts the object's workflow if it is not running, and hands it the latest snapshot. */
export async function signalObject(options: SignallerOptions, kind: string, obj: KubeObject): Promise<string> {
  const ref = refOf(obj);
  const workflowId = workflowIdFor(kind, ref);
  await options.client.workflow.signalWithStart(kindInfo(kind).workflowType, {
    workflowId,
    taskQueue: options.taskQueue,
    args: [{ ref, options: options.workflowOptions }],
    signal: objectChangedSignal,
    signalArgs: [snapshotOf(obj)],
    typedSearchAttributes: [
      { key: searchAttributes.namespace, value: ref.namespace },
      { key: searchAttributes.name, value: ref.name },
      { key: searchAttributes.kind, value: kind },
    ],
    staticSummary: `${kind} ${ref.namespace}/${ref.name}`,
    staticDetails: `Kubernetes object \`${ref.namespace}/${ref.name}\` (uid ${ref.uid}) of kind ${kind} (efs.services.k8s.aws/v1alpha1).`,
  });
  return workflowId;
}

/**
 * An object that is gone for good: tell a still-running workflow, but never start one just to
 * learn that the object no longer exists.
 */
export async function signalDeleted(options: SignallerOptions, kind: string, obj: KubeObject): Promise<void> {
  const handle = options.client.workflow.getHandle(workflowIdFor(kind, refOf(obj)));
  try {
    await handle.signal(objectChangedSignal, { ...snapshotOf(obj), deletionRequested: true });
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
}
