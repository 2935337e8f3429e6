import { type KubeObject } from '../api/object';
import { canonicalJson } from '../shared/json';
import { type StatusFields } from '../api/status';
import { conditionsFor, mergeConditions, type SyncView } from '../domain/conditions';
import { type KindClient, type ObjectRef } from './client';

/** One status write requested by a workflow. */
export interface StatusWrite {
  /** Monotonic per workflow: a write whose sequence is lower than the object's is stale. */
  sequence: number;
  workflowId: string;
  view: SyncView;
  fields?: StatusFields;
}

export type StatusWriteResult = 'written' | 'unchanged' | 'stale' | 'gone';

const conflictRetries = 5;

/**
 * Writes status and conditions idempotently: reads the object, drops the write if the object is
 * gone or already carries a newer sequence, merges conditions (lastTransitionTime moves only
 * when a status moves), and patches only when something changed. A conflicting concurrent write
 * (409) is re-read and retried.
 */
export async function writeStatus(
  client: KindClient,
  ref: ObjectRef,
  write: StatusWrite,
  now: () => Date = () => new Date(),
): Promise<StatusWriteResult> {
  for (let attempt = 1; ; attempt++) {
    const current = await client.get(ref);
    if (!current) return 'gone';
    const next = nextStatus(
      current,
      write,
      now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
    );
    if (next === 'stale' || next === 'unchanged') return next;
    try {
      await client.patchStatus(current, next as Record<string, unknown>);
      return 'written';
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 404) return 'gone';
      if (code !== 409 || attempt >= conflictRetries) throw err;
    }
  }
}

/** The status to write, or why there is nothing to write. Pure. */
export function nextStatus(current: KubeObject, write: StatusWrite, now: string): StatusFields | 'stale' | 'unchanged' {
  const status: StatusFields = current.status ?? {};
  if ((status.statusSequence ?? -1) > write.sequence) return 'stale';
  const { conditions, changed: conditionsChanged } = mergeConditions(status.conditions, conditionsFor(write.view), now);
  const next: StatusFields = {
    ...status,
    ...write.fields,
    conditions,
    observedGeneration: write.view.generation,
    workflowID: write.workflowId,
    statusSequence: write.sequence,
  };
  const fieldsChanged = Object.entries(next).some(
    ([key, value]) =>
      key !== 'conditions' && key !== 'statusSequence' && canonicalJson(value) !== canonicalJson(status[key]),
  );
  return conditionsChanged || fieldsChanged ? next : 'unchanged';
}
