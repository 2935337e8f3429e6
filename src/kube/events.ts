import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { groupVersionOf, type KindNames } from '../api/filesystem';
import { type ObjectRef } from './client';

export interface ObjectEvent {
  type: 'Normal' | 'Warning';
  /** A constant CamelCase reason, e.g. Synced, Terminal, DriftCorrected. */
  reason: string;
  message: string;
}

export const reportingComponent = 'efs-orchestrator';

/** Records a core/v1 Event on the object, as `kubectl describe` shows them. */
export async function recordEvent(
  kc: KubeConfig,
  names: KindNames,
  ref: ObjectRef,
  event: ObjectEvent,
  now = new Date(),
): Promise<void> {
  await kc.makeApiClient(CoreV1Api).createNamespacedEvent({
    namespace: ref.namespace,
    body: {
      metadata: {
        name: `${ref.name}.${(now.getTime() * 1e6 + Math.floor(Math.random() * 1e6)).toString(16)}`,
        namespace: ref.namespace,
      },
      involvedObject: {
        apiVersion: groupVersionOf(names).apiVersion,
        kind: names.kind,
        namespace: ref.namespace,
        name: ref.name,
        uid: ref.uid,
      },
      type: event.type,
      reason: event.reason,
      message: event.message.slice(0, 1024),
      source: { component: reportingComponent },
      reportingComponent,
      reportingInstance: process.env.HOSTNAME ?? reportingComponent,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    },
  });
}
