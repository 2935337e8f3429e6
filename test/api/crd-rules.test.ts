import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { type KindName } from '../../src/api/kinds';
import { type ApiServer, connectApiServer, create, dryRunCreate, patchSpec, patchStatus } from './apiserver';

/**
 * The CRDs' own rules (OpenAPI and CEL) on the stack's real API server: what `kubectl apply`
 * refuses at once, and create-only fields that stay fixable until the AWS resource exists.
 */
let server: ApiServer;

beforeAll(async () => {
  server = await connectApiServer('crd-rules');
});

const fileSystemId = 'fs-0123456789abcdef0';
const mountTarget = { fileSystemID: fileSystemId, subnetID: 'subnet-0a1b2c3d' };
const accessPoint = { fileSystemID: fileSystemId, rootDirectory: { path: '/data' } };

describe('create-only fields can be fixed until the AWS resource exists, and not after', () => {
  /** [field, a fix while there is no resource, a later change] */
  type Field = [string, unknown, unknown];
  const cases: { kind: KindName; idField: string; id: string; spec: Record<string, unknown>; fields: Field[] }[] = [
    {
      kind: 'FileSystem',
      idField: 'fileSystemID',
      id: fileSystemId,
      // A wrong choice refused at create: maxIO was meant to be generalPurpose, in one zone, encrypted.
      spec: { performanceMode: 'maxIO', encrypted: false },
      fields: [
        ['performanceMode', 'generalPurpose', 'maxIO'],
        ['availabilityZoneName', 'eu-central-1a', 'eu-central-1b'],
        ['encrypted', true, false],
        ['kmsKeyID', 'alias/efs', 'alias/other'],
      ],
    },
    {
      kind: 'MountTarget',
      idField: 'mountTargetID',
      id: 'fsmt-0123456789abcdef0',
      spec: { ...mountTarget, ipAddress: '10.0.0.30' },
      fields: [
        ['subnetID', 'subnet-0a1b2c3e', 'subnet-0a1b2c3f'],
        ['ipAddress', '10.0.0.31', '10.0.0.32'],
        ['fileSystemID', 'fs-0123456789abcdef1', 'fs-0123456789abcdef2'],
      ],
    },
    {
      kind: 'AccessPoint',
      idField: 'accessPointID',
      id: 'fsap-0123456789abcdef0',
      spec: { ...accessPoint, posixUser: { uid: 1000, gid: 1000 } },
      fields: [
        ['posixUser', { uid: 1001, gid: 1000 }, { uid: 1002, gid: 1000 }],
        ['rootDirectory', { path: '/data/b' }, { path: '/data/c' }],
        ['fileSystemID', 'fs-0123456789abcdef1', 'fs-0123456789abcdef2'],
      ],
    },
  ];

  it.each(cases)('$kind', async ({ kind, idField, id, spec, fields }) => {
    const name = `create-only-${kind.toLowerCase()}`;
    expect(await create(server, kind, name, spec)).toBeUndefined();
    // No resource yet (the create failed, or has not happened): every create-only field may change.
    for (const [field, fix] of fields) {
      expect([field, await patchSpec(server, kind, name, { [field]: fix })]).toEqual([field, undefined]);
    }
    // A status without the id (conditions only, as after a Terminal create) keeps them open.
    expect(await patchStatus(server, kind, name, { observedGeneration: 1 })).toBeUndefined();
    const [secondField, secondFix, secondLater] = fields[1] as Field;
    expect(await patchSpec(server, kind, name, { [secondField]: secondLater })).toBeUndefined();
    expect(await patchSpec(server, kind, name, { [secondField]: secondFix })).toBeUndefined();

    expect(await patchStatus(server, kind, name, { [idField]: id })).toBeUndefined();
    for (const [field, , later] of fields) {
      const refused = await patchSpec(server, kind, name, { [field]: later });
      expect([field, refused?.code]).toEqual([field, 422]);
      expect(refused?.message).toContain(`spec.${field} is immutable once the`);
      expect(refused?.message).toContain(`status.${idField} is set`);
    }
    // Removing a create-only field is a change too.
    const removed = await patchSpec(server, kind, name, { [secondField]: null });
    expect(removed?.code).toBe(422);
    expect(removed?.message).toContain(`spec.${secondField} is immutable`);
  });
});

describe('the updatable fields stay updatable after creation', () => {
  it('FileSystem throughput, lifecycle, policy and tags; MountTarget security groups', async () => {
    expect(await create(server, 'FileSystem', 'updatable', { performanceMode: 'generalPurpose' })).toBeUndefined();
    expect(await patchStatus(server, 'FileSystem', 'updatable', { fileSystemID: fileSystemId })).toBeUndefined();
    expect(
      await patchSpec(server, 'FileSystem', 'updatable', {
        throughputMode: 'elastic',
        lifecyclePolicies: [{ transitionToIA: 'AFTER_30_DAYS' }],
        policy: '{"Statement": []}',
        tags: [{ key: 'team', value: 'a' }],
      }),
    ).toBeUndefined();
    expect(await create(server, 'MountTarget', 'updatable', mountTarget)).toBeUndefined();
    expect(await patchStatus(server, 'MountTarget', 'updatable', { mountTargetID: 'fsmt-0123abcd' })).toBeUndefined();
    expect(await patchSpec(server, 'MountTarget', 'updatable', { securityGroups: ['sg-0123abcd'] })).toBeUndefined();
  });
});

describe('references to ACK objects follow the fields they stand for', () => {
  it('kmsKeyRef and subnetRef are create-only; securityGroupRefs stay updatable', async () => {
    const key = (name: string) => ({ from: { name } });
    expect(await create(server, 'FileSystem', 'by-ref', { encrypted: true, kmsKeyRef: key('a') })).toBeUndefined();
    expect(await patchSpec(server, 'FileSystem', 'by-ref', { kmsKeyRef: key('b') })).toBeUndefined();
    expect(await patchStatus(server, 'FileSystem', 'by-ref', { fileSystemID: fileSystemId })).toBeUndefined();
    const kms = await patchSpec(server, 'FileSystem', 'by-ref', { kmsKeyRef: key('c') });
    expect([kms?.code, kms?.message]).toEqual([422, expect.stringContaining('spec.kmsKeyRef is immutable once the')]);

    const spec = { fileSystemID: fileSystemId, subnetRef: key('app'), securityGroupRefs: [key('web')] };
    expect(await create(server, 'MountTarget', 'by-ref', spec)).toBeUndefined();
    expect(await patchStatus(server, 'MountTarget', 'by-ref', { mountTargetID: 'fsmt-0123abcd' })).toBeUndefined();
    const subnet = await patchSpec(server, 'MountTarget', 'by-ref', { subnetRef: key('other') });
    expect([subnet?.code, subnet?.message]).toEqual([422, expect.stringContaining('spec.subnetRef is immutable')]);
    expect(await patchSpec(server, 'MountTarget', 'by-ref', { securityGroupRefs: [key('db')] })).toBeUndefined();
  });
});

describe('kubectl apply refuses structural mistakes at once', () => {
  const refused: [string, KindName, unknown, string][] = [
    [
      'a performance mode typo',
      'FileSystem',
      { performanceMode: 'turbo' },
      'spec.performanceMode: Unsupported value: "turbo"',
    ],
    ['a throughput mode typo', 'FileSystem', { throughputMode: 'burst' }, 'spec.throughputMode: Unsupported value'],
    [
      'provisioned without an amount',
      'FileSystem',
      { throughputMode: 'provisioned' },
      'needs provisionedThroughputInMiBps between 1 and 3414',
    ],
    [
      'provisioned over 3414 MiB/s',
      'FileSystem',
      { throughputMode: 'provisioned', provisionedThroughputInMiBps: 3415 },
      'needs provisionedThroughputInMiBps',
    ],
    ['a KMS key without encryption', 'FileSystem', { kmsKeyID: 'alias/efs' }, 'kmsKeyID needs encrypted: true'],
    [
      'a KMS key of the wrong shape',
      'FileSystem',
      { encrypted: true, kmsKeyID: 'my key' },
      'spec.kmsKeyID: Invalid value',
    ],
    [
      'maxIO with elastic',
      'FileSystem',
      { performanceMode: 'maxIO', throughputMode: 'elastic' },
      'cannot be combined with throughputMode "elastic"',
    ],
    [
      'maxIO in one zone',
      'FileSystem',
      { performanceMode: 'maxIO', availabilityZoneName: 'eu-central-1a' },
      'not available for One Zone',
    ],
    ['backups "on"', 'FileSystem', { backupPolicy: { status: 'on' } }, 'spec.backupPolicy.status: Unsupported value'],
    [
      'transitionToIA twice',
      'FileSystem',
      { lifecyclePolicies: [{ transitionToIA: 'AFTER_30_DAYS' }, { transitionToIA: 'AFTER_60_DAYS' }] },
      'transitionToIA may appear in one lifecycle policy only',
    ],
    [
      'two transitions in one policy',
      'FileSystem',
      { lifecyclePolicies: [{ transitionToIA: 'AFTER_30_DAYS', transitionToPrimaryStorageClass: 'AFTER_1_ACCESS' }] },
      'each lifecycle policy sets exactly one of',
    ],
    [
      'a transition of no days',
      'FileSystem',
      { lifecyclePolicies: [{ transitionToIA: 'AFTER_2_DAYS' }] },
      'Unsupported value: "AFTER_2_DAYS"',
    ],
    [
      'archive on bursting',
      'FileSystem',
      { lifecyclePolicies: [{ transitionToArchive: 'AFTER_90_DAYS' }] },
      'transitionToArchive needs throughputMode "elastic"',
    ],
    ['a policy over 20,000 characters', 'FileSystem', { policy: 'x'.repeat(20_001) }, 'spec.policy: Too long'],
    [
      'a reserved tag key',
      'FileSystem',
      { tags: [{ key: 'aws:x', value: 'y' }] },
      'tag keys beginning with "aws:" are reserved',
    ],
    [
      'a tag key twice',
      'FileSystem',
      {
        tags: [
          { key: 'a', value: '1' },
          { key: 'a', value: '2' },
        ],
      },
      'each tag key may appear once',
    ],
    ['a tag without key', 'FileSystem', { tags: [{ value: 'v' }] }, 'spec.tags[0].key: Required value'],
    [
      'a tag value with a semicolon',
      'FileSystem',
      { tags: [{ key: 'k', value: 'a;b' }] },
      'spec.tags[0].value: Invalid value',
    ],
    [
      '51 tags',
      'FileSystem',
      { tags: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}` })) },
      'spec.tags: Too many',
    ],
    [
      'a mount target without subnet',
      'MountTarget',
      { fileSystemID: fileSystemId },
      'set spec.subnetID or spec.subnetRef (an ACK Subnet object)',
    ],
    [
      'a subnet id and a subnet reference',
      'MountTarget',
      { ...mountTarget, subnetRef: { from: { name: 'app' } } },
      'set either spec.subnetID or spec.subnetRef, not both',
    ],
    [
      'security group ids and references',
      'MountTarget',
      { ...mountTarget, securityGroups: ['sg-0123abcd'], securityGroupRefs: [{ from: { name: 'web' } }] },
      'set either spec.securityGroups or spec.securityGroupRefs, not both',
    ],
    [
      'a KMS key id and a KMS key reference',
      'FileSystem',
      { encrypted: true, kmsKeyID: 'alias/efs', kmsKeyRef: { from: { name: 'key' } } },
      'set either spec.kmsKeyID or spec.kmsKeyRef, not both',
    ],
    [
      'a KMS key reference without encryption',
      'FileSystem',
      { kmsKeyRef: { from: { name: 'key' } } },
      'kmsKeyRef needs encrypted: true',
    ],
    [
      'a mount target without file system',
      'MountTarget',
      { subnetID: 'subnet-0a1b2c3d' },
      'set exactly one of spec.fileSystemID and spec.fileSystemRef',
    ],
    [
      'a mount target with both file system forms',
      'MountTarget',
      { ...mountTarget, fileSystemRef: { from: { name: 'x' } } },
      'set exactly one of',
    ],
    [
      'a file system id of the wrong shape',
      'MountTarget',
      { ...mountTarget, fileSystemID: 'fs-XYZ' },
      'spec.fileSystemID: Invalid value',
    ],
    [
      'an IP address of 256',
      'MountTarget',
      { ...mountTarget, ipAddress: '10.0.0.256' },
      'spec.ipAddress: Invalid value',
    ],
    [
      'a security group twice',
      'MountTarget',
      { ...mountTarget, securityGroups: ['sg-0123abcd', 'sg-0123abcd'] },
      'each security group may appear once',
    ],
    [
      'a posix user without gid',
      'AccessPoint',
      { ...accessPoint, posixUser: { uid: 1 } },
      'spec.posixUser.gid: Required value',
    ],
    [
      'a uid of 2^32',
      'AccessPoint',
      { ...accessPoint, posixUser: { uid: 4294967296, gid: 1 } },
      'spec.posixUser.uid: Invalid value',
    ],
    [
      '17 secondary groups',
      'AccessPoint',
      { ...accessPoint, posixUser: { uid: 1, gid: 1, secondaryGIDs: Array.from({ length: 17 }, (_, i) => i) } },
      'spec.posixUser.secondaryGIDs: Too many',
    ],
    [
      'a hidden root directory',
      'AccessPoint',
      { ...accessPoint, rootDirectory: { path: '/data/.x' } },
      'spec.rootDirectory.path: Invalid value',
    ],
    [
      'permissions that are not octal',
      'AccessPoint',
      { ...accessPoint, rootDirectory: { path: '/d', creationInfo: { ownerUID: 0, ownerGID: 0, permissions: '999' } } },
      'spec.rootDirectory.creationInfo.permissions: Invalid value',
    ],
  ];

  it.each(refused)('%s', async (_, kind, spec, message) => {
    const refusal = await dryRunCreate(server, kind, spec);
    expect(refusal?.code).toBe(422);
    expect(refusal?.message).toContain(message);
  });

  it('accepts the ACK bug-report manifest and the samples unchanged', async () => {
    const read = (file: string): { kind: KindName; spec: unknown } =>
      parse(fs.readFileSync(file, 'utf8')) as { kind: KindName; spec: unknown };
    const files = [
      path.join(__dirname, '..', 'fixtures', 'manifests', 'ack-bug-report-filesystem.yaml'),
      ...['filesystem', 'mounttarget', 'accesspoint', 'references/filesystem', 'references/mounttarget'].map((k) =>
        path.join(__dirname, '..', '..', 'config', 'samples', `${k}.yaml`),
      ),
    ];
    for (const file of files) {
      const { kind, spec } = read(file);
      expect([file, await dryRunCreate(server, kind, spec)]).toEqual([file, undefined]);
    }
  });
});
