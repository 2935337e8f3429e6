import {
  DescribeFileSystemsCommand,
  DescribeReplicationConfigurationsCommand,
  EFSClient,
  ReplicationNotFound,
} from '@aws-sdk/client-efs';
import { ConditionType, type FileSystemObject, type ReplicationDestination } from '../../src/api/filesystem';
import {
  applyFileSystem,
  conditionOf,
  createE2eContext,
  deleteFileSystem,
  efsClientFor,
  eventually,
  getFileSystem,
  patchObject,
  startOrchestrator,
  waitForGone,
  type E2eContext,
} from './harness';

/**
 * FileSystem replicationConfiguration on the stack: created, changed (deleted and created again),
 * removed, and deleted before its file system when the object goes. AWS state is read through the
 * EFS API, in the source Region and in the destination Regions.
 */
jest.setTimeout(300_000);

let ctx: E2eContext;
let efs: EFSClient;
const clients: EFSClient[] = [];

beforeAll(async () => {
  ctx = await createE2eContext('replication');
  efs = efsClientFor(ctx);
  startOrchestrator(ctx, 'run');
});
afterAll(async () => {
  await ctx.close();
  for (const client of [efs, ...clients]) client.destroy();
});

/** The EFS API in another Region (the emulator keeps each Region's file systems apart). */
function efsIn(region: string): EFSClient {
  const client = new EFSClient({
    region,
    endpoint: ctx.env.AWS_ENDPOINT_URL_EFS,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
}

const replicationOf = (id: string) =>
  efs.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: id })).then(
    (out) => out.Replications?.[0],
    (err: Error) => (err instanceof ReplicationNotFound ? undefined : Promise.reject(err)),
  );

/** Waits until the object is synced at its current generation; returns it. */
async function syncedAtGeneration(name: string): Promise<FileSystemObject> {
  let obj: FileSystemObject | undefined;
  await eventually(
    `${name} to be synced at its generation`,
    async () => {
      obj = await getFileSystem(ctx, name);
      const synced = conditionOf(obj, ConditionType.synced);
      return synced?.status === 'True' && synced.observedGeneration === obj?.metadata.generation;
    },
    150_000,
    300,
    () => JSON.stringify(obj?.status ?? null),
  );
  return obj as FileSystemObject;
}

async function setReplication(name: string, destinations: ReplicationDestination[] | null): Promise<void> {
  await patchObject(ctx, 'FileSystem', name, { spec: { replicationConfiguration: destinations } });
}

test('replication is created, changed (deleted, then created again) and removed', async () => {
  await applyFileSystem(ctx, 'replicated', { replicationConfiguration: [{ region: 'eu-west-1' }] });
  let obj = await syncedAtGeneration('replicated');
  const id = obj.status?.fileSystemID as string;
  const first = obj.status?.replicationConfigurationStatus?.[0];
  expect(first).toMatchObject({
    sourceFileSystemID: id,
    sourceFileSystemRegion: ctx.env.AWS_REGION,
    destinations: [{ region: 'eu-west-1', status: 'ENABLED' }],
  });
  const firstReplica = first?.destinations?.[0]?.fileSystemID as string;
  // The destination file system exists in the destination Region only, write-protected while replicating.
  const replica = (await efsIn('eu-west-1').send(new DescribeFileSystemsCommand({ FileSystemId: firstReplica })))
    .FileSystems?.[0];
  expect(replica?.FileSystemProtection?.ReplicationOverwriteProtection).toBe('REPLICATING');
  expect((await replicationOf(id))?.Destinations?.[0]).toMatchObject({ Region: 'eu-west-1', Status: 'ENABLED' });

  // A changed destination Region: the old configuration is deleted, then the new one created.
  await setReplication('replicated', [{ region: 'us-west-2', kmsKeyID: 'alias/replica' }]);
  obj = await syncedAtGeneration('replicated');
  const second = obj.status?.replicationConfigurationStatus?.[0]?.destinations?.[0];
  expect(second).toMatchObject({ region: 'us-west-2', status: 'ENABLED' });
  expect((await replicationOf(id))?.Destinations?.[0]?.Region).toBe('us-west-2');
  const newReplica = (
    await efsIn('us-west-2').send(new DescribeFileSystemsCommand({ FileSystemId: second?.fileSystemID }))
  ).FileSystems?.[0];
  expect(newReplica?.KmsKeyId).toContain('alias/replica');
  // AWS keeps the old destination, writable again with its protection back on.
  const oldReplica = (await efsIn('eu-west-1').send(new DescribeFileSystemsCommand({ FileSystemId: firstReplica })))
    .FileSystems?.[0];
  expect(oldReplica?.FileSystemProtection?.ReplicationOverwriteProtection).toBe('ENABLED');

  // Removing the destination deletes the replication.
  await setReplication('replicated', null);
  obj = await syncedAtGeneration('replicated');
  expect(obj.status?.replicationConfigurationStatus).toEqual([]);
  expect(await replicationOf(id)).toBeUndefined();
});

test('deleting a replicated FileSystem deletes the replication first, then the file system', async () => {
  await applyFileSystem(ctx, 'replicated-gone', { replicationConfiguration: [{ region: 'eu-west-1' }] });
  const obj = await syncedAtGeneration('replicated-gone');
  const id = obj.status?.fileSystemID as string;
  const replicaId = obj.status?.replicationConfigurationStatus?.[0]?.destinations?.[0]?.fileSystemID as string;
  await deleteFileSystem(ctx, 'replicated-gone');
  await waitForGone(ctx, 'FileSystem', 'replicated-gone', 150_000);
  await expect(efs.send(new DescribeFileSystemsCommand({ FileSystemId: id }))).rejects.toMatchObject({
    name: 'FileSystemNotFound',
  });
  const replicas = efsIn('eu-west-1');
  expect((await replicas.send(new DescribeReplicationConfigurationsCommand({}))).Replications ?? []).not.toContainEqual(
    expect.objectContaining({ SourceFileSystemId: id }),
  );
  // The destination file system stays (AWS never deletes it with the replication), writable again.
  const replica = (await replicas.send(new DescribeFileSystemsCommand({ FileSystemId: replicaId }))).FileSystems?.[0];
  expect(replica?.FileSystemProtection?.ReplicationOverwriteProtection).toBe('ENABLED');
});

test('the API server refuses two destinations and a changed KMS key of an existing destination', async () => {
  await expect(
    applyFileSystem(ctx, 'two-destinations', {
      replicationConfiguration: [{ region: 'eu-west-1' }, { region: 'us-west-2' }],
    }),
  ).rejects.toMatchObject({ body: expect.stringContaining('must have at most 1 item') });

  await applyFileSystem(ctx, 'fixed-key', { replicationConfiguration: [{ region: 'eu-west-1', kmsKeyID: 'alias/a' }] });
  await expect(setReplication('fixed-key', [{ region: 'eu-west-1', kmsKeyID: 'alias/b' }])).rejects.toMatchObject({
    body: expect.stringContaining('kmsKeyID and availabilityZoneName of a replication destination are fixed'),
  });
  // A new Region may come with a new key (the destination is created again).
  await setReplication('fixed-key', [{ region: 'us-west-2', kmsKeyID: 'alias/b' }]);
});
