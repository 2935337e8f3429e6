/** Per-file-system settings: lifecycle configuration, backup policy, file system policy (replication: replication.ts). */
import { EfsError, badRequest } from '../errors';
import { type LifecyclePolicy } from '../model';
import {
  type JsonObject,
  asObject,
  charLength,
  fileSystemId,
  optionalBoolean,
  optionalArray,
  optionalEnum,
} from '../validation';
import { policyDocumentProblem } from './policy-document';
import { type OperationHandler, requireAvailable } from './common';

// Request rules

const transitionPeriods = [
  'AFTER_1_DAY',
  'AFTER_7_DAYS',
  'AFTER_14_DAYS',
  'AFTER_30_DAYS',
  'AFTER_60_DAYS',
  'AFTER_90_DAYS',
  'AFTER_180_DAYS',
  'AFTER_270_DAYS',
  'AFTER_365_DAYS',
] as const;
const lifecycleTransitions: Record<keyof LifecyclePolicy, readonly string[]> = {
  TransitionToIA: transitionPeriods,
  TransitionToArchive: transitionPeriods,
  TransitionToPrimaryStorageClass: ['AFTER_1_ACCESS'],
};

export function lifecyclePolicies(body: JsonObject): LifecyclePolicy[] {
  const raw = optionalArray(body, 'LifecyclePolicies');
  if (raw === undefined) throw badRequest('LifecyclePolicies is required (an empty list removes the configuration)');
  const seen = new Set<string>();
  return raw.map((item) => {
    const policy = asObject(item, 'Each lifecycle policy');
    const set = Object.keys(policy).filter((k) => policy[k] !== undefined && policy[k] !== null);
    if (set.length !== 1)
      throw badRequest(
        'Each lifecycle policy must set exactly one of TransitionToIA, TransitionToArchive, TransitionToPrimaryStorageClass',
      );
    const key = set[0] as string;
    const allowed = lifecycleTransitions[key as keyof LifecyclePolicy];
    if (!allowed) throw badRequest(`Unknown lifecycle policy member '${key}'`);
    const value = optionalEnum(policy, key, allowed);
    if (seen.has(key)) throw badRequest(`LifecyclePolicies sets ${key} more than once`);
    seen.add(key);
    return { [key]: value } as LifecyclePolicy;
  });
}

export function backupStatus(body: JsonObject): 'ENABLED' | 'DISABLED' {
  if (body.BackupPolicy === undefined || body.BackupPolicy === null) throw badRequest('BackupPolicy is required');
  const policy = asObject(body.BackupPolicy, 'BackupPolicy');
  const status = optionalEnum(policy, 'Status', ['ENABLED', 'DISABLED'] as const);
  if (status === undefined) throw badRequest('BackupPolicy.Status is required (ENABLED or DISABLED)');
  return status;
}

export const maxPolicyLength = 20_000;

export function fileSystemPolicy(body: JsonObject): string {
  const policy = body.Policy;
  if (typeof policy !== 'string' || policy.length === 0)
    throw new EfsError('InvalidPolicyException', 'Policy is required and must be a JSON string');
  if (charLength(policy) > maxPolicyLength) {
    throw new EfsError(
      'InvalidPolicyException',
      `Policy is ${charLength(policy)} characters long; the limit is ${maxPolicyLength}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch (err) {
    throw new EfsError('InvalidPolicyException', `Policy is not valid JSON: ${(err as Error).message}`);
  }
  const problem = policyDocumentProblem(parsed);
  if (problem) throw new EfsError('InvalidPolicyException', problem);
  optionalBoolean(body, 'BypassPolicyLockoutSafetyCheck');
  return policy;
}

// Operations

export const putLifecycleConfiguration: OperationHandler = ({ store, scope }, { params, body }) => {
  const fs = store.fileSystem(scope, fileSystemId(params.FileSystemId));
  const policies = lifecyclePolicies(body);
  requireAvailable(fs);
  if (
    policies.some((p) => p.TransitionToArchive !== undefined) &&
    (fs.throughputMode !== 'elastic' || fs.performanceMode !== 'generalPurpose')
  ) {
    throw badRequest(
      'TransitionToArchive needs a file system with ThroughputMode elastic and PerformanceMode generalPurpose',
    );
  }
  fs.lifecyclePolicies = policies;
  return { LifecyclePolicies: policies };
};

export const describeLifecycleConfiguration: OperationHandler = ({ store, scope }, { params }) => {
  const fs = store.fileSystem(scope, fileSystemId(params.FileSystemId));
  return { LifecyclePolicies: fs.lifecyclePolicies };
};

export const putBackupPolicy: OperationHandler = ({ store, scope }, { params, body }) => {
  const fs = store.fileSystem(scope, fileSystemId(params.FileSystemId));
  const status = backupStatus(body);
  requireAvailable(fs);
  fs.backupStatus = status;
  return { BackupPolicy: { Status: status } };
};

/** PolicyNotFound until a backup policy exists (Backup on create, or PutBackupPolicy). */
export const describeBackupPolicy: OperationHandler = ({ store, scope }, { params }) => {
  const fs = store.fileSystem(scope, fileSystemId(params.FileSystemId));
  if (fs.backupStatus === undefined)
    throw new EfsError('PolicyNotFound', `File system '${fs.id}' has no backup policy.`);
  return { BackupPolicy: { Status: fs.backupStatus } };
};

export const putFileSystemPolicy: OperationHandler = ({ store, scope }, { params, body }) => {
  const fs = store.fileSystem(scope, fileSystemId(params.FileSystemId));
  const policy = fileSystemPolicy(body);
  requireAvailable(fs);
  fs.policy = policy;
  return { FileSystemId: fs.id, Policy: policy };
};

export const describeFileSystemPolicy: OperationHandler = ({ store, scope }, { params }) => {
  const fs = store.fileSystem(scope, fileSystemId(params.FileSystemId));
  if (fs.policy === undefined)
    throw new EfsError('PolicyNotFound', `File system '${fs.id}' has no file system policy.`);
  return { FileSystemId: fs.id, Policy: fs.policy };
};

export const deleteFileSystemPolicy: OperationHandler = ({ store, scope }, { params }) => {
  const fs = store.fileSystem(scope, fileSystemId(params.FileSystemId));
  requireAvailable(fs);
  delete fs.policy;
  return undefined;
};

// Account preferences choose the id format of new resources.

const idResources = ['FILE_SYSTEM', 'MOUNT_TARGET'];

export const describeAccountPreferences: OperationHandler = ({ store }) => ({
  ResourceIdPreference: { ResourceIdType: store.idLength, Resources: idResources },
});

export const putAccountPreferences: OperationHandler = ({ store }, { body }) => {
  const type = optionalEnum(body, 'ResourceIdType', ['LONG_ID', 'SHORT_ID'] as const);
  if (type === undefined) throw badRequest('ResourceIdType is required (LONG_ID or SHORT_ID)');
  store.idLength = type;
  return { ResourceIdPreference: { ResourceIdType: type, Resources: idResources } };
};
