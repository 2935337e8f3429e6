import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { annotations } from '../api/workflow-contract';
import { kindInfo } from '../api/kinds';
import { KindClient, type ObjectRef } from '../kube/client';
import { recordEvent, type ObjectEvent } from '../kube/events';
import { ensureFinalizer, removeFinalizer, type FinalizerResult } from '../kube/finalizers';
import { writeStatus, type StatusWrite, type StatusWriteResult } from '../kube/status';
import { syncTimingClients } from '../metrics/status-timing';
import { classified } from './failures';

/** One client per kind, made on first use. */
export type ObjectClients = (kind: string) => KindClient;

export function objectClients(kc: KubeConfig): ObjectClients {
  const clients = new Map<string, KindClient>();
  return (kind) => {
    let client = clients.get(kind);
    if (!client) {
      client = new KindClient(kc, kindInfo(kind).names);
      clients.set(kind, client);
    }
    return client;
  };
}

/**
 * The Kubernetes side of every kind's lifecycle. `kind` comes last and defaults to FileSystem,
 * the kind these activities served first (recorded histories call them without it).
 */
export function createObjectActivities(clientFor: ObjectClients) {
  /** Status writes through these also time each object's first sync (a metric). */
  const statusClientFor = syncTimingClients(clientFor);
  return {
    async ensureFinalizer(ref: ObjectRef, kind = 'FileSystem'): Promise<FinalizerResult> {
      return classified(() => ensureFinalizer(clientFor(kind), ref));
    },

    async removeFinalizer(ref: ObjectRef, kind = 'FileSystem'): Promise<FinalizerResult> {
      return classified(() => removeFinalizer(clientFor(kind), ref));
    },

    async writeStatus(ref: ObjectRef, write: StatusWrite, kind = 'FileSystem'): Promise<StatusWriteResult> {
      return classified(() => writeStatus(statusClientFor(kind), ref, write));
    },

    /** The namespace's default deletion policy annotation, if it has one. */
    async namespaceDeletionPolicy(namespace: string): Promise<string | undefined> {
      const client = clientFor('FileSystem');
      return classified(async () => {
        const ns = await client.kc.makeApiClient(CoreV1Api).readNamespace({ name: namespace });
        return ns.metadata?.annotations?.[annotations.namespaceDeletionPolicy];
      });
    },

    async recordEvent(ref: ObjectRef, event: ObjectEvent, kind = 'FileSystem'): Promise<void> {
      const client = clientFor(kind);
      return classified(() => recordEvent(client.kc, client.names, ref, event));
    },
  };
}
