import { type FileSystemSpec } from '../api/filesystem';
import { type SlowSettings, type SlowWatch } from '../api/observer-contract';
import {
  canonicalPolicy,
  lifecycleKey,
  normalizeLifecycle,
  settingsToRead,
  settled,
  type ObservedSettings,
  type UpdateOperation,
} from './plan';

/**
 * The settings of a file system DescribeFileSystems does not return (backup policy, lifecycle
 * configuration, file system policy): which ones a spec manages, and a fingerprint of their
 * values, so the observer can read them at a slow cadence and wake the object only when one
 * differs from what its last pass left. Pure.
 */

/** The values of the slow settings, as a read (or the spec) gives them. */
export type SlowValues = Pick<ObservedSettings, 'lifecyclePolicies' | 'backupStatus' | 'policy'>;

/**
 * What the observer reads for a spec: the lifecycle configuration and backup policy as the planner
 * manages them (settingsToRead), the policy only when the spec sets one. A spec without a policy
 * means none in AWS, but reading every policy-less file system each hour would cost a request per
 * object for a rare drift: that one is left to the object's daily drift check.
 */
export function slowSettingsOf(spec: FileSystemSpec | undefined): SlowSettings {
  return { ...settingsToRead(spec), policy: typeof spec?.policy === 'string' };
}

export function managesSlowSettings(settings: SlowSettings): boolean {
  return settings.lifecycle || settings.backup || settings.policy;
}

/**
 * A stable summary of the managed slow settings: equal exactly when the planner would see no
 * difference between them (a backup on its way counts as where it goes, lifecycle policies in
 * any order, a policy whatever its key order and whitespace).
 */
export function slowFingerprint(settings: SlowSettings, values: SlowValues): string {
  const parts: Record<string, unknown> = {};
  if (settings.backup) parts.backup = settled(values.backupStatus) ?? null;
  if (settings.lifecycle) parts.lifecycle = lifecycleKey(values.lifecyclePolicies);
  if (settings.policy) parts.policy = values.policy === null ? null : canonicalPolicy(values.policy);
  return JSON.stringify(parts);
}

/** The slow values the spec asks for (what a file system made or corrected from it holds). */
export function desiredSlowValues(spec: FileSystemSpec | undefined): SlowValues {
  return {
    backupStatus: spec?.backupPolicy?.status,
    lifecyclePolicies: normalizeLifecycle(spec?.lifecyclePolicies ?? []),
    policy: typeof spec?.policy === 'string' ? spec.policy : null,
  };
}

/** What AWS holds once `applied` ran on a file system read as `observed`: each call's value replaces the read one. */
export function heldAfter(observed: SlowValues, applied: readonly UpdateOperation[]): SlowValues {
  const held: SlowValues = { ...observed };
  for (const operation of applied) {
    if (operation.op === 'PutBackupPolicy') held.backupStatus = operation.status;
    if (operation.op === 'PutLifecycleConfiguration') held.lifecyclePolicies = operation.policies;
    if (operation.op === 'PutFileSystemPolicy') held.policy = operation.policy;
    if (operation.op === 'DeleteFileSystemPolicy') held.policy = null;
  }
  return held;
}

/** The slow part of a `changed` watch for a spec whose settings hold `values`; undefined when it manages none. */
export function slowWatchFor(spec: FileSystemSpec | undefined, values: SlowValues): SlowWatch | undefined {
  const settings = slowSettingsOf(spec);
  return managesSlowSettings(settings) ? { settings, seen: slowFingerprint(settings, values) } : undefined;
}
