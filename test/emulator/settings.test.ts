/** Lifecycle configuration, backup policy, file system policy, protection, replication and account preferences. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  BadRequest,
  CreateFileSystemCommand,
  type CreateFileSystemCommandInput,
  CreateReplicationConfigurationCommand,
  DeleteFileSystemPolicyCommand,
  DeleteReplicationConfigurationCommand,
  DescribeAccountPreferencesCommand,
  DescribeBackupPolicyCommand,
  DescribeFileSystemPolicyCommand,
  DescribeFileSystemsCommand,
  DescribeLifecycleConfigurationCommand,
  DescribeReplicationConfigurationsCommand,
  EFSServiceException,
  FileSystemNotFound,
  IncorrectFileSystemLifeCycleState,
  InvalidPolicyException,
  PolicyNotFound,
  PutAccountPreferencesCommand,
  PutBackupPolicyCommand,
  PutFileSystemPolicyCommand,
  PutLifecycleConfigurationCommand,
  ReplicationNotFound,
  UpdateFileSystemProtectionCommand,
} from '@aws-sdk/client-efs';
import { type TestEmulator, rejectionOf, startTestEmulator } from './support/emulator';

const createDelayMs = 100;
const updateDelayMs = 100;

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ createDelayMs, updateDelayMs });
});
afterAll(() => t.emulator.close());
beforeEach(() => t.emulator.admin.reset());

async function availableFileSystem(
  input: Partial<CreateFileSystemCommandInput> & { CreationToken: string },
): Promise<string> {
  const created = await t.client().send(new CreateFileSystemCommand(input));
  t.clock.advance(createDelayMs);
  return created.FileSystemId as string;
}
async function creatingFileSystem(token: string): Promise<string> {
  return (await t.client().send(new CreateFileSystemCommand({ CreationToken: token }))).FileSystemId as string;
}

const policyDocument = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'elasticfilesystem:ClientMount', Resource: '*' }],
});

describe('lifecycle configuration', () => {
  it('is empty at first, set by Put, and removed by an empty list', async () => {
    const id = await availableFileSystem({ CreationToken: 'lc' });
    const client = t.client();
    expect(
      (await client.send(new DescribeLifecycleConfigurationCommand({ FileSystemId: id }))).LifecyclePolicies,
    ).toEqual([]);
    const policies = [
      { TransitionToIA: 'AFTER_30_DAYS' as const },
      { TransitionToPrimaryStorageClass: 'AFTER_1_ACCESS' as const },
    ];
    const put = await client.send(
      new PutLifecycleConfigurationCommand({ FileSystemId: id, LifecyclePolicies: policies }),
    );
    expect(put.LifecyclePolicies).toEqual(policies);
    expect(
      (await client.send(new DescribeLifecycleConfigurationCommand({ FileSystemId: id }))).LifecyclePolicies,
    ).toEqual(policies);
    await client.send(new PutLifecycleConfigurationCommand({ FileSystemId: id, LifecyclePolicies: [] }));
    expect(
      (await client.send(new DescribeLifecycleConfigurationCommand({ FileSystemId: id }))).LifecyclePolicies,
    ).toEqual([]);
  });

  it.each<[string, object[], RegExp]>([
    ['an unknown period', [{ TransitionToIA: 'AFTER_2_DAYS' }], /TransitionToIA must be one of AFTER_1_DAY/],
    [
      'two transitions in one policy',
      [{ TransitionToIA: 'AFTER_7_DAYS', TransitionToArchive: 'AFTER_90_DAYS' }],
      /exactly one of/,
    ],
    [
      'the same transition twice',
      [{ TransitionToIA: 'AFTER_7_DAYS' }, { TransitionToIA: 'AFTER_14_DAYS' }],
      /sets TransitionToIA more than once/,
    ],
    [
      'a primary-storage transition other than AFTER_1_ACCESS',
      [{ TransitionToPrimaryStorageClass: 'AFTER_7_DAYS' }],
      /must be one of AFTER_1_ACCESS/,
    ],
    [
      'archive on a bursting file system',
      [{ TransitionToArchive: 'AFTER_90_DAYS' }],
      /TransitionToArchive needs a file system with ThroughputMode elastic/,
    ],
  ])('rejects %s with BadRequest', async (_what, policies, message) => {
    const id = await availableFileSystem({ CreationToken: 'lc-bad' });
    const err = await rejectionOf(
      t.client().send(new PutLifecycleConfigurationCommand({ FileSystemId: id, LifecyclePolicies: policies as never })),
    );
    expect(err).toBeInstanceOf(BadRequest);
    expect(err.message).toMatch(message);
  });

  it('allows archive on an elastic generalPurpose file system; needs it available', async () => {
    const elastic = await availableFileSystem({ CreationToken: 'lc-elastic', ThroughputMode: 'elastic' });
    const put = await t.client().send(
      new PutLifecycleConfigurationCommand({
        FileSystemId: elastic,
        LifecyclePolicies: [{ TransitionToArchive: 'AFTER_90_DAYS' }],
      }),
    );
    expect(put.LifecyclePolicies).toEqual([{ TransitionToArchive: 'AFTER_90_DAYS' }]);
    const creating = await creatingFileSystem('lc-creating');
    const err = await rejectionOf(
      t.client().send(new PutLifecycleConfigurationCommand({ FileSystemId: creating, LifecyclePolicies: [] })),
    );
    expect(err).toBeInstanceOf(IncorrectFileSystemLifeCycleState);
  });
});

describe('backup policy', () => {
  it('is PolicyNotFound until set; Put sets ENABLED or DISABLED', async () => {
    const id = await availableFileSystem({ CreationToken: 'backup' });
    const client = t.client();
    expect(await rejectionOf(client.send(new DescribeBackupPolicyCommand({ FileSystemId: id })))).toBeInstanceOf(
      PolicyNotFound,
    );
    const put = await client.send(
      new PutBackupPolicyCommand({ FileSystemId: id, BackupPolicy: { Status: 'ENABLED' } }),
    );
    expect(put.BackupPolicy).toEqual({ Status: 'ENABLED' });
    await client.send(new PutBackupPolicyCommand({ FileSystemId: id, BackupPolicy: { Status: 'DISABLED' } }));
    expect((await client.send(new DescribeBackupPolicyCommand({ FileSystemId: id }))).BackupPolicy).toEqual({
      Status: 'DISABLED',
    });
    expect(
      await rejectionOf(
        client.send(new PutBackupPolicyCommand({ FileSystemId: id, BackupPolicy: { Status: 'ENABLING' } })),
      ),
    ).toBeInstanceOf(BadRequest);
  });

  it('is ENABLED for One Zone file systems and for Backup: true', async () => {
    const oneZone = await availableFileSystem({ CreationToken: 'backup-oz', AvailabilityZoneName: 'us-east-1a' });
    const asked = await availableFileSystem({ CreationToken: 'backup-yes', Backup: true });
    for (const id of [oneZone, asked]) {
      expect((await t.client().send(new DescribeBackupPolicyCommand({ FileSystemId: id }))).BackupPolicy).toEqual({
        Status: 'ENABLED',
      });
    }
    const declined = await availableFileSystem({
      CreationToken: 'backup-oz-no',
      AvailabilityZoneName: 'us-east-1a',
      Backup: false,
    });
    expect(
      await rejectionOf(t.client().send(new DescribeBackupPolicyCommand({ FileSystemId: declined }))),
    ).toBeInstanceOf(PolicyNotFound);
  });

  it('needs the file system available to change it', async () => {
    const creating = await creatingFileSystem('backup-early');
    const err = await rejectionOf(
      t.client().send(new PutBackupPolicyCommand({ FileSystemId: creating, BackupPolicy: { Status: 'ENABLED' } })),
    );
    expect(err).toBeInstanceOf(IncorrectFileSystemLifeCycleState);
  });
});

describe('file system policy', () => {
  it('is PolicyNotFound until put; put, describe and delete round-trip', async () => {
    const id = await availableFileSystem({ CreationToken: 'policy' });
    const client = t.client();
    const none = await rejectionOf(client.send(new DescribeFileSystemPolicyCommand({ FileSystemId: id })));
    expect(none).toBeInstanceOf(PolicyNotFound);
    expect((none as unknown as PolicyNotFound).$metadata.httpStatusCode).toBe(404);
    const put = await client.send(new PutFileSystemPolicyCommand({ FileSystemId: id, Policy: policyDocument }));
    expect(put).toMatchObject({ FileSystemId: id, Policy: policyDocument });
    expect(await client.send(new DescribeFileSystemPolicyCommand({ FileSystemId: id }))).toMatchObject({
      FileSystemId: id,
      Policy: policyDocument,
    });
    const deleted = await client.send(new DeleteFileSystemPolicyCommand({ FileSystemId: id }));
    expect(deleted.$metadata.httpStatusCode).toBe(200);
    expect(await rejectionOf(client.send(new DescribeFileSystemPolicyCommand({ FileSystemId: id })))).toBeInstanceOf(
      PolicyNotFound,
    );
  });

  it.each([
    ['not JSON', '{"Statement": ', /Policy is not valid JSON/],
    ['a JSON list', '[]', /Policy must be a JSON object/],
    ['without a Statement', '{"Version":"2012-10-17"}', /Policy has no Statement/],
    [
      'longer than 20000 characters',
      JSON.stringify({ Statement: [], Padding: 'x'.repeat(20_000) }),
      /the limit is 20000/,
    ],
  ])('a policy %s is InvalidPolicyException', async (_what, policy, message) => {
    const id = await availableFileSystem({ CreationToken: 'policy-bad' });
    const err = await rejectionOf(
      t.client().send(new PutFileSystemPolicyCommand({ FileSystemId: id, Policy: policy })),
    );
    expect(err).toBeInstanceOf(InvalidPolicyException);
    expect(err.message).toMatch(message);
  });

  it('needs the file system available to put or delete it', async () => {
    const creating = await creatingFileSystem('policy-early');
    expect(
      await rejectionOf(
        t.client().send(new PutFileSystemPolicyCommand({ FileSystemId: creating, Policy: policyDocument })),
      ),
    ).toBeInstanceOf(IncorrectFileSystemLifeCycleState);
    expect(
      await rejectionOf(t.client().send(new DeleteFileSystemPolicyCommand({ FileSystemId: creating }))),
    ).toBeInstanceOf(IncorrectFileSystemLifeCycleState);
  });
});

describe('UpdateFileSystemProtection', () => {
  it('sets replication overwrite protection and puts the file system in updating for the update delay', async () => {
    const id = await availableFileSystem({ CreationToken: 'protect' });
    const result = await t
      .client()
      .send(new UpdateFileSystemProtectionCommand({ FileSystemId: id, ReplicationOverwriteProtection: 'DISABLED' }));
    expect(result.ReplicationOverwriteProtection).toBe('DISABLED');
    const describe = async () =>
      (await t.client().send(new DescribeFileSystemsCommand({ FileSystemId: id }))).FileSystems?.[0];
    expect(await describe()).toMatchObject({
      LifeCycleState: 'updating',
      FileSystemProtection: { ReplicationOverwriteProtection: 'DISABLED' },
    });
    t.clock.advance(updateDelayMs);
    expect((await describe())?.LifeCycleState).toBe('available');
  });

  it('rejects REPLICATING (reported, never set) and needs the file system available', async () => {
    const id = await availableFileSystem({ CreationToken: 'protect-bad' });
    const bad = await rejectionOf(
      t
        .client()
        .send(
          new UpdateFileSystemProtectionCommand({ FileSystemId: id, ReplicationOverwriteProtection: 'REPLICATING' }),
        ),
    );
    expect(bad).toBeInstanceOf(BadRequest);
    const creating = await creatingFileSystem('protect-early');
    const early = await rejectionOf(
      t
        .client()
        .send(
          new UpdateFileSystemProtectionCommand({ FileSystemId: creating, ReplicationOverwriteProtection: 'ENABLED' }),
        ),
    );
    expect(early).toBeInstanceOf(IncorrectFileSystemLifeCycleState);
  });
});

describe('replication (not emulated: there is never a replication configuration)', () => {
  it('DescribeReplicationConfigurations is ReplicationNotFound for a file system, FileSystemNotFound for an unknown one, empty without one', async () => {
    const id = await availableFileSystem({ CreationToken: 'replica' });
    const client = t.client();
    const none = await rejectionOf(client.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: id })));
    expect(none).toBeInstanceOf(ReplicationNotFound);
    expect((none as unknown as ReplicationNotFound).$metadata.httpStatusCode).toBe(404);
    expect(
      await rejectionOf(
        client.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: 'fs-0123456789abcdef0' })),
      ),
    ).toBeInstanceOf(FileSystemNotFound);
    expect((await client.send(new DescribeReplicationConfigurationsCommand({}))).Replications).toEqual([]);
    expect(
      await rejectionOf(client.send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: id }))),
    ).toBeInstanceOf(ReplicationNotFound);
  });

  it('CreateReplicationConfiguration answers 501 NotImplemented as an EFS error', async () => {
    const id = await availableFileSystem({ CreationToken: 'replica-create' });
    const err = await rejectionOf(
      t.client().send(
        new CreateReplicationConfigurationCommand({
          SourceFileSystemId: id,
          Destinations: [{ Region: 'us-west-2' }],
        }),
      ),
    );
    expect(err).toBeInstanceOf(EFSServiceException);
    expect(err.name).toBe('NotImplemented');
    expect((err as unknown as EFSServiceException).$metadata.httpStatusCode).toBe(501);
  });
});

describe('account preferences', () => {
  it('reports LONG_ID; SHORT_ID makes new ids 8 hex digits long', async () => {
    const client = t.client();
    expect((await client.send(new DescribeAccountPreferencesCommand({}))).ResourceIdPreference?.ResourceIdType).toBe(
      'LONG_ID',
    );
    await client.send(new PutAccountPreferencesCommand({ ResourceIdType: 'SHORT_ID' }));
    const created = await client.send(new CreateFileSystemCommand({ CreationToken: 'short' }));
    expect(created.FileSystemId).toMatch(/^fs-[0-9a-f]{8}$/);
  });
});
