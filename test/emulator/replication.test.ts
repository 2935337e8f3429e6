/**
 * Replication over real HTTP: CreateReplicationConfiguration, DescribeReplicationConfigurations and
 * DeleteReplicationConfiguration with AWS's rules (moto does not implement replication, so these
 * cases have no moto column in conformance.test.ts).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  BadRequest,
  ConflictException,
  CreateFileSystemCommand,
  CreateReplicationConfigurationCommand,
  DeleteFileSystemCommand,
  DeleteReplicationConfigurationCommand,
  DescribeFileSystemsCommand,
  DescribeReplicationConfigurationsCommand,
  FileSystemInUse,
  FileSystemNotFound,
  IncorrectFileSystemLifeCycleState,
  ReplicationAlreadyExists,
  ReplicationNotFound,
  UpdateFileSystemProtectionCommand,
  ValidationException,
} from '@aws-sdk/client-efs';
import { type TestEmulator, rejectionOf, startTestEmulator } from './support/emulator';

const createDelayMs = 100;
const updateDelayMs = 100;
const replicationEnableDelayMs = 300;
const replicationDeleteDelayMs = 200;
const source = 'us-east-1';
const destination = 'eu-west-1';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ createDelayMs, updateDelayMs });
});
afterAll(() => t.emulator.close());
beforeEach(async () => {
  await t.emulator.admin.reset();
  await t.emulator.admin.setConfig({ replicationEnableDelayMs, replicationDeleteDelayMs });
});

async function availableFileSystem(token: string, region = source): Promise<string> {
  const created = await t.client({ region }).send(new CreateFileSystemCommand({ CreationToken: token }));
  t.clock.advance(createDelayMs);
  return created.FileSystemId as string;
}

const replicationsOf = async (id: string, region = source) =>
  (await t.client({ region }).send(new DescribeReplicationConfigurationsCommand({ FileSystemId: id }))).Replications ??
  [];

describe('CreateReplicationConfiguration', () => {
  it('creates the destination file system in the destination Region, ENABLING then ENABLED', async () => {
    const id = await availableFileSystem('src');
    const created = await t.client().send(
      new CreateReplicationConfigurationCommand({
        SourceFileSystemId: id,
        Destinations: [{ Region: destination, KmsKeyId: 'alias/replica' }],
      }),
    );
    expect(created).toMatchObject({
      SourceFileSystemId: id,
      SourceFileSystemRegion: source,
      SourceFileSystemArn: `arn:aws:elasticfilesystem:${source}:123456789012:file-system/${id}`,
      SourceFileSystemOwnerId: '123456789012',
      Destinations: [{ Status: 'ENABLING', Region: destination, OwnerId: '123456789012' }],
    });
    const replicaId = created.Destinations?.[0]?.FileSystemId as string;
    expect(replicaId).toMatch(/^fs-[0-9a-f]{17}$/);

    // The replica lives in the destination Region only, encrypted with the key asked for, write-protected.
    const replica = (
      await t.client({ region: destination }).send(new DescribeFileSystemsCommand({ FileSystemId: replicaId }))
    ).FileSystems?.[0];
    expect(replica).toMatchObject({
      LifeCycleState: 'creating',
      Encrypted: true,
      KmsKeyId: `arn:aws:kms:${destination}:123456789012:alias/replica`,
      FileSystemProtection: { ReplicationOverwriteProtection: 'REPLICATING' },
    });
    expect(
      await rejectionOf(t.client().send(new DescribeFileSystemsCommand({ FileSystemId: replicaId }))),
    ).toBeInstanceOf(FileSystemNotFound);

    t.clock.advance(replicationEnableDelayMs);
    expect((await replicationsOf(id))[0]?.Destinations?.[0]?.Status).toBe('ENABLED');
    // Either side describes the same configuration.
    expect((await replicationsOf(replicaId, destination))[0]?.SourceFileSystemId).toBe(id);
  });

  it('allows one destination, one configuration per file system, and only an available source', async () => {
    const id = await availableFileSystem('one');
    const client = t.client();
    expect(
      await rejectionOf(
        client.send(
          new CreateReplicationConfigurationCommand({
            SourceFileSystemId: id,
            Destinations: [{ Region: destination }, { Region: 'us-west-2' }],
          }),
        ),
      ),
    ).toBeInstanceOf(ValidationException);
    expect(
      await rejectionOf(
        client.send(new CreateReplicationConfigurationCommand({ SourceFileSystemId: id, Destinations: [{}] })),
      ),
    ).toBeInstanceOf(BadRequest);

    await client.send(
      new CreateReplicationConfigurationCommand({ SourceFileSystemId: id, Destinations: [{ Region: destination }] }),
    );
    const again = await rejectionOf(
      client.send(
        new CreateReplicationConfigurationCommand({ SourceFileSystemId: id, Destinations: [{ Region: 'us-west-2' }] }),
      ),
    );
    expect(again).toBeInstanceOf(ReplicationAlreadyExists);
    expect((again as unknown as ReplicationAlreadyExists).$metadata.httpStatusCode).toBe(409);

    const creating = (await client.send(new CreateFileSystemCommand({ CreationToken: 'creating' }))).FileSystemId;
    expect(
      await rejectionOf(
        client.send(
          new CreateReplicationConfigurationCommand({
            SourceFileSystemId: creating,
            Destinations: [{ Region: destination }],
          }),
        ),
      ),
    ).toBeInstanceOf(IncorrectFileSystemLifeCycleState);
    expect(
      await rejectionOf(
        client.send(
          new CreateReplicationConfigurationCommand({
            SourceFileSystemId: 'fs-0123456789abcdef0',
            Destinations: [{ Region: destination }],
          }),
        ),
      ),
    ).toBeInstanceOf(FileSystemNotFound);
  });

  it('replicates into an existing file system only with its overwrite protection disabled', async () => {
    const id = await availableFileSystem('into-existing');
    const target = await availableFileSystem('target', destination);
    const toTarget = new CreateReplicationConfigurationCommand({
      SourceFileSystemId: id,
      Destinations: [{ Region: destination, FileSystemId: target }],
    });
    const protectedTarget = await rejectionOf(t.client().send(toTarget));
    expect(protectedTarget).toBeInstanceOf(ConflictException);
    expect(protectedTarget.message).toContain('replication overwrite protection ENABLED');

    await t
      .client({ region: destination })
      .send(
        new UpdateFileSystemProtectionCommand({ FileSystemId: target, ReplicationOverwriteProtection: 'DISABLED' }),
      );
    t.clock.advance(updateDelayMs);
    const created = await t.client().send(toTarget);
    expect(created.Destinations?.[0]?.FileSystemId).toBe(target);
    // Changing the protection of a file system in a replication is refused.
    expect(
      await rejectionOf(
        t
          .client({ region: destination })
          .send(
            new UpdateFileSystemProtectionCommand({ FileSystemId: target, ReplicationOverwriteProtection: 'ENABLED' }),
          ),
      ),
    ).toBeInstanceOf(ReplicationAlreadyExists);
    // A missing destination and a destination with create-only settings are refused.
    const other = await availableFileSystem('other');
    expect(
      await rejectionOf(
        t.client().send(
          new CreateReplicationConfigurationCommand({
            SourceFileSystemId: other,
            Destinations: [{ Region: destination, FileSystemId: 'fs-0123456789abcdef0' }],
          }),
        ),
      ),
    ).toBeInstanceOf(FileSystemNotFound);
    expect(
      await rejectionOf(
        t.client().send(
          new CreateReplicationConfigurationCommand({
            SourceFileSystemId: other,
            Destinations: [{ Region: destination, FileSystemId: target, KmsKeyId: 'alias/x' }],
          }),
        ),
      ),
    ).toBeInstanceOf(BadRequest);
  });
});

describe('DeleteReplicationConfiguration', () => {
  it('is DELETING, then gone; the destination becomes writable with protection ENABLED; then the source can be deleted', async () => {
    const id = await availableFileSystem('del');
    const created = await t
      .client()
      .send(
        new CreateReplicationConfigurationCommand({ SourceFileSystemId: id, Destinations: [{ Region: destination }] }),
      );
    const replicaId = created.Destinations?.[0]?.FileSystemId as string;
    t.clock.advance(replicationEnableDelayMs);

    const inUse = await rejectionOf(t.client().send(new DeleteFileSystemCommand({ FileSystemId: id })));
    expect(inUse).toBeInstanceOf(FileSystemInUse);
    expect(inUse.message).toContain('delete the replication configuration first');

    await t.client().send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: id }));
    expect((await replicationsOf(id))[0]?.Destinations?.[0]?.Status).toBe('DELETING');
    // Deleting again while DELETING changes nothing.
    await t.client().send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: id }));
    t.clock.advance(replicationDeleteDelayMs);

    expect(await rejectionOf(replicationsOf(id))).toBeInstanceOf(ReplicationNotFound);
    const replica = (
      await t.client({ region: destination }).send(new DescribeFileSystemsCommand({ FileSystemId: replicaId }))
    ).FileSystems?.[0];
    expect(replica?.FileSystemProtection?.ReplicationOverwriteProtection).toBe('ENABLED');
    await t.client().send(new DeleteFileSystemCommand({ FileSystemId: id }));
    expect(
      await rejectionOf(t.client().send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: replicaId }))),
    ).toBeInstanceOf(FileSystemNotFound);
  });

  it('works from the destination side too, and is ReplicationNotFound without a configuration', async () => {
    const id = await availableFileSystem('from-destination');
    const created = await t
      .client()
      .send(
        new CreateReplicationConfigurationCommand({ SourceFileSystemId: id, Destinations: [{ Region: destination }] }),
      );
    const replicaId = created.Destinations?.[0]?.FileSystemId as string;
    await t
      .client({ region: destination })
      .send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: replicaId }));
    expect((await replicationsOf(id))[0]?.Destinations?.[0]?.Status).toBe('DELETING');
    t.clock.advance(replicationDeleteDelayMs);
    expect(
      await rejectionOf(t.client().send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: id }))),
    ).toBeInstanceOf(ReplicationNotFound);
  });
});

describe('DescribeReplicationConfigurations', () => {
  it('lists the configurations of the Region (sources and destinations there), paged', async () => {
    const first = await availableFileSystem('a');
    const second = await availableFileSystem('b');
    for (const id of [first, second]) {
      await t.client().send(
        new CreateReplicationConfigurationCommand({
          SourceFileSystemId: id,
          Destinations: [{ Region: destination }],
        }),
      );
    }
    const page = await t.client().send(new DescribeReplicationConfigurationsCommand({ MaxResults: 1 }));
    expect(page.Replications?.map((r) => r.SourceFileSystemId)).toEqual([first]);
    const rest = await t.client().send(new DescribeReplicationConfigurationsCommand({ NextToken: page.NextToken }));
    expect(rest.Replications?.map((r) => r.SourceFileSystemId)).toEqual([second]);
    expect(
      (await t.client({ region: destination }).send(new DescribeReplicationConfigurationsCommand({}))).Replications,
    ).toHaveLength(2);
    expect(
      (await t.client({ region: 'us-west-2' }).send(new DescribeReplicationConfigurationsCommand({}))).Replications,
    ).toEqual([]);
  });
});
