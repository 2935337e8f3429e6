/**
 * The values, limits and shapes the EFS API allows for the spec fields of the three kinds
 * ([API reference](https://docs.aws.amazon.com/efs/latest/ug/api-reference.html)). The CRD schema
 * (crd.ts) and the validation before any AWS call (src/domain/validate.ts) both read them, so the
 * API server and the workflow refuse the same things. Patterns are written for both JavaScript and
 * the API server's RE2 (no lookaround).
 */
export const performanceModes = ['generalPurpose', 'maxIO'] as const;
export const throughputModes = ['bursting', 'provisioned', 'elastic'] as const;
export const onOff = ['ENABLED', 'DISABLED'] as const;

const afterDays = [
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
export const transitionValues = {
  transitionToIA: afterDays,
  transitionToArchive: afterDays,
  transitionToPrimaryStorageClass: ['AFTER_1_ACCESS'],
} as const;
export type TransitionName = keyof typeof transitionValues;
export const transitionNames = Object.keys(transitionValues) as TransitionName[];

export const provisionedThroughputRange = { min: 1, max: 3414 } as const;
/** EFS file system policies are at most 20,000 characters (PutFileSystemPolicy). */
export const maxPolicyLength = 20_000;

export const tagLimits = { perResource: 50, keyLength: 128, valueLength: 256 } as const;
/** Letters, digits, spaces and `_ . : / = + - @` (the API's tag pattern). */
export const tagKeyPattern = '^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+$';
export const tagValuePattern = '^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$';

export const fileSystemIdPattern =
  '^(fs-[0-9a-f]{8,40}|arn:aws[-a-z]*:elasticfilesystem:[0-9a-z-]+:[0-9]{12}:file-system/fs-[0-9a-f]{8,40})$';
export const kmsKeyIdPattern =
  '^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias/[a-zA-Z0-9/_-]+|arn:aws[-a-z]*:kms:[a-z0-9-]+:[0-9]{12}:(key/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|key/mrk-[0-9a-f]{32}|alias/[a-zA-Z0-9/_-]+))$';
/** An AWS Region name, as the EFS API validates it (e.g. eu-west-1, us-gov-west-1). */
export const regionPattern = '^[a-z]{2}-((iso[a-z]{0,1}-)|(gov-)){0,1}[a-z]+-{0,1}[0-9]{0,1}$';
export const subnetIdPattern = '^subnet-[0-9a-z]{8,40}$';
export const securityGroupIdPattern = '^sg-[0-9a-f]{8,40}$';
/** Security groups per mount target: a quota AWS does not raise. */
export const maxSecurityGroups = 5;
export const ipv4Pattern =
  '^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$';

/** POSIX ids are 0 to 2^32-1; at most 16 secondary groups. */
export const posixIdRange = { min: 0, max: 4294967295 } as const;
export const maxSecondaryGids = 16;
/**
 * An access point's root: `/`, or up to four levels below it, no component starting with `.` and none
 * of `$ # < > ; \` | & ? { } ^ *` (the API's pattern, whose lookahead is spelled out here).
 */
export const rootDirectoryPathPattern = '^(/|(/[^$#<>;`|&?{}^*/\\n.][^$#<>;`|&?{}^*/\\n]*){1,4})$';
export const maxRootDirectoryPathLength = 100;
export const permissionsPattern = '^[0-7]{3,4}$';
