import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { type FileSystemObject, type FileSystemSpec } from '../../src/api/filesystem';
import { ownTags } from '../../src/domain/filesystem';
import { describeFieldErrors, maxTags, validateFileSystemSpec } from '../../src/domain/validate';

/** The manifest from the ACK bug report (aws-controllers-k8s/community#2468), as a user would apply it. */
const bugReportManifest = fs.readFileSync(
  path.join(__dirname, '..', 'fixtures', 'manifests', 'ack-bug-report-filesystem.yaml'),
  'utf8',
);

/** The spec the ACK e2e tests create. */
const ackE2eSpec: FileSystemSpec = {
  encrypted: true,
  fileSystemProtection: { replicationOverwriteProtection: 'ENABLED' },
  performanceMode: 'generalPurpose',
  throughputMode: 'bursting',
};

describe('validateFileSystemSpec: valid specs', () => {
  it('accepts the ACK bug-report manifest unchanged (One Zone, backups, encryption, lifecycle with empty strings, elastic)', () => {
    const manifest = parse(bugReportManifest) as FileSystemObject;
    expect(manifest.spec?.lifecyclePolicies?.[0]?.transitionToIA).toBe('');
    expect(validateFileSystemSpec(manifest.spec)).toEqual([]);
  });

  it("accepts ACK's e2e sample", () => {
    expect(validateFileSystemSpec(ackE2eSpec)).toEqual([]);
  });

  it('accepts an absent or empty spec (every field has an AWS default)', () => {
    expect(validateFileSystemSpec(undefined)).toEqual([]);
    expect(validateFileSystemSpec({})).toEqual([]);
  });

  it('accepts provisioned throughput at both ends of the range', () => {
    expect(validateFileSystemSpec({ throughputMode: 'provisioned', provisionedThroughputInMiBps: 1 })).toEqual([]);
    expect(validateFileSystemSpec({ throughputMode: 'provisioned', provisionedThroughputInMiBps: 3414 })).toEqual([]);
    expect(validateFileSystemSpec({ throughputMode: 'provisioned', provisionedThroughputInMiBps: 2.5 })).toEqual([]);
  });

  it('ignores a provisioned amount left behind in another throughput mode (it is not sent)', () => {
    expect(validateFileSystemSpec({ throughputMode: 'elastic', provisionedThroughputInMiBps: 100 })).toEqual([]);
    expect(validateFileSystemSpec({ provisionedThroughputInMiBps: 0 })).toEqual([]);
  });

  it('accepts a KMS key with encryption, an empty replication list, a null policy and the maximum tag sizes', () => {
    expect(
      validateFileSystemSpec({
        encrypted: true,
        kmsKeyID: 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        replicationConfiguration: [],
        policy: null,
        tags: [
          { key: 'k'.repeat(128), value: 'v'.repeat(256) },
          { key: 'empty-value', value: '' },
        ],
      }),
    ).toEqual([]);
  });

  it('accepts every lifecycle value, one transition per policy, archive after IA on an elastic file system', () => {
    expect(
      validateFileSystemSpec({
        throughputMode: 'elastic',
        lifecyclePolicies: [
          { transitionToIA: 'AFTER_30_DAYS' },
          { transitionToArchive: 'AFTER_90_DAYS' },
          { transitionToPrimaryStorageClass: 'AFTER_1_ACCESS' },
        ],
      }),
    ).toEqual([]);
    for (const days of [
      'AFTER_1_DAY',
      'AFTER_7_DAYS',
      'AFTER_14_DAYS',
      'AFTER_30_DAYS',
      'AFTER_60_DAYS',
      'AFTER_90_DAYS',
      'AFTER_180_DAYS',
      'AFTER_270_DAYS',
      'AFTER_365_DAYS',
    ]) {
      expect(validateFileSystemSpec({ lifecyclePolicies: [{ transitionToIA: days }] })).toEqual([]);
      expect(
        validateFileSystemSpec({ throughputMode: 'elastic', lifecyclePolicies: [{ transitionToArchive: days }] }),
      ).toEqual([]);
    }
  });

  it('accepts as many user tags as leave room for the orchestrator’s own within the EFS limit of 50', () => {
    const own = ownTags({ namespace: 'ns', name: 'n', uid: 'u' }).length;
    expect(maxTags + own).toBe(50);
    const tags = Array.from({ length: maxTags }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
    expect(validateFileSystemSpec({ tags })).toEqual([]);
  });
});

interface Rule {
  rule: string;
  spec: FileSystemSpec;
  field: string;
  message: RegExp;
}

const rules: Rule[] = [
  {
    rule: 'performanceMode is an EFS performance mode',
    spec: { performanceMode: 'fast' },
    field: 'spec.performanceMode',
    message: /"generalPurpose", "maxIO".*not "fast"/,
  },
  {
    rule: 'throughputMode is an EFS throughput mode',
    spec: { throughputMode: 'burst' },
    field: 'spec.throughputMode',
    message: /"bursting", "provisioned", "elastic".*not "burst"/,
  },
  {
    rule: 'provisioned throughput is required in provisioned mode',
    spec: { throughputMode: 'provisioned' },
    field: 'spec.provisionedThroughputInMiBps',
    message: /required when throughputMode is "provisioned"/,
  },
  {
    rule: 'provisioned throughput is at least 1 MiB/s',
    spec: { throughputMode: 'provisioned', provisionedThroughputInMiBps: 0 },
    field: 'spec.provisionedThroughputInMiBps',
    message: /between 1 and 3414 MiB\/s, not 0/,
  },
  {
    rule: 'provisioned throughput is at most 3414 MiB/s',
    spec: { throughputMode: 'provisioned', provisionedThroughputInMiBps: 3414.5 },
    field: 'spec.provisionedThroughputInMiBps',
    message: /between 1 and 3414 MiB\/s, not 3414.5/,
  },
  {
    rule: 'provisioned throughput is a number',
    spec: { throughputMode: 'provisioned', provisionedThroughputInMiBps: Number.NaN },
    field: 'spec.provisionedThroughputInMiBps',
    message: /between 1 and 3414/,
  },
  {
    rule: 'a KMS key needs encryption',
    spec: { kmsKeyID: 'alias/efs' },
    field: 'spec.kmsKeyID',
    message: /needs encrypted: true/,
  },
  {
    rule: 'a KMS key needs encryption set to true, not false',
    spec: { kmsKeyID: 'alias/efs', encrypted: false },
    field: 'spec.kmsKeyID',
    message: /needs encrypted: true/,
  },
  {
    rule: 'maxIO cannot be Elastic',
    spec: { performanceMode: 'maxIO', throughputMode: 'elastic' },
    field: 'spec.performanceMode',
    message: /"maxIO" cannot be combined with throughputMode "elastic"/,
  },
  {
    rule: 'maxIO cannot be One Zone',
    spec: { performanceMode: 'maxIO', availabilityZoneName: 'eu-central-1a' },
    field: 'spec.performanceMode',
    message: /not available for One Zone/,
  },
  {
    rule: 'backup is refused as in ACK',
    spec: { backup: true },
    field: 'spec.backup',
    message: /set backupPolicy.status/,
  },
  { rule: 'backup: false is refused too', spec: { backup: false }, field: 'spec.backup', message: /not supported/ },
  {
    rule: 'backupPolicy.status is ENABLED or DISABLED',
    spec: { backupPolicy: { status: 'enabled' } },
    field: 'spec.backupPolicy.status',
    message: /"ENABLED", "DISABLED".*not "enabled"/,
  },
  {
    rule: 'replicationOverwriteProtection is ENABLED or DISABLED',
    spec: { fileSystemProtection: { replicationOverwriteProtection: 'ON' } },
    field: 'spec.fileSystemProtection.replicationOverwriteProtection',
    message: /"ENABLED", "DISABLED".*not "ON"/,
  },
  {
    rule: 'kmsKeyRef is not supported',
    spec: { kmsKeyRef: { from: { name: 'key' } } },
    field: 'spec.kmsKeyRef',
    message: /set kmsKeyID/,
  },
  {
    rule: 'replication is not supported yet',
    spec: { replicationConfiguration: [{ region: 'eu-west-1' }] },
    field: 'spec.replicationConfiguration',
    message: /not supported yet/,
  },
  {
    rule: 'a lifecycle policy sets one transition, not two',
    spec: {
      lifecyclePolicies: [{ transitionToIA: 'AFTER_30_DAYS', transitionToPrimaryStorageClass: 'AFTER_1_ACCESS' }],
    },
    field: 'spec.lifecyclePolicies[0]',
    message: /exactly one of transitionToIA, transitionToArchive, transitionToPrimaryStorageClass/,
  },
  {
    rule: 'a lifecycle policy sets one transition, not none (empty strings count as unset)',
    spec: { lifecyclePolicies: [{ transitionToIA: 'AFTER_7_DAYS' }, { transitionToIA: '', transitionToArchive: '' }] },
    field: 'spec.lifecyclePolicies[1]',
    message: /exactly one of/,
  },
  {
    rule: 'transitionToIA takes an AFTER_n_DAYS value',
    spec: { lifecyclePolicies: [{ transitionToIA: 'AFTER_2_DAYS' }] },
    field: 'spec.lifecyclePolicies[0].transitionToIA',
    message: /"AFTER_1_DAY", .*"AFTER_365_DAYS", not "AFTER_2_DAYS"/,
  },
  {
    rule: 'transitionToPrimaryStorageClass takes AFTER_1_ACCESS only',
    spec: { lifecyclePolicies: [{ transitionToPrimaryStorageClass: 'AFTER_30_DAYS' }] },
    field: 'spec.lifecyclePolicies[0].transitionToPrimaryStorageClass',
    message: /"AFTER_1_ACCESS", not "AFTER_30_DAYS"/,
  },
  {
    rule: 'transitionToArchive takes an AFTER_n_DAYS value',
    spec: { throughputMode: 'elastic', lifecyclePolicies: [{ transitionToArchive: 'AFTER_1_ACCESS' }] },
    field: 'spec.lifecyclePolicies[0].transitionToArchive',
    message: /not "AFTER_1_ACCESS"/,
  },
  {
    rule: 'a lifecycle policy names a known transition',
    spec: { lifecyclePolicies: [{ transitionToGlacier: 'AFTER_30_DAYS' } as never] },
    field: 'spec.lifecyclePolicies[0].transitionToGlacier',
    message: /is not a lifecycle transition/,
  },
  {
    rule: 'archive needs Elastic throughput (bursting is the default)',
    spec: { lifecyclePolicies: [{ transitionToArchive: 'AFTER_90_DAYS' }] },
    field: 'spec.lifecyclePolicies[0].transitionToArchive',
    message: /needs throughputMode "elastic" and performanceMode "generalPurpose"/,
  },
  {
    rule: 'archive needs Elastic throughput, not provisioned',
    spec: {
      throughputMode: 'provisioned',
      provisionedThroughputInMiBps: 10,
      lifecyclePolicies: [{ transitionToArchive: 'AFTER_90_DAYS' }],
    },
    field: 'spec.lifecyclePolicies[0].transitionToArchive',
    message: /needs throughputMode "elastic"/,
  },
  {
    rule: 'archive comes after IA',
    spec: {
      throughputMode: 'elastic',
      lifecyclePolicies: [{ transitionToIA: 'AFTER_30_DAYS' }, { transitionToArchive: 'AFTER_14_DAYS' }],
    },
    field: 'spec.lifecyclePolicies[1].transitionToArchive',
    message: /later than transitionToIA \("AFTER_30_DAYS"\)/,
  },
  {
    rule: 'archive comes strictly after IA',
    spec: {
      throughputMode: 'elastic',
      lifecyclePolicies: [{ transitionToArchive: 'AFTER_30_DAYS' }, { transitionToIA: 'AFTER_30_DAYS' }],
    },
    field: 'spec.lifecyclePolicies[0].transitionToArchive',
    message: /later than transitionToIA/,
  },
  {
    rule: 'policy is JSON',
    spec: { policy: '{"Version": "2012-10-17",' },
    field: 'spec.policy',
    message: /is not valid JSON/,
  },
  {
    rule: 'an empty policy string is not JSON',
    spec: { policy: '' },
    field: 'spec.policy',
    message: /is not valid JSON/,
  },
  {
    rule: 'policy is a JSON object, not an array',
    spec: { policy: '[]' },
    field: 'spec.policy',
    message: /must be a JSON object/,
  },
  {
    rule: 'policy is a JSON object, not null',
    spec: { policy: 'null' },
    field: 'spec.policy',
    message: /must be a JSON object/,
  },
  {
    rule: 'policy is a JSON object, not a string',
    spec: { policy: '"Allow"' },
    field: 'spec.policy',
    message: /must be a JSON object/,
  },
  {
    rule: 'at most 47 user tags (EFS allows 50; three are the orchestrator’s)',
    spec: { tags: Array.from({ length: maxTags + 1 }, (_, i) => ({ key: `k${i}`, value: 'v' })) },
    field: 'spec.tags',
    message: new RegExp(`has ${maxTags + 1} tags; at most ${maxTags} are allowed`),
  },
  {
    rule: 'a tag key is not empty',
    spec: { tags: [{ key: '', value: 'v' }] },
    field: 'spec.tags[0].key',
    message: /1-128 characters/,
  },
  {
    rule: 'a tag key is present',
    spec: { tags: [{ value: 'v' }] },
    field: 'spec.tags[0].key',
    message: /1-128 characters/,
  },
  {
    rule: 'a tag key is at most 128 characters',
    spec: { tags: [{ key: 'k'.repeat(129) }] },
    field: 'spec.tags[0].key',
    message: /1-128 characters/,
  },
  {
    rule: 'a tag key does not start with aws:',
    spec: { tags: [{ key: 'aws:cloudformation:stack-name', value: 'x' }] },
    field: 'spec.tags[0].key',
    message: /reserved by AWS/,
  },
  {
    rule: 'the aws: prefix is reserved in any case',
    spec: { tags: [{ key: 'AWS:Owner', value: 'x' }] },
    field: 'spec.tags[0].key',
    message: /"AWS:Owner": keys beginning with "aws:"/,
  },
  {
    rule: 'a tag value is at most 256 characters',
    spec: { tags: [{ key: 'k', value: 'v'.repeat(257) }] },
    field: 'spec.tags[0].value',
    message: /at most 256 characters/,
  },
  {
    rule: 'tag keys are unique',
    spec: {
      tags: [
        { key: 'team', value: 'a' },
        { key: 'env', value: 'b' },
        { key: 'team', value: 'c' },
      ],
    },
    field: 'spec.tags[2].key',
    message: /"team" appears more than once/,
  },
];

describe('validateFileSystemSpec: each rule names its field', () => {
  it.each(rules)('$rule', ({ spec, field, message }) => {
    const errors = validateFileSystemSpec(spec);
    expect(errors).toHaveLength(1);
    const [error] = errors;
    expect(error?.field).toBe(field);
    expect(error?.message).toMatch(message);
    // What the object's ACK.Terminal condition will say: the field first, then the rule.
    const described = describeFieldErrors(errors);
    expect(described.startsWith(`${field} `)).toBe(true);
    expect(described).toMatch(message);
  });

  it('reports every broken rule at once, in one message', () => {
    const errors = validateFileSystemSpec({
      performanceMode: 'maxIO',
      throughputMode: 'elastic',
      kmsKeyID: 'alias/efs',
      backup: true,
      tags: [{ key: 'aws:x' }],
    });
    expect(errors.map((e) => e.field)).toEqual([
      'spec.kmsKeyID',
      'spec.performanceMode',
      'spec.backup',
      'spec.tags[0].key',
    ]);
    const described = describeFieldErrors(errors);
    expect(described).toBe(errors.map((e) => `${e.field} ${e.message}`).join('; '));
    for (const { field } of errors) expect(described).toContain(`${field} `);
  });

  it('describes no errors as an empty string', () => {
    expect(describeFieldErrors([])).toBe('');
  });
});
