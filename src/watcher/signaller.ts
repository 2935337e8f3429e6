import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { fileSystemNames, type FileSystemObject } from '../api/filesystem';
import { searchAttributes } from '../api/search-attributes';
import {
  objectChangedSignal,
  workflowIdFor,
  type ObjectRef,
  type ObjectSnapshot,
  type WorkflowOptions,
} from '../api/workflow-contract';
import { fileSystemWorkflow } from '../workflows/filesystem';

/** Translates what the watcher sees into workflow signals; never calls AWS, never writes status. */
export interface SignallerOptions {
  client: Client;
  taskQueue: string;
  workflowOptions: WorkflowOptions;
}

export function refOf(obj: FileSystemObject): ObjectRef {
  return { namespace: obj.metadata.namespace, name: obj.metadata.name, uid: obj.metadata.uid };
}

export function snapshotOf(obj: FileSystemObject): ObjectSnapshot {
  return {
    generation: obj.metadata.generation ?? 1,
    spec: obj.spec,
    annotations: obj.metadata.annotations ?? {},
    deletionRequested: obj.metadata.deletionTimestamp !== undefined,
  };
}

/**
 * What makes a change worth a signal: spec (generation), annotations and deletion. Status writes
 * (our own) and resourceVersion bumps are not.
 */
export function fingerprintOf(obj: FileSystemObject): string {
  const s = snapshotOf(obj);
  return JSON.stringify([s.generation, s.annotations, s.deletionRequested]);
}

/** Starts the object's workflow if it is not running, and hands it the latest snapshot. */
export async function signalObject(options: SignallerOptions, obj: FileSystemObject): Promise<string> {
  const ref = refOf(obj);
  const workflowId = workflowIdFor(fileSystemNames.kind, ref);
  await options.client.workflow.signalWithStart(fileSystemWorkflow, {
    workflowId,
    taskQueue: options.taskQueue,
    args: [{ ref, options: options.workflowOptions }],
    signal: objectChangedSignal,
    signalArgs: [snapshotOf(obj)],
    typedSearchAttributes: [
      { key: searchAttributes.namespace, value: ref.namespace },
      { key: searchAttributes.name, value: ref.name },
      { key: searchAttributes.kind, value: fileSystemNames.kind },
    ],
    staticSummary: `FileSystem ${ref.namespace}/${ref.name}`,
    staticDetails: `Kubernetes object \`${ref.namespace}/${ref.name}\` (uid ${ref.uid}) of kind FileSystem (efs.services.k8s.aws/v1alpha1).`,
  });
  return workflowId;
}

/**
 * An object that is gone for good: tell a still-running workflow, but never start one just to
 * learn that the object no longer exists.
 */
export async function signalDeleted(options: SignallerOptions, obj: FileSystemObject): Promise<void> {
  const handle = options.client.workflow.getHandle(workflowIdFor(fileSystemNames.kind, refOf(obj)));
  try {
    await handle.signal(objectChangedSignal, { ...snapshotOf(obj), deletionRequested: true });
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
}
