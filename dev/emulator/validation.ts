/**
 * The one place for request validation: every rule the EFS API documents for the parameters the
 * emulator accepts. Each check throws an EfsError (BadRequest unless the API names another code)
 * whose message names the parameter and the rule.
 */
import { badRequest, EfsError } from './errors';
import {
  type LifecyclePolicy,
  type PerformanceMode,
  type PosixUser,
  type RootDirectory,
  type Tag,
  type ThroughputMode,
  provisionedThroughputRange,
} from './model';

export type JsonObject = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Primitive readers

export function asObject(value: unknown, what: string): JsonObject {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest(`${what} must be a JSON object`);
  return value as JsonObject;
}

interface StringRule {
  min?: number;
  max?: number;
  pattern?: RegExp;
  patternText?: string;
}

/** Length in characters (code points), as the API counts them. */
const charLength = (s: string): number => [...s].length;

export function optionalString(body: JsonObject, name: string, rule: StringRule = {}): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`${name} must be a string`);
  checkString(value, name, rule);
  return value;
}

export function requiredString(body: JsonObject, name: string, rule: StringRule = {}): string {
  const value = optionalString(body, name, rule);
  if (value === undefined) throw badRequest(`${name} is required`);
  return value;
}

export function checkString(value: string, name: string, { min = 0, max, pattern, patternText }: StringRule): void {
  const length = charLength(value);
  if (length < min || (max !== undefined && length > max)) {
    const range = max === undefined ? `at least ${min}` : `${min}-${max}`;
    throw badRequest(`${name} must be ${range} characters long; got ${length}`);
  }
  if (pattern && !pattern.test(value))
    throw badRequest(`${name} '${value}' does not match ${patternText ?? pattern.source}`);
}

export function optionalBoolean(body: JsonObject, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw badRequest(`${name} must be a boolean`);
  return value;
}

export function optionalNumber(body: JsonObject, name: string): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw badRequest(`${name} must be a number`);
  return value;
}

export function optionalEnum<T extends string>(body: JsonObject, name: string, values: readonly T[]): T | undefined {
  const value = optionalString(body, name);
  if (value === undefined) return undefined;
  if (!values.includes(value as T)) throw badRequest(`${name} must be one of ${values.join(', ')}; got '${value}'`);
  return value as T;
}

function optionalArray(body: JsonObject, name: string): unknown[] | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw badRequest(`${name} must be a list`);
  return value;
}

function integerInRange(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw badRequest(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Identifiers (an id or its ARN where the API accepts both)

const fileSystemIdPattern =
  /^(arn:aws[-a-z]*:elasticfilesystem:[0-9a-z-:]+:file-system\/(fs-[0-9a-f]{8,40})|(fs-[0-9a-f]{8,40}))$/;
const accessPointIdPattern =
  /^(arn:aws[-a-z]*:elasticfilesystem:[0-9a-z-:]+:access-point\/(fsap-[0-9a-f]{8,40})|(fsap-[0-9a-f]{8,40}))$/;
const mountTargetIdPattern = /^fsmt-[0-9a-f]{8,40}$/;

/** Returns the bare `fs-...` id of a file system id or ARN. */
export function fileSystemId(raw: string | undefined, name = 'FileSystemId'): string {
  if (raw === undefined || raw === '') throw badRequest(`${name} is required`);
  const match = fileSystemIdPattern.exec(raw);
  if (!match) throw badRequest(`${name} '${raw}' is not a file system id (fs-<8-40 hex digits>) or ARN`);
  return (match[2] ?? match[3]) as string;
}

export function accessPointId(raw: string | undefined, name = 'AccessPointId'): string {
  if (raw === undefined || raw === '') throw badRequest(`${name} is required`);
  const match = accessPointIdPattern.exec(raw);
  if (!match) throw badRequest(`${name} '${raw}' is not an access point id (fsap-<8-40 hex digits>) or ARN`);
  return (match[2] ?? match[3]) as string;
}

export function mountTargetId(raw: string | undefined, name = 'MountTargetId'): string {
  if (raw === undefined || raw === '') throw badRequest(`${name} is required`);
  if (!mountTargetIdPattern.test(raw))
    throw badRequest(`${name} '${raw}' is not a mount target id (fsmt-<8-40 hex digits>)`);
  return raw;
}

/** TagResource and friends take either kind of resource. */
export function resourceId(raw: string | undefined): { kind: 'file-system' | 'access-point'; id: string } {
  if (raw !== undefined && (raw.startsWith('fsap-') || raw.includes(':access-point/'))) {
    return { kind: 'access-point', id: accessPointId(raw, 'ResourceId') };
  }
  if (raw !== undefined && (raw.startsWith('fs-') || raw.includes(':file-system/'))) {
    return { kind: 'file-system', id: fileSystemId(raw, 'ResourceId') };
  }
  throw badRequest(`ResourceId '${raw ?? ''}' is not a file system or access point id`);
}

// ---------------------------------------------------------------------------------------------
// Paging parameters (query string)

export function maxItems(raw: string | undefined, name: string, defaultValue: number): number {
  if (raw === undefined) return defaultValue;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < 1)
    throw badRequest(`${name} must be an integer of at least 1; got '${raw}'`);
  return value;
}

export function marker(raw: string | undefined, name: string): string | undefined {
  if (raw === undefined) return undefined;
  checkString(raw, name, { min: 1, max: 128 });
  return raw;
}

// ---------------------------------------------------------------------------------------------
// Tags

export const maxTagsPerResource = 50;
const tagKeyPattern = /^(?![aA][wW][sS]:)[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const tagValuePattern = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export function tagKey(key: unknown): string {
  if (typeof key !== 'string') throw badRequest('Tag keys must be strings');
  checkString(key, 'Tag key', { min: 1, max: 128 });
  if (/^aws:/i.test(key)) throw badRequest(`Tag key '${key}' must not start with 'aws:' (reserved for AWS)`);
  if (!tagKeyPattern.test(key))
    throw badRequest(`Tag key '${key}' may contain only letters, digits, spaces and _ . : / = + - @`);
  return key;
}

export function tags(raw: unknown, name = 'Tags'): Tag[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw badRequest(`${name} must be a list`);
  if (raw.length > maxTagsPerResource)
    throw badRequest(`${name} may hold at most ${maxTagsPerResource} tags; got ${raw.length}`);
  const seen = new Set<string>();
  return raw.map((item) => {
    const tag = asObject(item, 'Each tag');
    const key = tagKey(tag.Key);
    const value = tag.Value;
    if (typeof value !== 'string') throw badRequest(`Tag '${key}' needs a string Value`);
    checkString(value, `Value of tag '${key}'`, { max: 256 });
    if (!tagValuePattern.test(value))
      throw badRequest(`Value of tag '${key}' may contain only letters, digits, spaces and _ . : / = + - @`);
    if (seen.has(key)) throw badRequest(`Tag key '${key}' appears more than once`);
    seen.add(key);
    return { Key: key, Value: value };
  });
}

/** Tags after adding `added` to `existing` (same key: new value wins); at most 50 in all. */
export function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const merged = new Map(existing.map((t) => [t.Key, t.Value]));
  for (const tag of added) merged.set(tag.Key, tag.Value);
  if (merged.size > maxTagsPerResource) {
    throw badRequest(`A resource may have at most ${maxTagsPerResource} tags; this request would leave ${merged.size}`);
  }
  return [...merged].map(([Key, Value]) => ({ Key, Value }));
}

export function tagKeys(raw: string[], name = 'TagKeys'): string[] {
  if (raw.length < 1 || raw.length > maxTagsPerResource)
    throw badRequest(`${name} must list 1-${maxTagsPerResource} keys; got ${raw.length}`);
  for (const key of raw) checkString(key, 'Tag key', { min: 1, max: 128 });
  return raw;
}

// ---------------------------------------------------------------------------------------------
// File systems

export const performanceModes: readonly PerformanceMode[] = ['generalPurpose', 'maxIO'];
export const throughputModes: readonly ThroughputMode[] = ['bursting', 'provisioned', 'elastic'];
const kmsKeyIdPattern =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias\/[a-zA-Z0-9/_-]+|(arn:aws[-a-z]*:kms:[a-z0-9-]+:\d{12}:((key\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})|(key\/mrk-[0-9a-f]{32})|(alias\/[a-zA-Z0-9/_-]+))))$/;

export interface CreateFileSystemInput {
  creationToken: string;
  performanceMode: PerformanceMode;
  throughputMode: ThroughputMode;
  provisionedThroughputInMibps?: number;
  encrypted: boolean;
  kmsKeyId?: string;
  availabilityZoneName?: string;
  backup: boolean;
  tags: Tag[];
}

export function createFileSystemInput(body: JsonObject): CreateFileSystemInput {
  const creationToken = requiredString(body, 'CreationToken', { min: 1, max: 64 });
  const performanceMode = optionalEnum(body, 'PerformanceMode', performanceModes) ?? 'generalPurpose';
  const throughputMode = optionalEnum(body, 'ThroughputMode', throughputModes) ?? 'bursting';
  const provisioned = optionalNumber(body, 'ProvisionedThroughputInMibps');
  const encrypted = optionalBoolean(body, 'Encrypted');
  const kmsKeyId = optionalString(body, 'KmsKeyId', {
    max: 2048,
    pattern: kmsKeyIdPattern,
    patternText: 'a KMS key id, key ARN, alias or alias ARN',
  });
  const availabilityZoneName = optionalString(body, 'AvailabilityZoneName', { min: 1, max: 64 });
  const backup = optionalBoolean(body, 'Backup');

  if (kmsKeyId !== undefined && encrypted !== true) throw badRequest('KmsKeyId requires Encrypted to be true');
  checkThroughput(throughputMode, provisioned, undefined);
  if (performanceMode === 'maxIO' && availabilityZoneName !== undefined) {
    throw badRequest('PerformanceMode maxIO is not available for One Zone file systems (AvailabilityZoneName)');
  }
  if (performanceMode === 'maxIO' && throughputMode === 'elastic') {
    throw badRequest('ThroughputMode elastic requires PerformanceMode generalPurpose');
  }
  return {
    creationToken,
    performanceMode,
    throughputMode,
    provisionedThroughputInMibps: throughputMode === 'provisioned' ? provisioned : undefined,
    encrypted: encrypted ?? false,
    kmsKeyId,
    availabilityZoneName,
    backup: backup ?? availabilityZoneName !== undefined,
    tags: tags(body.Tags),
  };
}

/**
 * Provisioned mode needs a value in range; a value needs provisioned mode. `currentValue` is the
 * value a provisioned file system already has (an update may leave it out).
 */
export function checkThroughput(
  mode: ThroughputMode,
  value: number | undefined,
  currentValue: number | undefined,
): void {
  if (mode !== 'provisioned') {
    if (value !== undefined)
      throw badRequest(`ProvisionedThroughputInMibps can only be set with ThroughputMode provisioned (got ${mode})`);
    return;
  }
  const effective = value ?? currentValue;
  if (effective === undefined) throw badRequest('ThroughputMode provisioned requires ProvisionedThroughputInMibps');
  if (effective < provisionedThroughputRange.min) {
    throw badRequest(
      `ProvisionedThroughputInMibps must be at least ${provisionedThroughputRange.min}; got ${effective}`,
    );
  }
  if (effective > provisionedThroughputRange.max) {
    throw new EfsError(
      'ThroughputLimitExceeded',
      `ProvisionedThroughputInMibps ${effective} exceeds the limit of ${provisionedThroughputRange.max} MiB/s`,
    );
  }
}

export interface UpdateFileSystemInput {
  throughputMode?: ThroughputMode;
  provisionedThroughputInMibps?: number;
}

export function updateFileSystemInput(body: JsonObject): UpdateFileSystemInput {
  const throughputMode = optionalEnum(body, 'ThroughputMode', throughputModes);
  const provisionedThroughputInMibps = optionalNumber(body, 'ProvisionedThroughputInMibps');
  if (throughputMode === undefined && provisionedThroughputInMibps === undefined) {
    throw badRequest('UpdateFileSystem needs ThroughputMode or ProvisionedThroughputInMibps');
  }
  return { throughputMode, provisionedThroughputInMibps };
}

export function replicationOverwriteProtection(body: JsonObject): 'ENABLED' | 'DISABLED' | undefined {
  return optionalEnum(body, 'ReplicationOverwriteProtection', ['ENABLED', 'DISABLED'] as const);
}

// ---------------------------------------------------------------------------------------------
// Lifecycle configuration, backup policy, file system policy

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
  if (policy.length > maxPolicyLength) {
    throw new EfsError(
      'InvalidPolicyException',
      `Policy is ${policy.length} characters long; the limit is ${maxPolicyLength}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch (err) {
    throw new EfsError('InvalidPolicyException', `Policy is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new EfsError('InvalidPolicyException', 'Policy must be a JSON object');
  }
  if (!('Statement' in parsed)) throw new EfsError('InvalidPolicyException', 'Policy has no Statement');
  optionalBoolean(body, 'BypassPolicyLockoutSafetyCheck');
  return policy;
}

// ---------------------------------------------------------------------------------------------
// Mount targets

export interface CreateMountTargetInput {
  fileSystemId: string;
  subnetId: string;
  ipAddress?: string;
  securityGroups?: string[];
}

export function securityGroups(body: JsonObject): string[] | undefined {
  const raw = optionalArray(body, 'SecurityGroups');
  if (raw === undefined) return undefined;
  return raw.map((group) => {
    if (typeof group !== 'string') throw badRequest('SecurityGroups must be a list of strings');
    // Shorter than AWS's ids on purpose: the emulator's fake networking accepts `sg-web` and the like.
    checkString(group, 'Security group id', { min: 1, max: 43 });
    return group;
  });
}

export function createMountTargetInput(body: JsonObject): CreateMountTargetInput {
  const id = fileSystemId(optionalString(body, 'FileSystemId'));
  // Shorter than AWS's ids on purpose: the emulator's fake subnets are named like `subnet-a` (see network.ts).
  const subnetId = requiredString(body, 'SubnetId', { min: 1, max: 47 });
  const ipAddress = optionalString(body, 'IpAddress', { min: 7, max: 15 });
  const ipv6Address = optionalString(body, 'Ipv6Address', { min: 3, max: 39 });
  const ipAddressType = optionalEnum(body, 'IpAddressType', ['IPV4_ONLY', 'IPV6_ONLY', 'DUAL_STACK'] as const);
  if (ipv6Address !== undefined || (ipAddressType !== undefined && ipAddressType !== 'IPV4_ONLY')) {
    throw badRequest(`Subnet '${subnetId}' has no IPv6 CIDR block (the emulator's subnets are IPv4 only)`);
  }
  return { fileSystemId: id, subnetId, ipAddress, securityGroups: securityGroups(body) };
}

// ---------------------------------------------------------------------------------------------
// Access points

export interface CreateAccessPointInput {
  clientToken: string;
  fileSystemId: string;
  tags: Tag[];
  posixUser?: PosixUser;
  rootDirectory: RootDirectory;
}

const maxId = 4294967295;

export function createAccessPointInput(body: JsonObject): CreateAccessPointInput {
  const clientToken = requiredString(body, 'ClientToken', { min: 1, max: 64 });
  const id = fileSystemId(optionalString(body, 'FileSystemId'));
  let posixUser: PosixUser | undefined;
  if (body.PosixUser !== undefined && body.PosixUser !== null) {
    const user = asObject(body.PosixUser, 'PosixUser');
    const secondary = optionalArray(user, 'SecondaryGids');
    if (secondary !== undefined && secondary.length > 16)
      throw badRequest('PosixUser.SecondaryGids may list at most 16 ids');
    posixUser = {
      Uid: integerInRange(user.Uid, 'PosixUser.Uid', 0, maxId),
      Gid: integerInRange(user.Gid, 'PosixUser.Gid', 0, maxId),
      ...(secondary
        ? { SecondaryGids: secondary.map((g) => integerInRange(g, 'PosixUser.SecondaryGids', 0, maxId)) }
        : {}),
    };
  }
  const root = asObject(body.RootDirectory, 'RootDirectory');
  const path =
    optionalString(root, 'Path', { min: 1, max: 100, pattern: /^\/.*$/, patternText: 'an absolute path' }) ?? '/';
  let creationInfo: RootDirectory['CreationInfo'];
  if (root.CreationInfo !== undefined && root.CreationInfo !== null) {
    const info = asObject(root.CreationInfo, 'RootDirectory.CreationInfo');
    creationInfo = {
      OwnerUid: integerInRange(info.OwnerUid, 'CreationInfo.OwnerUid', 0, maxId),
      OwnerGid: integerInRange(info.OwnerGid, 'CreationInfo.OwnerGid', 0, maxId),
      Permissions: requiredString(info, 'Permissions', {
        pattern: /^[0-7]{3,4}$/,
        patternText: 'an octal mode such as 755',
      }),
    };
  }
  return {
    clientToken,
    fileSystemId: id,
    tags: tags(body.Tags),
    posixUser,
    rootDirectory: creationInfo ? { Path: path, CreationInfo: creationInfo } : { Path: path },
  };
}
