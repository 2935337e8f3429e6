import { ConditionType, type Condition, type ConditionStatus } from '../api/filesystem';

/**
 * Where the sync of one object stands, and the conditions that say so. The same values feed the
 * object's conditions, the SyncState search attribute and the Temporal UI's details. Pure.
 */
export const SyncState = {
  pending: 'Pending',
  creating: 'Creating',
  updating: 'Updating',
  synced: 'Synced',
  recoverable: 'Recoverable',
  terminal: 'Terminal',
  deleting: 'Deleting',
} as const;
export type SyncState = (typeof SyncState)[keyof typeof SyncState];

export interface SyncView {
  state: SyncState;
  /** What the object is waiting for, or the last error, for people. */
  message: string;
  /** CamelCase reason of the error or wait, e.g. ThrottlingException or Creating. */
  reason?: string;
  generation: number;
}

export type DesiredCondition = Omit<Condition, 'lastTransitionTime'>;

export function conditionsFor(view: SyncView): DesiredCondition[] {
  const c = (type: string, status: ConditionStatus, reason: string, message: string): DesiredCondition => ({
    type,
    status,
    reason: sanitizeReason(reason),
    message,
    observedGeneration: view.generation,
  });
  switch (view.state) {
    case SyncState.synced:
      return [
        c(ConditionType.synced, 'True', 'Synced', view.message || 'Resource synced successfully'),
        c(ConditionType.ready, 'True', 'Synced', view.message || 'Resource synced successfully'),
        c(ConditionType.recoverable, 'False', 'NoError', ''),
        c(ConditionType.terminal, 'False', 'NoError', ''),
      ];
    case SyncState.recoverable:
      return [
        c(
          ConditionType.synced,
          'Unknown',
          view.reason ?? 'RecoverableError',
          'Unable to determine if desired resource state matches latest observed state',
        ),
        c(ConditionType.ready, 'False', 'Recoverable', view.message),
        c(ConditionType.recoverable, 'True', view.reason ?? 'RecoverableError', view.message),
        c(ConditionType.terminal, 'False', 'NoError', ''),
      ];
    case SyncState.terminal:
      return [
        c(ConditionType.synced, 'False', 'Terminal', 'resource is in terminal condition'),
        c(ConditionType.ready, 'False', 'Terminal', view.message),
        c(ConditionType.recoverable, 'False', 'NoError', ''),
        c(ConditionType.terminal, 'True', view.reason ?? 'TerminalError', view.message),
      ];
    default: {
      const reason = view.state; // Pending, Creating, Updating, Deleting
      return [
        c(ConditionType.synced, 'False', reason, view.message),
        c(ConditionType.ready, 'False', reason, view.message),
        c(ConditionType.recoverable, 'False', 'NoError', ''),
        c(ConditionType.terminal, 'False', 'NoError', ''),
      ];
    }
  }
}

/**
 * Merges desired conditions into the current ones the way metav1's SetStatusCondition does:
 * lastTransitionTime moves only when a condition's status moves. Conditions of other types are kept.
 */
export function mergeConditions(
  current: readonly Condition[] | undefined,
  desired: readonly DesiredCondition[],
  now: string,
): { conditions: Condition[]; changed: boolean } {
  const result: Condition[] = [...(current ?? [])];
  let changed = false;
  for (const want of desired) {
    const index = result.findIndex((c) => c.type === want.type);
    const existing = index >= 0 ? result[index] : undefined;
    if (!existing) {
      result.push({ ...want, lastTransitionTime: now });
      changed = true;
      continue;
    }
    const next: Condition = {
      ...want,
      lastTransitionTime: existing.status === want.status ? existing.lastTransitionTime : now,
    };
    if (
      existing.status !== next.status ||
      existing.reason !== next.reason ||
      existing.message !== next.message ||
      existing.observedGeneration !== next.observedGeneration
    ) {
      result[index] = next;
      changed = true;
    }
  }
  return { conditions: result, changed };
}

/** Condition reasons must match ^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$ ; error codes mostly do already. */
export function sanitizeReason(reason: string): string {
  // Cut to length before trimming the end, so the cut cannot leave a trailing ',' or ':'.
  const cleaned = reason
    .replace(/[^A-Za-z0-9_,:]/g, '')
    .replace(/^[^A-Za-z]+/, '')
    .slice(0, 1024)
    .replace(/[,:]+$/, '');
  return cleaned || 'Unknown';
}
