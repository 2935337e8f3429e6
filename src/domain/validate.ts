import { type FileSystemSpec } from '../api/filesystem';
import { ownTags } from './filesystem';

/**
 * Checks a FileSystem spec against the rules the EFS API enforces, before any AWS call, so a bad
 * manifest ends in ACK.Terminal naming the field instead of a failed request. Pure.
 */
export interface FieldError {
  field: string;
  message: string;
}

export const performanceModes = ['generalPurpose', 'maxIO'] as const;
export const throughputModes = ['bursting', 'provisioned', 'elastic'] as const;
export const onOff = ['ENABLED', 'DISABLED'] as const;
export const transitionValues = {
  transitionToIA: [
    'AFTER_1_DAY',
    'AFTER_7_DAYS',
    'AFTER_14_DAYS',
    'AFTER_30_DAYS',
    'AFTER_60_DAYS',
    'AFTER_90_DAYS',
    'AFTER_180_DAYS',
    'AFTER_270_DAYS',
    'AFTER_365_DAYS',
  ],
  transitionToArchive: [
    'AFTER_1_DAY',
    'AFTER_7_DAYS',
    'AFTER_14_DAYS',
    'AFTER_30_DAYS',
    'AFTER_60_DAYS',
    'AFTER_90_DAYS',
    'AFTER_180_DAYS',
    'AFTER_270_DAYS',
    'AFTER_365_DAYS',
  ],
  transitionToPrimaryStorageClass: ['AFTER_1_ACCESS'],
} as const;
export const provisionedThroughputRange = { min: 1, max: 3414 } as const;
/** EFS allows 50 tags per file system, and the orchestrator adds its own (ownTags) to the user's. */
export const maxTags = 50 - ownTags({ namespace: '', name: '', uid: '' }).length;

const oneOf = (values: readonly string[]): string => values.map((v) => `"${v}"`).join(', ');

export function validateFileSystemSpec(spec: FileSystemSpec | undefined): FieldError[] {
  const errors: FieldError[] = [];
  const s = spec ?? {};
  const fail = (field: string, message: string): void => {
    errors.push({ field: `spec.${field}`, message });
  };

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
  if (s.kmsKeyRef !== undefined) {
    fail('kmsKeyRef', 'references to KMS Key objects are not supported; set kmsKeyID to the key id or ARN');
  }
  if (s.replicationConfiguration !== undefined && s.replicationConfiguration.length > 0) {
    fail('replicationConfiguration', 'replication is not supported yet; remove the field');
  }
  (s.lifecyclePolicies ?? []).forEach((policy, i) => {
    const set = Object.entries(policy).filter(([, v]) => v !== undefined && v !== '');
    if (set.length !== 1) {
      fail(
        `lifecyclePolicies[${i}]`,
        'must set exactly one of transitionToIA, transitionToArchive, transitionToPrimaryStorageClass',
      );
    }
    for (const [key, value] of set) {
      const allowed = transitionValues[key as keyof typeof transitionValues] as readonly string[] | undefined;
      if (!allowed) fail(`lifecyclePolicies[${i}].${key}`, 'is not a lifecycle transition');
      else if (!allowed.includes(String(value)))
        fail(`lifecyclePolicies[${i}].${key}`, `must be one of ${oneOf(allowed)}, not "${value}"`);
    }
  });
  // The Archive storage class exists only on Elastic, General Purpose file systems, and files reach it after IA.
  const policies = s.lifecyclePolicies ?? [];
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
  if (typeof s.policy === 'string') {
    try {
      const parsed: unknown = JSON.parse(s.policy);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        fail('policy', 'must be a JSON object (an IAM policy document)');
    } catch (err) {
      fail('policy', `is not valid JSON: ${(err as Error).message}`);
    }
  }
  errors.push(...validateTags(s.tags ?? []));
  return errors;
}

export function validateTags(tags: { key?: string; value?: string }[]): FieldError[] {
  const errors: FieldError[] = [];
  if (tags.length > maxTags) {
    errors.push({
      field: 'spec.tags',
      message: `has ${tags.length} tags; at most ${maxTags} are allowed (EFS allows 50, ${50 - maxTags} of them are the orchestrator's own)`,
    });
  }
  const seen = new Set<string>();
  tags.forEach((tag, i) => {
    const field = `spec.tags[${i}]`;
    const key = tag.key ?? '';
    if (key.length < 1 || key.length > 128) errors.push({ field: `${field}.key`, message: 'must be 1-128 characters' });
    if (key.toLowerCase().startsWith('aws:'))
      errors.push({ field: `${field}.key`, message: `"${key}": keys beginning with "aws:" are reserved by AWS` });
    if ((tag.value ?? '').length > 256)
      errors.push({ field: `${field}.value`, message: 'must be at most 256 characters' });
    if (seen.has(key)) errors.push({ field: `${field}.key`, message: `"${key}" appears more than once` });
    seen.add(key);
  });
  return errors;
}

export function describeFieldErrors(errors: FieldError[]): string {
  return errors.map((e) => `${e.field} ${e.message}`).join('; ');
}
