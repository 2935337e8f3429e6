import { type AccessPointSpec } from '../api/accesspoint';
import {
  fileSystemIdPattern,
  ipv4Pattern,
  kmsKeyIdPattern,
  maxPolicyLength,
  maxRootDirectoryPathLength,
  maxSecondaryGids,
  maxSecurityGroups,
  onOff,
  performanceModes,
  permissionsPattern,
  posixIdRange,
  provisionedThroughputRange,
  rootDirectoryPathPattern,
  securityGroupIdPattern,
  subnetIdPattern,
  tagKeyPattern,
  tagLimits,
  tagValuePattern,
  throughputModes,
  transitionNames,
  transitionValues,
} from '../api/efs-rules';
import { type FileSystemSpec } from '../api/filesystem';
import { type MountTargetSpec } from '../api/mounttarget';
import { fileSystemReferences, mountTargetReferences } from '../api/references';
import { ownTags } from './filesystem';
import { referenceFieldErrors } from './references';
import { replicationErrors } from './replication';

/**
 * Checks specs against the rules the EFS API enforces, before any AWS call, so a bad manifest ends
 * in ACK.Terminal naming the field instead of a failed request (or, worse, a file system created
 * and then a settings call refused). Pure.
 */
export interface FieldError {
  field: string;
  message: string;
}

export {
  maxPolicyLength,
  onOff,
  performanceModes,
  provisionedThroughputRange,
  throughputModes,
  transitionValues,
} from '../api/efs-rules';

/** EFS allows 50 tags per file system, and the orchestrator adds its own (ownTags) to the user's. */
export const maxTags = tagLimits.perResource - ownTags({ namespace: '', name: '', uid: '' }).length;

const oneOf = (values: readonly string[]): string => values.map((v) => `"${v}"`).join(', ');
export const matches = (pattern: string, value: string): boolean => new RegExp(pattern, 'u').test(value);
/** Length in characters (code points), as the API counts them. */
const charLength = (s: string): number => [...s].length;

type Fail = (field: string, message: string) => void;

function collector(): { errors: FieldError[]; fail: Fail } {
  const errors: FieldError[] = [];
  return { errors, fail: (field, message) => errors.push({ field: `spec.${field}`, message }) };
}

export function validateFileSystemSpec(spec: FileSystemSpec | undefined): FieldError[] {
  const { errors, fail } = collector();
  const s = spec ?? {};

  if (s.performanceMode !== undefined && !performanceModes.includes(s.performanceMode as never)) {
    fail('performanceMode', `must be one of ${oneOf(performanceModes)}, not "${s.performanceMode}"`);
  }
  if (s.throughputMode !== undefined && !throughputModes.includes(s.throughputMode as never)) {
    fail('throughputMode', `must be one of ${oneOf(throughputModes)}, not "${s.throughputMode}"`);
  }
  const provisioned = s.provisionedThroughputInMiBps;
  if (s.throughputMode === 'provisioned' && provisioned === undefined) {
    fail('provisionedThroughputInMiBps', 'is required when throughputMode is "provisioned"');
  }
  // Outside provisioned mode the amount is ignored (a merge patch to another mode often leaves it behind).
  if (provisioned !== undefined && s.throughputMode === 'provisioned') {
    if (!(provisioned >= provisionedThroughputRange.min && provisioned <= provisionedThroughputRange.max)) {
      fail(
        'provisionedThroughputInMiBps',
        `must be between ${provisionedThroughputRange.min} and ${provisionedThroughputRange.max} MiB/s, not ${provisioned}`,
      );
    }
  }
  if (s.kmsKeyID !== undefined && s.encrypted !== true) {
    fail('kmsKeyID', 'needs encrypted: true (a KMS key only applies to an encrypted file system)');
  } else if (s.kmsKeyID !== undefined && !matches(kmsKeyIdPattern, s.kmsKeyID)) {
    fail('kmsKeyID', `"${s.kmsKeyID}" is not a KMS key: give a key id, key ARN, alias name (alias/...) or alias ARN`);
  }
  if (
    s.availabilityZoneName !== undefined &&
    (s.availabilityZoneName.length < 1 || s.availabilityZoneName.length > 64)
  ) {
    fail('availabilityZoneName', 'must be 1-64 characters (an Availability Zone name such as "us-east-1a")');
  }
  if (s.performanceMode === 'maxIO' && s.throughputMode === 'elastic') {
    fail('performanceMode', '"maxIO" cannot be combined with throughputMode "elastic"; use "generalPurpose"');
  }
  if (s.performanceMode === 'maxIO' && s.availabilityZoneName !== undefined) {
    fail('performanceMode', '"maxIO" is not available for One Zone file systems (availabilityZoneName is set)');
  }
  if (s.backup !== undefined) {
    fail('backup', 'is not supported; set backupPolicy.status to "ENABLED" or "DISABLED" instead');
  }
  if (s.backupPolicy?.status !== undefined && !onOff.includes(s.backupPolicy.status as never)) {
    fail('backupPolicy.status', `must be one of ${oneOf(onOff)}, not "${s.backupPolicy.status}"`);
  }
  const protection = s.fileSystemProtection?.replicationOverwriteProtection;
  if (protection !== undefined && !onOff.includes(protection as never)) {
    fail('fileSystemProtection.replicationOverwriteProtection', `must be one of ${oneOf(onOff)}, not "${protection}"`);
  }
  if (s.kmsKeyRef !== undefined && s.encrypted !== true) {
    fail('kmsKeyRef', 'needs encrypted: true (a KMS key only applies to an encrypted file system)');
  }
  errors.push(...replicationErrors(s));
  checkLifecyclePolicies(s, fail);
  if (typeof s.policy === 'string') {
    for (const problem of policyDocumentErrors(s.policy)) fail('policy', problem);
  }
  errors.push(...validateTags(s.tags ?? []));
  errors.push(...referenceFieldErrors(fileSystemReferences, s));
  return errors;
}

function checkLifecyclePolicies(s: FileSystemSpec, fail: Fail): void {
  const policies = s.lifecyclePolicies ?? [];
  // ACK manifests carry empty strings for the transitions a policy does not set.
  const setTransitions = (policy: object): [string, unknown][] =>
    Object.entries(policy).filter(([, v]) => v !== undefined && v !== null && v !== '');
  const firstIndex = new Map<string, number>();
  policies.forEach((policy, i) => {
    const set = setTransitions(policy);
    if (set.length !== 1) {
      fail(`lifecyclePolicies[${i}]`, `must set exactly one of ${transitionNames.join(', ')}`);
    }
    for (const [key, value] of set) {
      const allowed = transitionValues[key as keyof typeof transitionValues] as readonly string[] | undefined;
      if (!allowed) fail(`lifecyclePolicies[${i}].${key}`, 'is not a lifecycle transition');
      else if (!allowed.includes(String(value)))
        fail(`lifecyclePolicies[${i}].${key}`, `must be one of ${oneOf(allowed)}, not "${String(value)}"`);
      const earlier = firstIndex.get(key);
      if (earlier !== undefined) {
        fail(
          `lifecyclePolicies[${i}].${key}`,
          `repeats the transition already set in lifecyclePolicies[${earlier}]; each transition may appear once: keep one of them`,
        );
      } else firstIndex.set(key, i);
    }
  });
  // The Archive storage class exists only on Elastic, General Purpose file systems, and files reach it after IA.
  const afterDays = (value: string | undefined): number | undefined =>
    Number(/^AFTER_(\d+)_DAYS?$/.exec(value ?? '')?.[1] ?? NaN) || undefined;
  const toIA = policies.find((p) => p.transitionToIA)?.transitionToIA;
  policies.forEach((policy, i) => {
    if (!policy.transitionToArchive) return;
    const field = `lifecyclePolicies[${i}].transitionToArchive`;
    if (s.throughputMode !== 'elastic' || s.performanceMode === 'maxIO') {
      fail(
        field,
        'needs throughputMode "elastic" and performanceMode "generalPurpose" (the only file systems with an Archive storage class)',
      );
    }
    const archiveDays = afterDays(policy.transitionToArchive);
    const iaDays = afterDays(toIA);
    if (archiveDays !== undefined && iaDays !== undefined && archiveDays <= iaDays)
      fail(field, `must be later than transitionToIA ("${toIA}")`);
  });
}

// ---------------------------------------------------------------------------------------------
// File system policy: an IAM policy document (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html)

export const policyVersions = ['2008-10-17', '2012-10-17'] as const;
export const principalTypes = ['AWS', 'Service', 'Federated', 'CanonicalUser'] as const;
const documentElements = ['Version', 'Id', 'Statement'];
const statementElements = [
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
];
/** The IAM condition operators; each may end in IfExists (except Null) and start with ForAnyValue:/ForAllValues:. */
export const conditionOperators = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
] as const;
const actionPattern = /^(\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$/;
const resourcePattern = /^(\*|arn:[^:]+:[^:]*:[^:]*:[^:]*:.+)$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

export function isConditionOperator(name: string): boolean {
  const bare = name.replace(/^(ForAnyValue|ForAllValues):/, '');
  if ((conditionOperators as readonly string[]).includes(bare)) return true;
  const base = bare.replace(/IfExists$/, '');
  return base !== bare && base !== 'Null' && (conditionOperators as readonly string[]).includes(base);
}

/**
 * What is wrong with an IAM policy document, each problem naming its place in the document
 * (`Statement[1].Effect must be ...`); empty when EFS would accept it.
 */
export function policyDocumentErrors(text: string): string[] {
  const problems: string[] = [];
  const length = charLength(text);
  if (length > maxPolicyLength) {
    return [`is ${length} characters long; EFS allows at most ${maxPolicyLength}: shorten the document`];
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return [`is not valid JSON: ${(err as Error).message}`];
  }
  if (!isObject(doc)) return ['must be a JSON object (an IAM policy document with Version and Statement)'];
  for (const key of Object.keys(doc)) {
    if (!documentElements.includes(key))
      problems.push(`has the unknown element "${key}": a policy document has only ${documentElements.join(', ')}`);
  }
  if (doc.Version !== undefined && !(policyVersions as readonly unknown[]).includes(doc.Version)) {
    problems.push(`Version must be ${oneOf(policyVersions)} (use "2012-10-17"), not ${show(doc.Version)}`);
  }
  if (doc.Id !== undefined && typeof doc.Id !== 'string') problems.push(`Id must be a string, not ${show(doc.Id)}`);
  if (doc.Statement === undefined) {
    problems.push('has no Statement: add "Statement": [{"Effect": "Allow", "Principal": ..., "Action": ...}]');
    return problems;
  }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  const where = (i: number): string => (Array.isArray(doc.Statement) ? `Statement[${i}]` : 'Statement');
  const sids = new Map<string, number>();
  statements.forEach((statement: unknown, i) => {
    if (!isObject(statement)) {
      problems.push(`${where(i)} must be an object with Effect and Action, not ${show(statement)}`);
      return;
    }
    problems.push(...statementErrors(statement, where(i)));
    if (typeof statement.Sid === 'string') {
      const earlier = sids.get(statement.Sid);
      if (earlier !== undefined)
        problems.push(
          `${where(i)}.Sid "${statement.Sid}" is already the Sid of ${where(earlier)}: Sids must be unique`,
        );
      else sids.set(statement.Sid, i);
    }
  });
  return problems;
}

function statementErrors(statement: Record<string, unknown>, at: string): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(statement)) {
    if (!statementElements.includes(key))
      problems.push(`${at} has the unknown element "${key}": a statement has only ${statementElements.join(', ')}`);
  }
  if (statement.Sid !== undefined && (typeof statement.Sid !== 'string' || !/^[A-Za-z0-9 _.-]*$/.test(statement.Sid)))
    problems.push(
      `${at}.Sid must be a string of letters, digits, spaces, "_", "." and "-", not ${show(statement.Sid)}`,
    );
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
    problems.push(
      statement.Effect === undefined
        ? `${at} has no Effect: add "Effect": "Allow" or "Effect": "Deny"`
        : `${at}.Effect must be "Allow" or "Deny", not ${show(statement.Effect)}`,
    );
  }
  const pair = (a: string, b: string, required: boolean): string | undefined => {
    const has = [a, b].filter((k) => statement[k] !== undefined);
    if (has.length === 2) problems.push(`${at} sets both ${a} and ${b}: keep one`);
    else if (has.length === 0 && required) problems.push(`${at} has no ${a}: add "${a}" (or "${b}")`);
    return has.length === 1 ? has[0] : undefined;
  };
  const action = pair('Action', 'NotAction', true);
  if (action)
    problems.push(
      ...stringListErrors(
        statement[action],
        `${at}.${action}`,
        actionPattern,
        'an action such as "elasticfilesystem:ClientMount", or "*"',
      ),
    );
  const resource = pair('Resource', 'NotResource', false);
  if (resource)
    problems.push(...stringListErrors(statement[resource], `${at}.${resource}`, resourcePattern, 'an ARN, or "*"'));
  const principal = pair('Principal', 'NotPrincipal', false);
  if (principal) problems.push(...principalErrors(statement[principal], `${at}.${principal}`));
  if (statement.Condition !== undefined) problems.push(...conditionErrors(statement.Condition, `${at}.Condition`));
  return problems;
}

function stringListErrors(value: unknown, at: string, pattern: RegExp | undefined, what: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (Array.isArray(value) && value.length === 0) return [`${at} is an empty list: give at least one value`];
  const problems: string[] = [];
  list.forEach((item: unknown, i) => {
    const place = Array.isArray(value) ? `${at}[${i}]` : at;
    if (typeof item !== 'string') problems.push(`${place} must be a string (${what}), not ${show(item)}`);
    else if (pattern && !pattern.test(item)) problems.push(`${place} "${item}" is not ${what}`);
  });
  return problems;
}

function principalErrors(value: unknown, at: string): string[] {
  if (value === '*') return [];
  const expected = `"*" or an object mapping ${principalTypes.join(', ')} to a string or a list of strings`;
  if (!isObject(value) || Object.keys(value).length === 0) return [`${at} must be ${expected}, not ${show(value)}`];
  const problems: string[] = [];
  for (const [type, ids] of Object.entries(value)) {
    if (!(principalTypes as readonly string[]).includes(type))
      problems.push(`${at} has the unknown principal type "${type}": use one of ${oneOf(principalTypes)}`);
    else problems.push(...stringListErrors(ids, `${at}.${type}`, undefined, 'a principal such as an account ARN'));
  }
  return problems;
}

function conditionErrors(value: unknown, at: string): string[] {
  const shape = 'an object mapping operators (such as "Bool") to objects of condition keys and values';
  if (!isObject(value)) return [`${at} must be ${shape}, not ${show(value)}`];
  const problems: string[] = [];
  for (const [operator, keys] of Object.entries(value)) {
    if (!isConditionOperator(operator)) {
      problems.push(
        `${at} has the unknown operator "${operator}": use an IAM condition operator such as "StringEquals" or "Bool"`,
      );
      continue;
    }
    if (!isObject(keys) || Object.keys(keys).length === 0) {
      problems.push(`${at}.${operator} must be a non-empty object of condition keys and values, not ${show(keys)}`);
      continue;
    }
    for (const [key, values] of Object.entries(keys)) {
      const list = Array.isArray(values) ? values : [values];
      const scalar = (v: unknown): boolean => ['string', 'number', 'boolean'].includes(typeof v);
      if ((Array.isArray(values) && values.length === 0) || !list.every(scalar))
        problems.push(
          `${at}.${operator}["${key}"] must be a string, number or boolean, or a non-empty list of them, not ${show(values)}`,
        );
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Tags, mount targets, access points

export function validateTags(tags: { key?: string; value?: string }[]): FieldError[] {
  const errors: FieldError[] = [];
  if (tags.length > maxTags) {
    errors.push({
      field: 'spec.tags',
      message: `has ${tags.length} tags; at most ${maxTags} are allowed (EFS allows ${tagLimits.perResource}, ${tagLimits.perResource - maxTags} of them are the orchestrator's own)`,
    });
  }
  const seen = new Set<string>();
  tags.forEach((tag, i) => {
    const field = `spec.tags[${i}]`;
    const key = tag.key ?? '';
    const value = tag.value ?? '';
    if (charLength(key) < 1 || charLength(key) > tagLimits.keyLength)
      errors.push({ field: `${field}.key`, message: `must be 1-${tagLimits.keyLength} characters` });
    else if (key.toLowerCase().startsWith('aws:'))
      errors.push({ field: `${field}.key`, message: `"${key}": keys beginning with "aws:" are reserved by AWS` });
    else if (!matches(tagKeyPattern, key))
      errors.push({
        field: `${field}.key`,
        message: `"${key}" may contain only letters, digits, spaces and _ . : / = + - @`,
      });
    if (charLength(value) > tagLimits.valueLength)
      errors.push({ field: `${field}.value`, message: `must be at most ${tagLimits.valueLength} characters` });
    else if (!matches(tagValuePattern, value))
      errors.push({
        field: `${field}.value`,
        message: `"${value}" may contain only letters, digits, spaces and _ . : / = + - @`,
      });
    if (seen.has(key)) errors.push({ field: `${field}.key`, message: `"${key}" appears more than once` });
    seen.add(key);
  });
  return errors;
}

function checkFileSystemId(id: string | undefined, fail: Fail): void {
  if (id && !matches(fileSystemIdPattern, id))
    fail('fileSystemID', `"${id}" is not a file system id (fs- followed by 8-40 hex digits) or file system ARN`);
}

/**
 * The field rules of a MountTarget spec (not how it names its file system: see references.ts).
 * The IP address must also lie in the subnet, which only AWS can check.
 */
export function validateMountTargetFields(spec: MountTargetSpec | undefined): FieldError[] {
  const { errors, fail } = collector();
  const s = spec ?? {};
  checkFileSystemId(s.fileSystemID, fail);
  if (!s.subnetID) {
    if (!s.subnetRef) fail('subnetID', 'is required (or name an ACK Subnet object with subnetRef.from.name)');
  } else if (!matches(subnetIdPattern, s.subnetID)) {
    fail(
      'subnetID',
      `"${s.subnetID}" is not a subnet id (subnet- followed by 8-40 letters or digits, 15-47 characters in all)`,
    );
  }
  const groups = s.securityGroups ?? [];
  if (groups.length > maxSecurityGroups) fail('securityGroups', `at most ${maxSecurityGroups} security groups`);
  const seen = new Set<string>();
  groups.forEach((sg, i) => {
    if (!matches(securityGroupIdPattern, sg))
      fail(`securityGroups[${i}]`, `"${sg}" is not a security group id (sg- followed by 8-40 hex digits)`);
    else if (seen.has(sg)) fail(`securityGroups[${i}]`, `"${sg}" appears more than once`);
    seen.add(sg);
  });
  if (s.ipAddress !== undefined && !matches(ipv4Pattern, s.ipAddress)) {
    fail('ipAddress', `"${s.ipAddress}" is not an IPv4 address (four numbers 0-255, such as "10.0.1.25")`);
  }
  errors.push(...referenceFieldErrors(mountTargetReferences, s));
  return errors;
}

/** The field rules of an AccessPoint spec (not how it names its file system: see references.ts). */
export function validateAccessPointFields(spec: AccessPointSpec | undefined): FieldError[] {
  const { errors, fail } = collector();
  const s = spec ?? {};
  checkFileSystemId(s.fileSystemID, fail);
  const posixId = (value: unknown, field: string): void => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < posixIdRange.min || value > posixIdRange.max)
      fail(field, `must be an integer from ${posixIdRange.min} to ${posixIdRange.max}, not ${show(value)}`);
  };
  const user = s.posixUser;
  if (user) {
    if (user.uid === undefined || user.gid === undefined) fail('posixUser', 'needs both uid and gid');
    if (user.uid !== undefined) posixId(user.uid, 'posixUser.uid');
    if (user.gid !== undefined) posixId(user.gid, 'posixUser.gid');
    const secondary = user.secondaryGIDs ?? [];
    if (secondary.length > maxSecondaryGids)
      fail('posixUser.secondaryGIDs', `lists ${secondary.length} groups; at most ${maxSecondaryGids} are allowed`);
    secondary.forEach((gid, i) => posixId(gid, `posixUser.secondaryGIDs[${i}]`));
  }
  const root = s.rootDirectory;
  if (root?.path !== undefined) {
    if (charLength(root.path) > maxRootDirectoryPathLength || !matches(rootDirectoryPathPattern, root.path))
      fail(
        'rootDirectory.path',
        `"${root.path}" must be an absolute path of at most ${maxRootDirectoryPathLength} characters and 4 levels, ` +
          'no part starting with "." and none of $ # < > ; ` | & ? { } ^ * (for example "/data/team-a")',
      );
  }
  const info = root?.creationInfo;
  if (info) {
    if (info.ownerUID === undefined || info.ownerGID === undefined || info.permissions === undefined) {
      fail('rootDirectory.creationInfo', 'needs ownerUID, ownerGID and octal permissions such as "755"');
    }
    if (info.ownerUID !== undefined) posixId(info.ownerUID, 'rootDirectory.creationInfo.ownerUID');
    if (info.ownerGID !== undefined) posixId(info.ownerGID, 'rootDirectory.creationInfo.ownerGID');
    if (info.permissions !== undefined && !matches(permissionsPattern, info.permissions))
      fail(
        'rootDirectory.creationInfo.permissions',
        `"${info.permissions}" is not an octal mode: give 3 or 4 digits 0-7, such as "755"`,
      );
  }
  errors.push(...validateTags(s.tags ?? []));
  return errors;
}

export function describeFieldErrors(errors: FieldError[]): string {
  return errors.map((e) => `${e.field} ${e.message}`).join('; ');
}
