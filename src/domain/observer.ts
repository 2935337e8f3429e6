import { type Observation, type SlowReadMemory, type SlowSettings, type Watch } from '../api/observer-contract';
import { slowFingerprint, type SlowValues } from './slow-reads';

/**
 * The observer's pure decisions: which EFS requests one round makes for the watches it holds
 * (within its budget, the fewest requests that see every watched resource), and what a look at a
 * resource answers to a watch.
 */

/** DescribeFileSystems and DescribeAccessPoints return at most this many per page. */
export const listPageSize = 100;

/** Kinds whose whole account can be listed page by page, and the request that lists them. */
const listedKinds = { FileSystem: 'fileSystems', AccessPoint: 'accessPoints' } as const;
export type ListedCollection = (typeof listedKinds)[keyof typeof listedKinds];

export interface RoundPlan {
  /** Collections listed whole (every page). */
  list: ListedCollection[];
  /** Resources described one by one: a kind and an id. */
  describe: { kind: string; id: string }[];
  /** File systems whose mount targets are described (one DescribeMountTargets each). */
  mountTargetsOf: string[];
  /** EFS requests the round makes (a listing counts its pages). */
  requests: number;
}

export interface PlanInput {
  watches: readonly Watch[];
  /** How many of each collection the last complete listing found (0 when never listed). */
  known: Record<ListedCollection, number>;
  /** Whether `changed` watches are looked at this round (their sweep is due). */
  sweepDue: boolean;
}

/** Pages a whole listing of `count` resources takes. */
export function pagesFor(count: number): number {
  return Math.max(1, Math.ceil(count / listPageSize));
}

/**
 * One round: waits are always looked at; `changed` watches only when their sweep is due. For a
 * listable kind, describing each watched resource by id costs one request each and listing the
 * account costs its pages: the round takes whichever is fewer, so a few waits are described and a
 * burst is listed. Mount targets are described per file system (one request sees all of its own).
 */
export function planRound({ watches, known, sweepDue }: PlanInput): RoundPlan {
  const looked = watches.filter((w) => w.until !== 'released' && (w.until !== 'changed' || sweepDue));
  const plan: RoundPlan = { list: [], describe: [], mountTargetsOf: [], requests: 0 };
  const byKind = new Map<string, Set<string>>();
  for (const w of looked) {
    if (w.kind === 'MountTarget') {
      if (w.fileSystemId && !plan.mountTargetsOf.includes(w.fileSystemId)) plan.mountTargetsOf.push(w.fileSystemId);
      else if (!w.fileSystemId) byKind.set(w.kind, (byKind.get(w.kind) ?? new Set()).add(w.resourceId));
      continue;
    }
    byKind.set(w.kind, (byKind.get(w.kind) ?? new Set()).add(w.resourceId));
  }
  for (const [kind, ids] of byKind) {
    const collection = (listedKinds as Record<string, ListedCollection | undefined>)[kind];
    if (collection && ids.size > pagesFor(known[collection])) {
      plan.list.push(collection);
      plan.requests += pagesFor(known[collection]);
    } else {
      for (const id of ids) plan.describe.push({ kind, id });
      plan.requests += ids.size;
    }
  }
  plan.requests += plan.mountTargetsOf.length;
  return plan;
}

/** The lifecycle states a kind's descriptor names. */
export interface KindStates {
  readyStates: readonly string[];
  goneStates: readonly string[];
  failedStates: readonly string[];
}

/**
 * The fields of an AWS description whose change an object acts on, by kind: its lifecycle state
 * and the settings DescribeFileSystems (or DescribeMountTargets, DescribeAccessPoints) returns,
 * never sizes or timestamps, which change all the time.
 */
const watchedFields: Record<string, readonly string[]> = {
  FileSystem: [
    'LifeCycleState',
    'ThroughputMode',
    'ProvisionedThroughputInMibps',
    'NumberOfMountTargets',
    'Name',
    'Tags',
    'FileSystemProtection',
  ],
  MountTarget: ['LifeCycleState', 'SubnetId', 'IpAddress'],
  AccessPoint: ['LifeCycleState', 'Name', 'Tags', 'PosixUser', 'RootDirectory'],
};

/** A stable summary of what an object cares about in a description: equal exactly when nothing it acts on changed. */
export function fingerprintOf(kind: string, description: Record<string, unknown>): string {
  const fields = watchedFields[kind] ?? ['LifeCycleState'];
  const picked = fields.map((field) => {
    const value = description[field];
    if (field === 'Tags' && Array.isArray(value)) {
      return [...(value as { Key?: string; Value?: string }[])]
        .map((t) => `${t.Key}=${t.Value}`)
        .sort()
        .join(',');
    }
    return value ?? null;
  });
  return JSON.stringify(picked);
}

/**
 * What a look at the watched resource answers, or undefined when the watch goes on. `description`
 * is undefined when AWS has no such resource.
 */
export function answerWatch(
  watch: Watch,
  description: Record<string, unknown> | undefined,
  states: KindStates,
): Omit<Observation, 'ticket' | 'status'> | undefined {
  if (watch.until === 'released') return undefined;
  if (description === undefined) return { outcome: 'gone' };
  const lifeCycleState = typeof description.LifeCycleState === 'string' ? description.LifeCycleState : undefined;
  const fingerprint = fingerprintOf(watch.kind, description);
  const seen = { lifeCycleState, fingerprint };
  const state = lifeCycleState ?? '';
  switch (watch.until) {
    case 'gone':
      return states.goneStates.includes(state) ? { outcome: 'gone', ...seen } : undefined;
    case 'ready':
      if (states.failedStates.includes(state)) return { outcome: 'failed', ...seen };
      if (states.goneStates.includes(state)) return { outcome: 'gone', ...seen };
      return states.readyStates.includes(state) ? { outcome: 'ready', ...seen } : undefined;
    case 'changed':
      return fingerprint !== watch.seen ? { outcome: 'changed', ...seen } : undefined;
  }
}

/**
 * Where in every slow-read interval a watch's turn comes: fixed by its workflow id (FNV-1a), so the
 * turns of many objects spread over the interval instead of coming at once.
 */
export function slowTurnOffset(workflowId: string, intervalMs: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < workflowId.length; i++) {
    hash ^= workflowId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % Math.max(1, Math.floor(intervalMs));
}

/** Whether a watch's turn came after `from` and by `to` (times in ms). */
export function slowTurnCame(workflowId: string, from: number, to: number, intervalMs: number): boolean {
  const offset = slowTurnOffset(workflowId, intervalMs);
  return Math.floor((to - offset) / intervalMs) > Math.floor((from - offset) / intervalMs);
}

/** The requests one slow read of these settings makes. */
export function slowRequestsOf(settings: SlowSettings): number {
  return Number(settings.lifecycle) + Number(settings.backup) + Number(settings.policy);
}

export interface SlowReadInput {
  watches: readonly Watch[];
  /** The last round's memory; undefined when lost (or never kept). */
  memory: SlowReadMemory | undefined;
  now: number;
  intervalMs: number;
  /** Requests one look may spend on slow reads (at least one watch is read when any is due). */
  requestBudget: number;
}

/**
 * The `changed` watches whose slow settings are read now: those whose turn came since the last
 * look, and those left pending (deferred by the budget or failed). A lost memory counts every turn
 * as come: an earlier read, never a missed one. What the budget defers stays pending.
 */
export function planSlowReads({ watches, memory, now, intervalMs, requestBudget }: SlowReadInput): {
  read: Watch[];
  memory: SlowReadMemory;
} {
  const upTo = memory?.upTo ?? now - intervalMs;
  const pending = new Set(memory?.pending ?? []);
  const due = watches.filter(
    (w) =>
      w.until === 'changed' &&
      w.slow !== undefined &&
      slowRequestsOf(w.slow.settings) > 0 &&
      (pending.has(w.workflowId) || slowTurnCame(w.workflowId, upTo, now, intervalMs)),
  );
  const read: Watch[] = [];
  let requests = 0;
  for (const watch of due) {
    const cost = slowRequestsOf((watch.slow as { settings: SlowSettings }).settings);
    if (read.length > 0 && requests + cost > requestBudget) break;
    read.push(watch);
    requests += cost;
  }
  return { read, memory: { upTo: now, pending: due.slice(read.length).map((w) => w.workflowId) } };
}

/** What a slow read answers to its watch: changed when the settings differ from what the object last left. */
export function answerSlowRead(watch: Watch, values: SlowValues): Omit<Observation, 'ticket' | 'status'> | undefined {
  if (watch.until !== 'changed' || !watch.slow) return undefined;
  return slowFingerprint(watch.slow.settings, values) !== watch.slow.seen ? { outcome: 'changed' } : undefined;
}
