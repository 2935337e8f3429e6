import { finalizerName } from '../api/filesystem';
import { type KindClient, type ObjectRef } from './client';

export type FinalizerResult = 'present' | 'added' | 'removed' | 'absent' | 'gone';

const conflictRetries = 5;

/**
 * Adds our finalizer before any side effect in AWS, so the object cannot disappear while a file
 * system it owns exists. An object already being deleted cannot take a new finalizer: that is
 * 'gone' for the caller, which then creates nothing.
 */
export async function ensureFinalizer(client: KindClient, ref: ObjectRef): Promise<FinalizerResult> {
  return updateFinalizers(client, ref, (finalizers, deleting) => {
    if (finalizers.includes(finalizerName)) return 'present';
    if (deleting) return 'gone';
    return [...finalizers, finalizerName];
  });
}

/** Removes only our entry; other controllers' finalizers stay. */
export async function removeFinalizer(client: KindClient, ref: ObjectRef): Promise<FinalizerResult> {
  return updateFinalizers(client, ref, (finalizers) =>
    finalizers.includes(finalizerName) ? finalizers.filter((f) => f !== finalizerName) : 'absent',
  );
}

async function updateFinalizers(
  client: KindClient,
  ref: ObjectRef,
  decide: (finalizers: string[], deleting: boolean) => string[] | FinalizerResult,
): Promise<FinalizerResult> {
  for (let attempt = 1; ; attempt++) {
    const obj = await client.get(ref);
    if (!obj) return 'gone';
    const current = obj.metadata.finalizers ?? [];
    const decision = decide(current, obj.metadata.deletionTimestamp !== undefined);
    if (typeof decision === 'string') return decision;
    try {
      await client.patchMetadata(obj, { finalizers: decision });
      return decision.length > current.length ? 'added' : 'removed';
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 404) return 'gone';
      if (code !== 409 || attempt >= conflictRetries) throw err;
    }
  }
}
