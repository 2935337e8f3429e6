/** Lifecycle configuration, backup policy, file system policy, protection and account preferences (replication: replication.test.ts). */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  BadRequest,
  CreateFileSystemCommand,
  type CreateFileSystemCommandInput,
  DeleteFileSystemPolicyCommand,
  DescribeAccountPreferencesCommand,
  DescribeBackupPolicyCommand,
  DescribeFileSystemPolicyCommand,
  DescribeFileSystemsCommand,
  DescribeLifecycleConfigurationCommand,
  IncorrectFileSystemLifeCycleState,
  InvalidPolicyException,
  PolicyNotFound,
  PutAccountPreferencesCommand,
  PutBackupPolicyCommand,
  PutFileSystemPolicyCommand,
  PutLifecycleConfigurationCommand,
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

const statement = { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'elasticfilesystem:ClientMount' };
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
    ['longer than 20000 characters', JSON.stringify({ Statement: [], Id: 'x'.repeat(20_000) }), /the limit is 20000/],
    ...(
      [
        ['with Effect "Maybe"', { Effect: 'Maybe' }, /Statement 1\.Effect must be 'Allow' or 'Deny'; got "Maybe"/],
        ['without Effect', { Effect: undefined }, /Statement 1\.Effect must be 'Allow' or 'Deny'; got null/],
        ['without Action', { Action: undefined }, /Statement 1 needs an Action or NotAction/],
        ['with both Action and NotAction', { NotAction: '*' }, /may not have both Action and NotAction/],
        ['with an empty Action list', { Action: [] }, /Statement 1\.Action must not be an empty list/],
        ['with an Action that is not service:action', { Action: 'mount' }, /"mount", which is not service:action/],
        ['with a Resource that is not an ARN', { Resource: 'fs-1' }, /"fs-1", which is not an ARN/],
        ['with both Principal and NotPrincipal', { NotPrincipal: '*' }, /may not have both Principal and NotPrincipal/],
        ['with a bare account as Principal', { Principal: '123456789012' }, /Principal must be "\*" or a map/],
        ['with an unknown principal type', { Principal: { Role: 'x' } }, /unsupported principal type 'Role'/],
        [
          'with an unknown condition operator',
          { Condition: { StringMatches: { k: 'v' } } },
          /invalid condition operator 'StringMatches'/,
        ],
        [
          'with a condition value that is an object',
          { Condition: { Bool: { k: { v: 1 } } } },
          /Condition\.Bool\.k must be a value/,
        ],
        ['with an unknown statement element', { Effects: 'Allow' }, /unsupported element 'Effects'/],
        ['with a numeric Sid', { Sid: 7 }, /Sid must be a string/],
      ] as [string, Record<string, unknown>, RegExp][]
    ).map(([what, change, message]): [string, string, RegExp] => [
      what,
      JSON.stringify({ Version: '2012-10-17', Statement: [{ ...statement, ...change }] }),
      message,
    ]),
    [
      'with an unknown Version',
      JSON.stringify({ Version: '2024-01-01', Statement: [statement] }),
      /Version must be 2008-10-17 or 2012-10-17/,
    ],
    ['with an unknown top-level element', JSON.stringify({ foo: 'bar' }), /unsupported element 'foo'/],
    [
      'with a repeated Sid',
      JSON.stringify({
        Statement: [
          { ...statement, Sid: 'a' },
          { ...statement, Sid: 'a' },
        ],
      }),
      /'a' appears more than once/,
    ],
  ])('a policy %s is InvalidPolicyException', async (_what, policy, message) => {
    const id = await availableFileSystem({ CreationToken: 'policy-bad' });
    const err = await rejectionOf(
      t.client().send(new PutFileSystemPolicyCommand({ FileSystemId: id, Policy: policy })),
    );
    expect(err).toBeInstanceOf(InvalidPolicyException);
    expect(err.message).toMatch(message);
  });

  it('accepts every element of the policy grammar', async () => {
    const id = await availableFileSystem({ CreationToken: 'policy-grammar' });
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Id: 'efs-policy-wizard',
      Statement: [
        {
          Sid: 'efs-statement-1',
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::123456789012:role/app'], Service: 'backup.amazonaws.com' },
          Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:Client*'],
          Resource: 'arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/*',
          Condition: {
            Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true', 'aws:SecureTransport': true },
            'ForAnyValue:StringLikeIfExists': { 'aws:PrincipalTag/team': ['a*', 'b*'] },
            NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 },
            Null: { 'aws:TokenIssueTime': 'false' },
          },
        },
        { Effect: 'Deny', NotPrincipal: '*', NotAction: '*', NotResource: ['*'] },
      ],
    });
    await t.client().send(new PutFileSystemPolicyCommand({ FileSystemId: id, Policy: policy }));
    expect((await t.client().send(new DescribeFileSystemPolicyCommand({ FileSystemId: id }))).Policy).toBe(policy);
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
