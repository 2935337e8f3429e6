import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { type AccessPointSpec } from '../../src/api/accesspoint';
import { type FileSystemObject, type FileSystemSpec } from '../../src/api/filesystem';
import { type MountTargetSpec } from '../../src/api/mounttarget';
import { ownTags } from '../../src/domain/filesystem';
import {
  describeFieldErrors,
  maxTags,
  policyDocumentErrors,
  validateAccessPointFields,
  validateFileSystemSpec,
  validateMountTargetFields,
} from '../../src/domain/validate';

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
    rule: 'kmsKeyRef needs encrypted: true',
    spec: { kmsKeyRef: { from: { name: 'key' } } },
    field: 'spec.kmsKeyRef',
    message: /needs encrypted: true/,
  },
  {
    rule: 'kmsKeyID and kmsKeyRef are not both set',
    spec: { encrypted: true, kmsKeyID: 'alias/key', kmsKeyRef: { from: { name: 'key' } } },
    field: 'spec.kmsKeyRef',
    message: /set either kmsKeyID or kmsKeyRef, not both/,
  },
  {
    rule: 'replication has one destination',
    spec: { replicationConfiguration: [{ region: 'eu-west-1' }, { region: 'us-west-2' }] },
    field: 'spec.replicationConfiguration',
    message: /only one destination is supported.*got 2/,
  },
  {
    rule: 'a replication destination needs a Region',
    spec: { replicationConfiguration: [{ kmsKeyID: 'alias/replica' }] },
    field: 'spec.replicationConfiguration[0]',
    message: /needs region/,
  },
  {
    rule: 'an existing replication destination takes no KMS key',
    spec: { replicationConfiguration: [{ region: 'eu-west-1', fileSystemID: 'fs-0123456789abcdef0', kmsKeyID: 'k' }] },
    field: 'spec.replicationConfiguration[0]',
    message: /leave them out with fileSystemID/,
  },
  {
    rule: 'a replication role needs an existing destination',
    spec: { replicationConfiguration: [{ region: 'eu-west-1', roleARN: 'arn:aws:iam::111122223333:role/r' }] },
    field: 'spec.replicationConfiguration[0].roleARN',
    message: /set fileSystemID too/,
  },
  {
    rule: 'replication references are not supported',
    spec: { replicationConfiguration: [{ region: 'eu-west-1', kmsKeyRef: { from: { name: 'key' } } }] },
    field: 'spec.replicationConfiguration[0].kmsKeyRef',
    message: /set kmsKeyID/,
  },
  {
    rule: "a replication zone lies in the destination's Region",
    spec: { replicationConfiguration: [{ region: 'eu-west-1', availabilityZoneName: 'us-east-1a' }] },
    field: 'spec.replicationConfiguration[0].availabilityZoneName',
    message: /not in region "eu-west-1"/,
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

/** A policy as the EFS console writes it: every element of the grammar the document may use. */
const consolePolicy = {
  Version: '2012-10-17',
  Id: 'efs-policy-wizard-0b2c3d4e',
  Statement: [
    {
      Sid: 'efs-statement-1a2b3c4d',
      Effect: 'Allow',
      Principal: { AWS: ['arn:aws:iam::123456789012:role/app', '*'] },
      Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
      Resource: 'arn:aws:elasticfilesystem:eu-central-1:123456789012:file-system/fs-0123456789abcdef0',
      Condition: { Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true' } },
    },
    {
      Sid: 'deny insecure transport',
      Effect: 'Deny',
      NotPrincipal: { Service: 'backup.amazonaws.com' },
      NotAction: '*',
      NotResource: ['*'],
      Condition: {
        Bool: { 'aws:SecureTransport': false },
        'ForAnyValue:StringLikeIfExists': { 'aws:PrincipalTag/team': ['a*', 'b*'] },
        NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 },
      },
    },
  ],
};

describe('the file system policy is an IAM policy document', () => {
  const policyOf = (doc: unknown): FileSystemSpec => ({ policy: JSON.stringify(doc) });
  const statement = { Effect: 'Allow', Principal: '*', Action: 'elasticfilesystem:ClientMount' };
  const withStatement = (extra: Record<string, unknown>, drop: string[] = []): FileSystemSpec => {
    const s: Record<string, unknown> = { ...statement, ...extra };
    for (const key of drop) delete s[key];
    return policyOf({ Version: '2012-10-17', Statement: [s] });
  };

  it('accepts every element of the grammar, a single statement object, the 2008 version and no version', () => {
    expect(validateFileSystemSpec(policyOf(consolePolicy))).toEqual([]);
    expect(validateFileSystemSpec(policyOf({ Version: '2008-10-17', Statement: statement }))).toEqual([]);
    expect(validateFileSystemSpec(policyOf({ Statement: [statement] }))).toEqual([]);
    expect(validateFileSystemSpec(policyOf({ Version: '2012-10-17', Statement: [] }))).toEqual([]);
  });

  it.each([
    ['a document without Statement ({"foo":"bar"})', { policy: '{"foo":"bar"}' }, /has no Statement/],
    ['an unknown top-level element', { policy: '{"foo":"bar"}' }, /unknown element "foo"/],
    [
      'a Version other than 2008-10-17 and 2012-10-17',
      policyOf({ Version: '2024-01-01', Statement: [statement] }),
      /Version must be "2008-10-17", "2012-10-17".*not "2024-01-01"/,
    ],
    ['an Id that is not a string', policyOf({ Id: 7, Statement: [statement] }), /Id must be a string/],
    ['a Statement that is a string', policyOf({ Statement: 'Allow everything' }), /Statement must be an object/],
    ['a statement that is not an object', policyOf({ Statement: [7] }), /Statement\[0\] must be an object/],
    [
      'Effect "Maybe"',
      withStatement({ Effect: 'Maybe' }),
      /Statement\[0\]\.Effect must be "Allow" or "Deny", not "Maybe"/,
    ],
    ['Effect in lower case', withStatement({ Effect: 'allow' }), /Effect must be "Allow" or "Deny", not "allow"/],
    ['no Effect', withStatement({}, ['Effect']), /Statement\[0\] has no Effect/],
    ['no Action and no NotAction', withStatement({}, ['Action']), /has no Action: add "Action" \(or "NotAction"\)/],
    ['both Action and NotAction', withStatement({ NotAction: '*' }), /sets both Action and NotAction/],
    ['an empty Action list', withStatement({ Action: [] }), /Statement\[0\]\.Action is an empty list/],
    [
      'an Action that is not service:action',
      withStatement({ Action: 'ClientMount' }),
      /Action "ClientMount" is not an action/,
    ],
    ['an Action that is a number', withStatement({ Action: [1] }), /Action\[0\] must be a string/],
    [
      'both Resource and NotResource',
      withStatement({ Resource: '*', NotResource: '*' }),
      /sets both Resource and NotResource/,
    ],
    [
      'a Resource that is not an ARN',
      withStatement({ Resource: 'fs-12345678' }),
      /Resource "fs-12345678" is not an ARN, or "\*"/,
    ],
    ['both Principal and NotPrincipal', withStatement({ NotPrincipal: '*' }), /sets both Principal and NotPrincipal/],
    [
      'a Principal that is a bare account id',
      withStatement({ Principal: '123456789012' }),
      /Principal must be "\*" or an object mapping AWS, Service, Federated, CanonicalUser/,
    ],
    ['an empty Principal object', withStatement({ Principal: {} }), /Principal must be "\*" or an object/],
    ['an unknown principal type', withStatement({ Principal: { User: 'me' } }), /unknown principal type "User"/],
    [
      'a principal list holding an object',
      withStatement({ Principal: { AWS: [{ arn: 'x' }] } }),
      /Principal\.AWS\[0\] must be a string/,
    ],
    [
      'a Condition that is a list',
      withStatement({ Condition: ['Bool'] }),
      /Condition must be an object mapping operators/,
    ],
    [
      'an unknown condition operator',
      withStatement({ Condition: { StringMatches: { 'aws:x': 'y' } } }),
      /unknown operator "StringMatches"/,
    ],
    [
      'NullIfExists (Null takes no IfExists)',
      withStatement({ Condition: { NullIfExists: { 'aws:x': 'true' } } }),
      /unknown operator "NullIfExists"/,
    ],
    [
      'a condition operator over a string',
      withStatement({ Condition: { Bool: 'true' } }),
      /Condition\.Bool must be a non-empty object of condition keys/,
    ],
    [
      'a condition value that is an object',
      withStatement({ Condition: { Bool: { 'aws:SecureTransport': { v: 1 } } } }),
      /Condition\.Bool\["aws:SecureTransport"\] must be a string, number or boolean/,
    ],
    [
      'an empty condition value list',
      withStatement({ Condition: { StringEquals: { 'aws:x': [] } } }),
      /must be a string, number or boolean, or a non-empty list/,
    ],
    ['a Sid that is a number', withStatement({ Sid: 1 }), /Sid must be a string/],
    ['a Sid with punctuation', withStatement({ Sid: 'a/b' }), /Sid must be a string of letters, digits/],
    [
      'two statements with one Sid',
      policyOf({
        Statement: [
          { ...statement, Sid: 'one' },
          { ...statement, Sid: 'one' },
        ],
      }),
      /Statement\[1\]\.Sid "one" is already the Sid of Statement\[0\]/,
    ],
    [
      'an unknown statement element',
      withStatement({ Effects: 'Allow' }),
      /Statement\[0\] has the unknown element "Effects"/,
    ],
    [
      'a document over 20,000 characters',
      policyOf({ Statement: [{ ...statement, Sid: 'x'.repeat(20_000) }] }),
      /characters long; EFS allows at most 20000/,
    ],
  ])('refuses %s', (_, spec, message) => {
    const errors = validateFileSystemSpec(spec);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.field === 'spec.policy')).toBe(true);
    expect(describeFieldErrors(errors)).toMatch(message);
  });

  it('names every problem of a document at once', () => {
    expect(policyDocumentErrors(JSON.stringify({ Version: '1', Statement: [{ Effect: 'Maybe' }] }))).toEqual([
      'Version must be "2008-10-17", "2012-10-17" (use "2012-10-17"), not "1"',
      'Statement[0].Effect must be "Allow" or "Deny", not "Maybe"',
      'Statement[0] has no Action: add "Action" (or "NotAction")',
    ]);
  });

  it('accepts a document of exactly 20,000 characters and refuses one more', () => {
    const doc = (n: number): string => {
      const base = JSON.stringify({ Statement: [{ ...statement, Sid: '' }] });
      return base.replace('"Sid":""', `"Sid":"${'x'.repeat(n - base.length)}"`);
    };
    expect(doc(20_000)).toHaveLength(20_000);
    expect(policyDocumentErrors(doc(20_000))).toEqual([]);
    expect(policyDocumentErrors(doc(20_001))).toEqual([
      'is 20001 characters long; EFS allows at most 20000: shorten the document',
    ]);
  });
});

describe('each lifecycle transition appears once', () => {
  it('refuses transitionToIA set twice, naming the repeat and the first one', () => {
    const errors = validateFileSystemSpec({
      lifecyclePolicies: [{ transitionToIA: 'AFTER_30_DAYS' }, { transitionToIA: 'AFTER_60_DAYS' }],
    });
    expect(errors).toEqual([
      {
        field: 'spec.lifecyclePolicies[1].transitionToIA',
        message: expect.stringMatching(
          /repeats the transition already set in lifecyclePolicies\[0\]/,
        ) as unknown as string,
      },
    ]);
  });

  it.each(['transitionToArchive', 'transitionToPrimaryStorageClass'])('refuses %s set twice', (key) => {
    const value = key === 'transitionToArchive' ? 'AFTER_90_DAYS' : 'AFTER_1_ACCESS';
    const errors = validateFileSystemSpec({
      throughputMode: 'elastic',
      lifecyclePolicies: [{ [key]: value }, { transitionToIA: 'AFTER_7_DAYS' }, { [key]: value }],
    });
    expect(errors.map((e) => e.field)).toEqual([`spec.lifecyclePolicies[2].${key}`]);
  });

  it('does not count the empty strings of ACK manifests as a repeat', () => {
    expect(
      validateFileSystemSpec({
        lifecyclePolicies: [
          { transitionToIA: 'AFTER_30_DAYS', transitionToPrimaryStorageClass: '' },
          { transitionToIA: '', transitionToPrimaryStorageClass: 'AFTER_1_ACCESS' },
        ],
      }),
    ).toEqual([]);
  });
});

describe('the other FileSystem field rules', () => {
  it.each([
    [
      'a KMS key that is neither id, ARN nor alias',
      { encrypted: true, kmsKeyID: 'my key' },
      'spec.kmsKeyID',
      /is not a KMS key/,
    ],
    ['an empty Availability Zone', { availabilityZoneName: '' }, 'spec.availabilityZoneName', /1-64 characters/],
    [
      'a tag key with a forbidden character',
      { tags: [{ key: 'a#b', value: '' }] },
      'spec.tags[0].key',
      /only letters, digits, spaces/,
    ],
    [
      'a tag value with a forbidden character',
      { tags: [{ key: 'k', value: 'a;b' }] },
      'spec.tags[0].value',
      /only letters, digits, spaces/,
    ],
  ] as [string, FileSystemSpec, string, RegExp][])('refuses %s', (_, spec, field, message) => {
    const errors = validateFileSystemSpec(spec);
    expect(errors.map((e) => e.field)).toEqual([field]);
    expect(errors[0]?.message).toMatch(message);
  });

  it('accepts every KMS key form and tags in any script', () => {
    for (const kmsKeyID of [
      '1234abcd-12ab-34cd-56ef-1234567890ab',
      'mrk-1234abcd12ab34cd56ef1234567890ab',
      'alias/efs',
      'arn:aws:kms:eu-central-1:123456789012:alias/efs',
      'arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    ])
      expect(validateFileSystemSpec({ encrypted: true, kmsKeyID })).toEqual([]);
    expect(validateFileSystemSpec({ tags: [{ key: 'Équipe données', value: 'naïve @ /x=1+2:3_4.5-6' }] })).toEqual([]);
  });
});

describe('MountTarget field rules', () => {
  const valid = { fileSystemID: 'fs-0123456789abcdef0', subnetID: 'subnet-0a1b2c3d', securityGroups: ['sg-0123abcd'] };

  it('accepts ids, an ARN as the file system, and an IPv4 address', () => {
    expect(validateMountTargetFields({ ...valid, ipAddress: '10.0.0.255' })).toEqual([]);
    expect(
      validateMountTargetFields({
        ...valid,
        fileSystemID: 'arn:aws:elasticfilesystem:eu-central-1:123456789012:file-system/fs-0123abcd',
      }),
    ).toEqual([]);
  });

  it.each([
    ['a file system id that is not fs-<hex>', { fileSystemID: 'fs-XYZ' }, 'spec.fileSystemID', /not a file system id/],
    ['a missing subnet', { subnetID: undefined }, 'spec.subnetID', /is required/],
    ['a subnet id that is too short', { subnetID: 'subnet-a' }, 'spec.subnetID', /not a subnet id/],
    [
      'a security group id that is not sg-<hex>',
      { securityGroups: ['default'] },
      'spec.securityGroups[0]',
      /not a security group id/,
    ],
    [
      'the same security group twice',
      { securityGroups: ['sg-0123abcd', 'sg-0123abcd'] },
      'spec.securityGroups[1]',
      /appears more than once/,
    ],
    [
      'six security groups (a mount target has at most five)',
      { securityGroups: ['sg-0000000a', 'sg-0000000b', 'sg-0000000c', 'sg-0000000d', 'sg-0000000e', 'sg-0000000f'] },
      'spec.securityGroups',
      /at most 5 security groups/,
    ],
    ['an octet over 255', { ipAddress: '10.0.0.256' }, 'spec.ipAddress', /not an IPv4 address/],
    ['an IPv6 address', { ipAddress: 'fd00::1' }, 'spec.ipAddress', /not an IPv4 address/],
  ] as [string, MountTargetSpec, string, RegExp][])('refuses %s', (_, change, field, message) => {
    const errors = validateMountTargetFields({ ...valid, ...change });
    expect(errors.map((e) => e.field)).toEqual([field]);
    expect(errors[0]?.message).toMatch(message);
  });
});

describe('AccessPoint field rules', () => {
  const valid: AccessPointSpec = {
    fileSystemID: 'fs-0123abcd',
    posixUser: { uid: 1000, gid: 1000, secondaryGIDs: [0, 4294967295] },
    rootDirectory: { path: '/a/b-c/d_e/f.g', creationInfo: { ownerUID: 0, ownerGID: 0, permissions: '0755' } },
  };

  it('accepts the limits of ids, paths and permissions', () => {
    expect(validateAccessPointFields(valid)).toEqual([]);
    expect(validateAccessPointFields({ rootDirectory: { path: '/' } })).toEqual([]);
    expect(validateAccessPointFields({ rootDirectory: { path: `/${'p'.repeat(99)}` } })).toEqual([]);
  });

  it.each([
    [
      'a uid over 2^32-1',
      { posixUser: { uid: 4294967296, gid: 0 } },
      'spec.posixUser.uid',
      /integer from 0 to 4294967295/,
    ],
    ['a negative gid', { posixUser: { uid: 0, gid: -1 } }, 'spec.posixUser.gid', /integer from 0 to 4294967295/],
    ['a uid without gid', { posixUser: { uid: 0 } }, 'spec.posixUser', /needs both uid and gid/],
    [
      '17 secondary groups',
      { posixUser: { uid: 0, gid: 0, secondaryGIDs: Array.from({ length: 17 }, (_, i) => i) } },
      'spec.posixUser.secondaryGIDs',
      /at most 16/,
    ],
    ['a relative path', { rootDirectory: { path: 'data' } }, 'spec.rootDirectory.path', /absolute path/],
    ['a path of five levels', { rootDirectory: { path: '/a/b/c/d/e' } }, 'spec.rootDirectory.path', /4 levels/],
    [
      'a path with a hidden directory',
      { rootDirectory: { path: '/data/.git' } },
      'spec.rootDirectory.path',
      /starting with "."/,
    ],
    ['a path with a shell character', { rootDirectory: { path: '/data;rm' } }, 'spec.rootDirectory.path', /none of/],
    [
      'a path of 101 characters',
      { rootDirectory: { path: `/${'p'.repeat(100)}` } },
      'spec.rootDirectory.path',
      /at most 100 characters/,
    ],
    [
      'permissions that are not octal',
      { rootDirectory: { path: '/d', creationInfo: { ownerUID: 0, ownerGID: 0, permissions: '789' } } },
      'spec.rootDirectory.creationInfo.permissions',
      /not an octal mode/,
    ],
    [
      'creation info without owner',
      { rootDirectory: { path: '/d', creationInfo: { permissions: '755' } } },
      'spec.rootDirectory.creationInfo',
      /needs ownerUID, ownerGID/,
    ],
    ['a reserved tag key', { tags: [{ key: 'aws:x', value: '' }] }, 'spec.tags[0].key', /reserved by AWS/],
  ] as [string, AccessPointSpec, string, RegExp][])('refuses %s', (_, spec, field, message) => {
    const errors = validateAccessPointFields(spec);
    expect(errors.map((e) => e.field)).toEqual([field]);
    expect(errors[0]?.message).toMatch(message);
  });
});
