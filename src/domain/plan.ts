import type { FileSystemDescription, LifecyclePolicy as AwsLifecyclePolicy, Tag as AwsTag } from '@aws-sdk/client-efs';
import { type FileSystemSpec, type LifecyclePolicy } from '../api/filesystem';
import { canonicalJson } from '../shared/json';
import { ownTagPrefix } from './filesystem';

/**
 * Desired (the spec) against observed (AWS) for the updatable settings of a file system, as the
 * list of API calls that closes the gap. Pure.
 *
 * The rule for every updatable field but one: a field left out of the spec is not managed
 * (whatever AWS has stays); a field that is set is enforced, including an empty list (no lifecycle
 * policies, no user tags). The exception is `policy`, which follows ACK: left out (or null) means
 * the file system has no policy.
 */
export interface ObservedSettings {
  fileSystem: FileSystemDescription;
  lifecyclePolicies: AwsLifecyclePolicy[];
  backupStatus?: string;
  /** The policy document, or null when the file system has none. */
  policy: string | null;
}

/**
 * The per-setting reads a plan needs: only what the spec manages. The policy is always read (no
 * policy in the spec means none in AWS); the lifecycle configuration and the backup policy only
 * when the spec sets them, since the planner leaves them alone otherwise.
 */
export function settingsToRead(spec: FileSystemSpec | undefined): { lifecycle: boolean; backup: boolean } {
  const backup = spec?.backupPolicy?.status;
  return { lifecycle: spec?.lifecyclePolicies !== undefined, backup: backup === 'ENABLED' || backup === 'DISABLED' };
}

/**
 * Whether a file system just created from `spec` already is as the spec asks: CreateFileSystem
 * sets the tags, throughput and backup (as ACK does), and a new file system has no policy, no
 * lifecycle policies, no replication and its overwrite protection on. Anything else the spec
 * manages is left to an apply and its read-back.
 */
export function nothingToApplyAfterCreate(spec: FileSystemSpec | undefined): boolean {
  const s = spec ?? {};
  const protection = s.fileSystemProtection?.replicationOverwriteProtection;
  return (
    (s.policy === undefined || s.policy === null) &&
    (s.lifecyclePolicies === undefined || normalizeLifecycle(s.lifecyclePolicies).length === 0) &&
    (protection === undefined || protection === 'ENABLED') &&
    (s.replicationConfiguration ?? []).length === 0 &&
    (s.backupPolicy?.status === undefined ||
      s.backupPolicy.status === 'ENABLED' ||
      s.backupPolicy.status === 'DISABLED')
  );
}

export type UpdateOperation =
  | { op: 'TagResource'; tags: AwsTag[] }
  | { op: 'UntagResource'; keys: string[] }
  | { op: 'PutFileSystemPolicy'; policy: string }
  | { op: 'DeleteFileSystemPolicy' }
  | { op: 'PutBackupPolicy'; status: 'ENABLED' | 'DISABLED' }
  | { op: 'PutLifecycleConfiguration'; policies: AwsLifecyclePolicy[] }
  | { op: 'UpdateFileSystemProtection'; replicationOverwriteProtection: 'ENABLED' | 'DISABLED' }
  | { op: 'UpdateFileSystem'; throughputMode: string; provisionedThroughputInMibps?: number };

/**
 * UpdateFileSystem comes last: it puts the file system into `updating`, during which the other
 * calls would be refused.
 */
export function planUpdates(
  spec: FileSystemSpec | undefined,
  observed: ObservedSettings,
  ownTags: AwsTag[],
): UpdateOperation[] {
  const s = spec ?? {};
  const plan: UpdateOperation[] = [];
  const fs = observed.fileSystem;

  if (s.tags !== undefined) {
    const { toSet, toRemove } = tagChanges(s.tags, fs.Tags ?? [], ownTags);
    if (toSet.length > 0) plan.push({ op: 'TagResource', tags: toSet });
    if (toRemove.length > 0) plan.push({ op: 'UntagResource', keys: toRemove });
  }

  // The policy follows ACK: no policy in the spec means no policy in AWS. (A merge patch or
  // `kubectl apply` cannot store `policy: null`: it removes the field, so absent and null are one.)
  if ((s.policy === null || s.policy === undefined) && observed.policy !== null)
    plan.push({ op: 'DeleteFileSystemPolicy' });
  if (typeof s.policy === 'string' && !samePolicy(s.policy, observed.policy))
    plan.push({ op: 'PutFileSystemPolicy', policy: s.policy });

  const backup = s.backupPolicy?.status;
  if ((backup === 'ENABLED' || backup === 'DISABLED') && settled(observed.backupStatus) !== backup) {
    plan.push({ op: 'PutBackupPolicy', status: backup });
  }

  if (s.lifecyclePolicies !== undefined) {
    const desired = normalizeLifecycle(s.lifecyclePolicies);
    if (!sameLifecycle(desired, observed.lifecyclePolicies))
      plan.push({ op: 'PutLifecycleConfiguration', policies: desired });
  }

  const protection = s.fileSystemProtection?.replicationOverwriteProtection;
  const observedProtection = fs.FileSystemProtection?.ReplicationOverwriteProtection ?? 'ENABLED';
  if ((protection === 'ENABLED' || protection === 'DISABLED') && protection !== observedProtection) {
    plan.push({ op: 'UpdateFileSystemProtection', replicationOverwriteProtection: protection });
  }

  if (s.throughputMode !== undefined) {
    const modeDiffers = s.throughputMode !== (fs.ThroughputMode ?? 'bursting');
    const amountDiffers =
      s.throughputMode === 'provisioned' &&
      s.provisionedThroughputInMiBps !== undefined &&
      s.provisionedThroughputInMiBps !== fs.ProvisionedThroughputInMibps;
    if (modeDiffers || amountDiffers) {
      plan.push({
        op: 'UpdateFileSystem',
        throughputMode: s.throughputMode,
        ...(s.throughputMode === 'provisioned' ? { provisionedThroughputInMibps: s.provisionedThroughputInMiBps } : {}),
      });
    }
  }
  return plan;
}

/**
 * The minimal tag calls: set what is missing or different, remove what the spec no longer has.
 * The orchestrator's own tags are always kept, and AWS's own (aws:*) are never ours to remove.
 */
export function tagChanges(
  specTags: { key?: string; value?: string }[],
  current: AwsTag[],
  ownTags: AwsTag[],
): { toSet: { Key: string; Value: string }[]; toRemove: string[] } {
  const desired = new Map<string, string>();
  for (const t of specTags) if (t.key && !t.key.startsWith(ownTagPrefix)) desired.set(t.key, t.value ?? '');
  for (const t of ownTags) desired.set(t.Key ?? '', t.Value ?? '');
  const observed = new Map(current.map((t) => [t.Key ?? '', t.Value ?? '']));
  const toSet = [...desired].filter(([k, v]) => observed.get(k) !== v).map(([Key, Value]) => ({ Key, Value }));
  const toRemove = [...observed.keys()].filter((k) => !desired.has(k) && !k.toLowerCase().startsWith('aws:'));
  return { toSet, toRemove };
}

/** ENABLING and DISABLING are on their way: count them as where they are going. */
export function settled(status: string | undefined): string | undefined {
  if (status === 'ENABLING') return 'ENABLED';
  if (status === 'DISABLING') return 'DISABLED';
  return status;
}

/** Policies are IAM documents: compared as JSON values (key order and whitespace do not matter). */
export function samePolicy(desired: string, observed: string | null): boolean {
  return observed !== null && canonicalPolicy(desired) === canonicalPolicy(observed);
}

/** A policy document as canonical JSON (one that does not parse stays as written). */
export function canonicalPolicy(policy: string): string | undefined {
  try {
    return canonicalJson(JSON.parse(policy));
  } catch {
    return policy;
  }
}

/** ACK manifests carry empty strings for unset transitions; AWS wants them absent. */
export function normalizeLifecycle(policies: LifecyclePolicy[]): AwsLifecyclePolicy[] {
  return policies.map((p) => {
    const out: AwsLifecyclePolicy = {};
    if (p.transitionToIA) out.TransitionToIA = p.transitionToIA as AwsLifecyclePolicy['TransitionToIA'];
    if (p.transitionToArchive)
      out.TransitionToArchive = p.transitionToArchive as AwsLifecyclePolicy['TransitionToArchive'];
    if (p.transitionToPrimaryStorageClass) {
      out.TransitionToPrimaryStorageClass =
        p.transitionToPrimaryStorageClass as AwsLifecyclePolicy['TransitionToPrimaryStorageClass'];
    }
    return out;
  });
}

function sameLifecycle(a: AwsLifecyclePolicy[], b: AwsLifecyclePolicy[]): boolean {
  return lifecycleKey(a) === lifecycleKey(b);
}

/** Lifecycle policies in one order-free form: equal exactly when the planner sees nothing to change. */
export function lifecycleKey(policies: AwsLifecyclePolicy[]): string {
  return policies
    .map((p) => canonicalJson(p))
    .sort()
    .join('|');
}

export function describeOperation(operation: UpdateOperation): string {
  switch (operation.op) {
    case 'TagResource':
      return `TagResource ${operation.tags.map((t) => `${t.Key}=${t.Value}`).join(', ')}`;
    case 'UntagResource':
      return `UntagResource ${operation.keys.join(', ')}`;
    case 'PutBackupPolicy':
      return `PutBackupPolicy ${operation.status}`;
    case 'PutLifecycleConfiguration':
      return `PutLifecycleConfiguration [${operation.policies.map((p) => Object.values(p).join('')).join(', ')}]`;
    case 'UpdateFileSystemProtection':
      return `UpdateFileSystemProtection ${operation.replicationOverwriteProtection}`;
    case 'UpdateFileSystem':
      return `UpdateFileSystem ${operation.throughputMode}${operation.provisionedThroughputInMibps !== undefined ? ` ${operation.provisionedThroughputInMibps} MiB/s` : ''}`;
    default:
      return operation.op;
  }
}
