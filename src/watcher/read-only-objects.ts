import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { groupVersionOf } from '../api/filesystem';
import { kindInfo } from '../api/kinds';
import { type KubeObject } from '../api/object';
import { KindClient, type ObjectRef } from '../kube/client';

/** What the watch stream hands over: ADDED, MODIFIED, DELETED, BOOKMARK or ERROR and the object. */
export type WatchEventHandler = (phase: string, obj: KubeObject & { code?: number; message?: string }) => void;

/**
 * The watcher's only access to Kubernetes: it can list, watch and get the objects of one kind,
 * and nothing else. No method writes, so "the watcher never writes status" holds by
 * construction; status, finalizers and Events are the workflow's, through activities.
 */
export interface ReadOnlyObjects {
  readonly kind: string;
  list(): Promise<{ items: KubeObject[]; resourceVersion: string }>;
  /**
   * Watches from `resourceVersion` until the server ends the watch after `timeoutSeconds`, the
   * connection fails (`onDone` with the error) or the returned controller aborts it.
   */
  watch(
    resourceVersion: string,
    timeoutSeconds: number,
    onEvent: WatchEventHandler,
    onDone: (err?: unknown) => void,
  ): Promise<AbortController>;
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
}

export interface WatchScope {
  /** Kubernetes namespace to watch; empty for all. */
  namespace: string;
  labelSelector: string;
}

/** The objects of `kind` in `scope`, read-only. */
export function readOnlyObjects(kc: KubeConfig, kind: string, scope: WatchScope): ReadOnlyObjects {
  const { names } = kindInfo(kind);
  // Held in this closure only: the watcher sees the interface, never the client that could write.
  const client = new KindClient(kc, names);
  const namespace = scope.namespace || undefined;
  const labelSelector = scope.labelSelector || undefined;
  const { group, version } = groupVersionOf(names);
  const path = namespace
    ? `/apis/${group}/${version}/namespaces/${namespace}/${names.plural}`
    : `/apis/${group}/${version}/${names.plural}`;
  return {
    kind,
    list: () => client.list(namespace, labelSelector),
    watch: (resourceVersion, timeoutSeconds, onEvent, onDone) =>
      new Watch(kc).watch(
        path,
        {
          resourceVersion,
          allowWatchBookmarks: true,
          timeoutSeconds: Math.max(1, Math.round(timeoutSeconds)),
          ...(labelSelector ? { labelSelector } : {}),
        },
        onEvent,
        onDone,
      ),
    get: (ref) => client.get(ref),
  };
}
