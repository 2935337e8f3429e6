import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { type FileSystemDescription } from '@aws-sdk/client-efs';
import { parse } from 'yaml';
import { type FileSystemObject, type FileSystemSpec } from '../../src/api/filesystem';
import {
  createFileSystemInput,
  creationTokenFor,
  ownTagPrefix,
  ownTags,
  statusFromDescription,
} from '../../src/domain/filesystem';
import { maxTags } from '../../src/domain/validate';

const meta = { namespace: 'team-a', name: 'shared-data', uid: '6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b' };

describe('creationTokenFor', () => {
  it('is the same for the same uid, every time (a retry after a crash finds the same file system)', () => {
    expect(creationTokenFor(meta.uid)).toBe(creationTokenFor(`${meta.uid}`));
    expect(creationTokenFor(meta.uid)).toBe('efs-orchestrator-6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b');
  });

  it('keeps a Kubernetes uid readable in the token and within 64 characters', () => {
    for (let i = 0; i < 200; i++) {
      const uid = randomUUID();
      const token = creationTokenFor(uid);
      expect(token).toBe(`efs-orchestrator-${uid}`);
      expect(token.length).toBeLessThanOrEqual(64);
    }
  });

  it('stays within 1-64 printable ASCII characters for any uid, and distinct uids keep distinct tokens', () => {
    const uids = [
      '',
      'a',
      'x'.repeat(47),
      'x'.repeat(48),
      'x'.repeat(64),
      'x'.repeat(1000),
      'x'.repeat(999) + 'y',
      `${randomUUID()}-${randomUUID()}`,
      'uid with spaces',
      'üñíçødé-ユーザー',
      '\u0000\u0001\u007f',
      'tab\there',
    ];
    const tokens = new Map<string, string>();
    for (const uid of uids) {
      const token = creationTokenFor(uid);
      expect(token.length).toBeGreaterThanOrEqual(1);
      expect(token.length).toBeLessThanOrEqual(64);
      expect(token).toMatch(/^[\x21-\x7e]+$/);
      expect(creationTokenFor(uid)).toBe(token);
      expect(tokens.has(token)).toBe(false);
      tokens.set(token, uid);
    }
  });

  it('tells apart long uids that differ only after the part that fits', () => {
    const prefix = 'p'.repeat(80);
    const tokens = new Set(Array.from({ length: 500 }, (_, i) => creationTokenFor(`${prefix}${i}`)));
    expect(tokens.size).toBe(500);
  });
});

describe('ownTags', () => {
  it('names the object the file system belongs to, under the reserved prefix', () => {
    expect(ownTags(meta)).toEqual([
      { Key: 'efs-orchestrator/namespace', Value: 'team-a' },
      { Key: 'efs-orchestrator/name', Value: 'shared-data' },
      { Key: 'efs-orchestrator/uid', Value: meta.uid },
    ]);
    for (const tag of ownTags(meta)) expect(tag.Key.startsWith(ownTagPrefix)).toBe(true);
  });
});

describe('createFileSystemInput', () => {
  it('maps every create-time field of the spec to its EFS name', () => {
    const spec: FileSystemSpec = {
      availabilityZoneName: 'eu-central-1a',
      backupPolicy: { status: 'ENABLED' },
      encrypted: true,
      kmsKeyID: 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      performanceMode: 'generalPurpose',
      throughputMode: 'provisioned',
      provisionedThroughputInMiBps: 128,
      tags: [
        { key: 'Name', value: 'shared-data' },
        { key: 'team', value: 'storage' },
      ],
    };
    expect(createFileSystemInput(spec, meta)).toEqual({
      CreationToken: creationTokenFor(meta.uid),
      AvailabilityZoneName: 'eu-central-1a',
      Backup: true,
      Encrypted: true,
      KmsKeyId: 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      PerformanceMode: 'generalPurpose',
      ThroughputMode: 'provisioned',
      ProvisionedThroughputInMibps: 128,
      Tags: [{ Key: 'Name', Value: 'shared-data' }, { Key: 'team', Value: 'storage' }, ...ownTags(meta)],
    });
  });

  it('sends nothing but the token and our tags for an empty spec, leaving every default to EFS', () => {
    expect(createFileSystemInput(undefined, meta)).toEqual({
      CreationToken: creationTokenFor(meta.uid),
      Tags: ownTags(meta),
    });
    expect(createFileSystemInput({}, meta)).toEqual({ CreationToken: creationTokenFor(meta.uid), Tags: ownTags(meta) });
  });

  it('sends Backup only when backupPolicy says so (One Zone turns backups on by default otherwise)', () => {
    expect(createFileSystemInput({ backupPolicy: { status: 'DISABLED' } }, meta).Backup).toBe(false);
    expect(createFileSystemInput({ backupPolicy: { status: 'ENABLED' } }, meta).Backup).toBe(true);
    expect(createFileSystemInput({ backupPolicy: {} }, meta)).not.toHaveProperty('Backup');
    expect(createFileSystemInput({ availabilityZoneName: 'eu-central-1a' }, meta)).not.toHaveProperty('Backup');
  });

  it('sends a provisioned amount only in provisioned mode', () => {
    expect(
      createFileSystemInput({ throughputMode: 'elastic', provisionedThroughputInMiBps: 100 }, meta),
    ).not.toHaveProperty('ProvisionedThroughputInMibps');
    expect(createFileSystemInput({ provisionedThroughputInMiBps: 100 }, meta)).not.toHaveProperty(
      'ProvisionedThroughputInMibps',
    );
    expect(
      createFileSystemInput({ throughputMode: 'provisioned', provisionedThroughputInMiBps: 100 }, meta)
        .ProvisionedThroughputInMibps,
    ).toBe(100);
  });

  it('sends encrypted: false explicitly (false is a value, not an absence)', () => {
    expect(createFileSystemInput({ encrypted: false }, meta).Encrypted).toBe(false);
  });

  it('leaves out what CreateFileSystem cannot take (policy, lifecycle, protection are applied afterwards)', () => {
    const input = createFileSystemInput(
      {
        policy: '{"Version":"2012-10-17","Statement":[]}',
        lifecyclePolicies: [{ transitionToIA: 'AFTER_30_DAYS' }],
        fileSystemProtection: { replicationOverwriteProtection: 'DISABLED' },
      },
      meta,
    );
    expect(Object.keys(input).sort()).toEqual(['CreationToken', 'Tags']);
  });

  it('keeps the orchestrator’s own tags: a user tag with the reserved prefix does not override them', () => {
    const input = createFileSystemInput(
      {
        tags: [
          { key: 'efs-orchestrator/uid', value: 'forged-uid' },
          { key: 'efs-orchestrator/name', value: 'someone-else' },
          { key: 'owner', value: 'alice' },
        ],
      },
      meta,
    );
    const tags = input.Tags ?? [];
    const valuesOf = (key: string): (string | undefined)[] => tags.filter((t) => t.Key === key).map((t) => t.Value);
    expect(valuesOf('efs-orchestrator/uid')).toEqual([meta.uid]);
    expect(valuesOf('efs-orchestrator/name')).toEqual([meta.name]);
    expect(valuesOf('efs-orchestrator/namespace')).toEqual([meta.namespace]);
    expect(valuesOf('owner')).toEqual(['alice']);
    expect(tags).toHaveLength(4);
  });

  it('turns missing tag keys and values into empty strings rather than undefined', () => {
    expect(createFileSystemInput({ tags: [{ key: 'flag' }] }, meta).Tags?.[0]).toEqual({ Key: 'flag', Value: '' });
  });

  it('never sends more than the EFS limit of 50 tags for a spec that validates', () => {
    const tags = Array.from({ length: maxTags }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
    expect(createFileSystemInput({ tags }, meta).Tags).toHaveLength(50);
  });

  it('maps the ACK bug-report manifest', () => {
    const manifest = parse(`
spec:
  availabilityZoneName: eu-central-1a
  backupPolicy: { status: ENABLED }
  encrypted: true
  fileSystemProtection: { replicationOverwriteProtection: ENABLED }
  lifecyclePolicies: [{ transitionToArchive: "", transitionToIA: "", transitionToPrimaryStorageClass: AFTER_1_ACCESS }]
  performanceMode: generalPurpose
  tags: [{ key: Name, value: efs-test }]
  throughputMode: elastic
`) as Pick<FileSystemObject, 'spec'>;
    expect(createFileSystemInput(manifest.spec, meta)).toEqual({
      CreationToken: creationTokenFor(meta.uid),
      AvailabilityZoneName: 'eu-central-1a',
      Backup: true,
      Encrypted: true,
      PerformanceMode: 'generalPurpose',
      ThroughputMode: 'elastic',
      Tags: [{ Key: 'Name', Value: 'efs-test' }, ...ownTags(meta)],
    });
  });
});

describe('statusFromDescription', () => {
  const description: FileSystemDescription = {
    OwnerId: '123456789012',
    CreationToken: creationTokenFor(meta.uid),
    FileSystemId: 'fs-0123456789abcdef0',
    FileSystemArn: 'arn:aws:elasticfilesystem:eu-central-1:123456789012:file-system/fs-0123456789abcdef0',
    CreationTime: new Date('2026-03-01T12:00:00.789Z'),
    LifeCycleState: 'available',
    Name: 'shared-data',
    NumberOfMountTargets: 2,
    SizeInBytes: {
      Value: 6144,
      Timestamp: new Date('2026-03-01T13:00:00.000Z'),
      ValueInIA: 0,
      ValueInStandard: 6144,
      ValueInArchive: 0,
    },
    PerformanceMode: 'generalPurpose',
    Encrypted: true,
    ThroughputMode: 'elastic',
    AvailabilityZoneName: 'eu-central-1a',
    AvailabilityZoneId: 'euc1-az2',
    Tags: [{ Key: 'Name', Value: 'shared-data' }],
  };

  it('reports the fields ACK reports, times as RFC 3339 seconds', () => {
    expect(statusFromDescription(description, 'eu-central-1')).toEqual({
      fileSystemID: 'fs-0123456789abcdef0',
      lifeCycleState: 'available',
      numberOfMountTargets: 2,
      ownerID: '123456789012',
      creationTime: '2026-03-01T12:00:00Z',
      ackResourceMetadata: {
        arn: 'arn:aws:elasticfilesystem:eu-central-1:123456789012:file-system/fs-0123456789abcdef0',
        ownerAccountID: '123456789012',
        region: 'eu-central-1',
      },
      name: 'shared-data',
      availabilityZoneID: 'euc1-az2',
      sizeInBytes: {
        value: 6144,
        timestamp: '2026-03-01T13:00:00Z',
        valueInIA: 0,
        valueInStandard: 6144,
        valueInArchive: 0,
      },
    });
  });

  it('leaves out what a Regional file system without a Name tag does not have', () => {
    const { Name: _name, AvailabilityZoneId: _az, AvailabilityZoneName: _azName, ...regional } = description;
    const status = statusFromDescription(regional, 'us-east-1');
    expect(status).not.toHaveProperty('name');
    expect(status).not.toHaveProperty('availabilityZoneID');
    expect(status.lifeCycleState).toBe('available');
    expect(status.ackResourceMetadata?.region).toBe('us-east-1');
  });

  it('reports a file system that is still being created', () => {
    const creating = statusFromDescription(
      { ...description, LifeCycleState: 'creating', SizeInBytes: { Value: 0 } },
      'eu-central-1',
    );
    expect(creating.lifeCycleState).toBe('creating');
    expect(creating.sizeInBytes?.value).toBe(0);
    // Whatever is undefined disappears when written as JSON.
    expect(JSON.parse(JSON.stringify(creating.sizeInBytes))).toEqual({ value: 0 });
  });
});
