import { describe, expect, test } from '@jest/globals';
import { type FileSystemSpec } from '../../src/api/filesystem';
import { createFileSystemInput } from '../../src/domain/filesystem';
import {
  normalizeLifecycle,
  nothingToApplyAfterCreate,
  planUpdates,
  samePolicy,
  settingsToRead,
  tagChanges,
  type ObservedSettings,
} from '../../src/domain/plan';

const own = [{ Key: 'efs-orchestrator/name', Value: 'fs1' }];

function observed(overrides: Partial<ObservedSettings> = {}, fs: Record<string, unknown> = {}): ObservedSettings {
  return {
    fileSystem: {
      FileSystemId: 'fs-1',
      ThroughputMode: 'bursting',
      FileSystemProtection: { ReplicationOverwriteProtection: 'ENABLED' },
      Tags: [...own],
      ...fs,
    } as ObservedSettings['fileSystem'],
    lifecyclePolicies: [],
    backupStatus: 'DISABLED',
    policy: null,
    ...overrides,
  };
}

describe('planUpdates', () => {
  test('nothing to do when AWS matches the spec', () => {
    expect(planUpdates({ throughputMode: 'bursting', tags: [], lifecyclePolicies: [] }, observed(), own)).toEqual([]);
  });

  test('fields left out are not managed (except the policy, which follows ACK)', () => {
    const drifted = observed(
      { lifecyclePolicies: [{ TransitionToIA: 'AFTER_7_DAYS' }], backupStatus: 'ENABLED' },
      { ThroughputMode: 'elastic', Tags: [{ Key: 'x', Value: 'y' }] },
    );
    expect(planUpdates({}, drifted, own)).toEqual([]);
    expect(planUpdates({}, observed({ policy: '{"Version":"2012-10-17"}' }), own)).toEqual([
      { op: 'DeleteFileSystemPolicy' },
    ]);
  });

  test('UpdateFileSystem comes last, after the calls that need the file system available', () => {
    const plan = planUpdates(
      {
        throughputMode: 'provisioned',
        provisionedThroughputInMiBps: 100,
        backupPolicy: { status: 'ENABLED' },
        lifecyclePolicies: [{ transitionToIA: 'AFTER_30_DAYS' }],
        fileSystemProtection: { replicationOverwriteProtection: 'DISABLED' },
      },
      observed(),
      own,
    );
    expect(plan.map((o) => o.op)).toEqual([
      'PutBackupPolicy',
      'PutLifecycleConfiguration',
      'UpdateFileSystemProtection',
      'UpdateFileSystem',
    ]);
    expect(plan.at(-1)).toEqual({
      op: 'UpdateFileSystem',
      throughputMode: 'provisioned',
      provisionedThroughputInMibps: 100,
    });
  });

  test('a provisioned amount change alone is an UpdateFileSystem; outside provisioned mode the amount is ignored', () => {
    const provisioned = observed({}, { ThroughputMode: 'provisioned', ProvisionedThroughputInMibps: 64 });
    expect(planUpdates({ throughputMode: 'provisioned', provisionedThroughputInMiBps: 128 }, provisioned, own)).toEqual(
      [{ op: 'UpdateFileSystem', throughputMode: 'provisioned', provisionedThroughputInMibps: 128 }],
    );
    expect(
      planUpdates(
        { throughputMode: 'elastic', provisionedThroughputInMiBps: 128 },
        observed({}, { ThroughputMode: 'elastic' }),
        own,
      ),
    ).toEqual([]);
  });

  test('an empty lifecycle list removes every policy; ENABLING counts as ENABLED', () => {
    const withPolicies = observed({
      lifecyclePolicies: [{ TransitionToIA: 'AFTER_30_DAYS' }],
      backupStatus: 'ENABLING',
    });
    expect(planUpdates({ lifecyclePolicies: [], backupPolicy: { status: 'ENABLED' } }, withPolicies, own)).toEqual([
      { op: 'PutLifecycleConfiguration', policies: [] },
    ]);
  });

  test('the same policy document in another layout is no change; a different one is put', () => {
    const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'elasticfilesystem:ClientMount' }] };
    const current = observed({ policy: JSON.stringify(doc) });
    expect(
      planUpdates(
        { policy: JSON.stringify({ Statement: doc.Statement, Version: doc.Version }, null, 2) },
        current,
        own,
      ),
    ).toEqual([]);
    expect(planUpdates({ policy: JSON.stringify({ ...doc, Version: '2008-10-17' }) }, current, own)[0]?.op).toBe(
      'PutFileSystemPolicy',
    );
  });
});

describe('tagChanges', () => {
  test('minimal diff: set missing or changed, remove extra; own and aws: tags are kept', () => {
    const current = [
      { Key: 'team', Value: 'a' },
      { Key: 'old', Value: '1' },
      { Key: 'aws:backup', Value: 'x' },
      { Key: 'efs-orchestrator/name', Value: 'fs1' },
    ];
    expect(
      tagChanges(
        [
          { key: 'team', value: 'b' },
          { key: 'env', value: 'dev' },
        ],
        current,
        own,
      ),
    ).toEqual({
      toSet: [
        { Key: 'team', Value: 'b' },
        { Key: 'env', Value: 'dev' },
      ],
      toRemove: ['old'],
    });
  });

  test('a user tag cannot override the orchestrator’s own', () => {
    expect(tagChanges([{ key: 'efs-orchestrator/name', value: 'evil' }], own, own)).toEqual({
      toSet: [],
      toRemove: [],
    });
  });
});

test('samePolicy compares JSON documents and falls back to text for non-JSON', () => {
  expect(samePolicy('{"a":1,"b":[1,2]}', '{ "b": [1, 2], "a": 1 }')).toBe(true);
  expect(samePolicy('{"a":1}', null)).toBe(false);
  expect(samePolicy('not json', 'not json')).toBe(true);
  expect(samePolicy('{"b":[2,1]}', '{"b":[1,2]}')).toBe(false);
});

test('normalizeLifecycle drops the empty strings ACK manifests carry', () => {
  expect(
    normalizeLifecycle([
      { transitionToIA: '', transitionToArchive: '', transitionToPrimaryStorageClass: 'AFTER_1_ACCESS' },
    ]),
  ).toEqual([{ TransitionToPrimaryStorageClass: 'AFTER_1_ACCESS' }]);
});

describe('settingsToRead: only what the spec manages is read back', () => {
  test('no lifecycle or backup in the spec: neither is read', () => {
    expect(settingsToRead({})).toEqual({ lifecycle: false, backup: false });
    expect(settingsToRead(undefined)).toEqual({ lifecycle: false, backup: false });
  });
  test('each is read once the spec sets it (an empty lifecycle list manages it too)', () => {
    expect(settingsToRead({ lifecyclePolicies: [] })).toEqual({ lifecycle: true, backup: false });
    expect(settingsToRead({ backupPolicy: { status: 'ENABLED' } })).toEqual({ lifecycle: false, backup: true });
  });
});

describe('nothingToApplyAfterCreate: a new file system already is as the spec asks', () => {
  const meta = { namespace: 'team-a', name: 'fs1', uid: 'u-1' };
  /** What AWS holds right after CreateFileSystem with the input the spec makes, before any other call. */
  function justCreated(spec: FileSystemSpec): ObservedSettings {
    const input = createFileSystemInput(spec, meta);
    return observed(
      { backupStatus: input.Backup ? 'ENABLED' : 'DISABLED' },
      {
        Tags: input.Tags,
        ThroughputMode: input.ThroughputMode ?? 'bursting',
        ProvisionedThroughputInMibps: input.ProvisionedThroughputInMibps,
      },
    );
  }
  const ownOf = createFileSystemInput({}, meta).Tags?.filter((t) => t.Key?.startsWith('efs-orchestrator')) ?? [];

  test.each<[string, FileSystemSpec]>([
    ['an empty spec', {}],
    [
      'tags',
      {
        tags: [
          { key: 'team', value: 'a' },
          { key: 'Name', value: 'shared' },
        ],
      },
    ],
    ['provisioned throughput', { throughputMode: 'provisioned', provisionedThroughputInMiBps: 64 }],
    ['elastic throughput', { throughputMode: 'elastic' }],
    ['backups on', { backupPolicy: { status: 'ENABLED' } }],
    ['backups off', { backupPolicy: { status: 'DISABLED' } }],
    ['no lifecycle policies', { lifecyclePolicies: [] }],
    ['overwrite protection on (the default)', { fileSystemProtection: { replicationOverwriteProtection: 'ENABLED' } }],
    ['no policy', { policy: null }],
    ['no replication', { replicationConfiguration: [] }],
  ])('%s: settled, and the planner agrees there is nothing to apply', (_what, spec) => {
    expect(nothingToApplyAfterCreate(spec)).toBe(true);
    expect(planUpdates(spec, justCreated(spec), ownOf)).toEqual([]);
  });

  test.each<[string, FileSystemSpec]>([
    ['a policy', { policy: '{"Version":"2012-10-17","Statement":[]}' }],
    ['lifecycle policies', { lifecyclePolicies: [{ transitionToIA: 'AFTER_30_DAYS' }] }],
    ['overwrite protection off', { fileSystemProtection: { replicationOverwriteProtection: 'DISABLED' } }],
    ['a replication', { replicationConfiguration: [{ region: 'eu-west-1' }] }],
  ])('%s: not settled, an apply makes it', (_what, spec) => {
    expect(nothingToApplyAfterCreate(spec)).toBe(false);
    expect(nothingToApplyAfterCreate(undefined)).toBe(true);
  });
});
