import { ConditionType, type Condition } from '../api/filesystem';
import { SyncState } from '../domain/conditions';

/** The parts of an object (of any of our kinds) that say where its sync stands. */
export interface ObjectWithConditions {
  metadata: { creationTimestamp?: string; deletionTimestamp?: string };
  status?: { conditions?: Condition[]; lifeCycleState?: string };
}

/**
 * Where an object's sync stands, read back from what its workflow last wrote (its conditions).
 * The same states as the SyncState search attribute. Pure.
 */
export function syncStateOf(obj: ObjectWithConditions): SyncState {
  const condition = (type: string): Condition | undefined => obj.status?.conditions?.find((c) => c.type === type);
  if (condition(ConditionType.terminal)?.status === 'True') return SyncState.terminal;
  if (condition(ConditionType.recoverable)?.status === 'True') return SyncState.recoverable;
  if (obj.metadata.deletionTimestamp) return SyncState.deleting;
  const synced = condition(ConditionType.synced);
  if (synced?.status === 'True') return SyncState.synced;
  // Pending, Creating, Updating and Deleting are written as the reason of a False ResourceSynced.
  return Object.values(SyncState).find((state) => state === synced?.reason) ?? SyncState.pending;
}

const syncedIn = (status: ObjectWithConditions['status']): boolean =>
  status?.conditions?.some((c) => c.type === ConditionType.synced && c.status === 'True') ?? false;

/**
 * Whether writing `next` over the object turns ACK.ResourceSynced True for the first time in its
 * life: it was not True, and the resource has never been seen past `creating` (after a first sync
 * the status keeps `available`, `updating` or later, so a later recovery does not count). Pure.
 */
export function turnsSyncedFirstTime(current: ObjectWithConditions, next: ObjectWithConditions['status']): boolean {
  const neverPastCreating = [undefined, 'creating'].includes(current.status?.lifeCycleState);
  return !syncedIn(current.status) && syncedIn(next) && neverPastCreating;
}

/** Seconds since the object was created, or undefined when it has no (readable) creation time. */
export function secondsSinceCreation(obj: ObjectWithConditions, now: Date = new Date()): number | undefined {
  const created = Date.parse(obj.metadata.creationTimestamp ?? '');
  return Number.isFinite(created) ? Math.max(0, (now.getTime() - created) / 1000) : undefined;
}
