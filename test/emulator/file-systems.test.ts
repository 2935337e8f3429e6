/** File systems through @aws-sdk/client-efs: lifecycle on the clock, idempotency, validation, quota, paging, the 24-hour rule. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  BadRequest,
  CreateFileSystemCommand,
  type CreateFileSystemCommandInput,
  DeleteFileSystemCommand,
  DescribeFileSystemsCommand,
  FileSystemAlreadyExists,
  FileSystemLimitExceeded,
  FileSystemNotFound,
  IncorrectFileSystemLifeCycleState,
  ThroughputLimitExceeded,
  TooManyRequests,
  UnsupportedAvailabilityZone,
  UpdateFileSystemCommand,
  paginateDescribeFileSystems,
} from '@aws-sdk/client-efs';
import { type TestEmulator, rejectionOf, startTestEmulator } from './support/emulator';

const createDelayMs = 1000;
const updateDelayMs = 500;
const deleteDelayMs = 700;
const day = 24 * 60 * 60 * 1000;

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ createDelayMs, updateDelayMs, deleteDelayMs });
});
afterAll(() => t.emulator.close());
const start = Date.parse('2025-01-01T00:00:00Z');
beforeEach(async () => {
  await t.emulator.admin.reset();
  t.clock.set(start);
});

const create = (input: Partial<CreateFileSystemCommandInput> & { CreationToken: string }) =>
  t.client().send(new CreateFileSystemCommand(input));
const describeById = async (id: string) =>
  (await t.client().send(new DescribeFileSystemsCommand({ FileSystemId: id }))).FileSystems?.[0];
const stateOf = async (id: string) => (await describeById(id))?.LifeCycleState;

async function createAvailable(
  input: Partial<CreateFileSystemCommandInput> & { CreationToken: string },
): Promise<string> {
  const created = await create(input);
  t.clock.advance(createDelayMs);
  return created.FileSystemId as string;
}

describe('CreateFileSystem and DescribeFileSystems', () => {
  it('creates with the documented defaults and reports creating, then available once the delay has passed on the clock', async () => {
    const created = await create({ CreationToken: 'defaults', Tags: [{ Key: 'Name', Value: 'data' }] });
    expect(created).toMatchObject({
      OwnerId: '123456789012',
      CreationToken: 'defaults',
      LifeCycleState: 'creating',
      NumberOfMountTargets: 0,
      PerformanceMode: 'generalPurpose',
      ThroughputMode: 'bursting',
      Encrypted: false,
      Name: 'data',
      Tags: [{ Key: 'Name', Value: 'data' }],
      FileSystemProtection: { ReplicationOverwriteProtection: 'ENABLED' },
      SizeInBytes: { Value: 6144 },
    });
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created.CreationTime).toEqual(new Date(t.clock.now()));
    expect(created.FileSystemArn).toBe(
      `arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/${created.FileSystemId}`,
    );
    const id = created.FileSystemId as string;

    t.clock.advance(createDelayMs - 1);
    expect(await stateOf(id)).toBe('creating');
    t.clock.advance(1);
    expect(await stateOf(id)).toBe('available');
  });

  it('describes by id, by ARN and by creation token; an unknown token is an empty list', async () => {
    const id = await createAvailable({ CreationToken: 'lookup' });
    await createAvailable({ CreationToken: 'other' });
    const client = t.client();
    expect(
      (await client.send(new DescribeFileSystemsCommand({ CreationToken: 'lookup' }))).FileSystems?.map(
        (f) => f.FileSystemId,
      ),
    ).toEqual([id]);
    const arn = `arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/${id}`;
    expect(
      (await client.send(new DescribeFileSystemsCommand({ FileSystemId: arn }))).FileSystems?.map(
        (f) => f.FileSystemId,
      ),
    ).toEqual([id]);
    expect((await client.send(new DescribeFileSystemsCommand({ CreationToken: 'nobody' }))).FileSystems).toEqual([]);
  });

  it('an unknown id is FileSystemNotFound (404); a malformed id is BadRequest; token and id together are BadRequest', async () => {
    const missing = await rejectionOf(
      t.client().send(new DescribeFileSystemsCommand({ FileSystemId: 'fs-0123456789abcdef0' })),
    );
    expect(missing).toBeInstanceOf(FileSystemNotFound);
    expect((missing as unknown as FileSystemNotFound).$metadata.httpStatusCode).toBe(404);
    expect(
      await rejectionOf(t.client().send(new DescribeFileSystemsCommand({ FileSystemId: 'fs-nothex' }))),
    ).toBeInstanceOf(BadRequest);
    const both = await rejectionOf(
      t.client().send(new DescribeFileSystemsCommand({ FileSystemId: 'fs-0123456789abcdef0', CreationToken: 'x' })),
    );
    expect(both).toBeInstanceOf(BadRequest);
  });

  it('encrypts with the default key unless a KmsKeyId is given, and reports keys as ARNs', async () => {
    const defaultKey = await create({ CreationToken: 'enc-default', Encrypted: true });
    expect(defaultKey.KmsKeyId).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\/[0-9a-f-]{36}$/);
    const alias = await create({ CreationToken: 'enc-alias', Encrypted: true, KmsKeyId: 'alias/mine' });
    expect(alias.KmsKeyId).toBe('arn:aws:kms:us-east-1:123456789012:alias/mine');
    const keyId = await create({
      CreationToken: 'enc-id',
      Encrypted: true,
      KmsKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
    });
    expect(keyId.KmsKeyId).toBe('arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const plain = await create({ CreationToken: 'plain' });
    expect(plain.KmsKeyId).toBeUndefined();
  });

  it('creates One Zone, provisioned and elastic file systems', async () => {
    const oneZone = await create({ CreationToken: 'one-zone', AvailabilityZoneName: 'us-east-1b' });
    expect(oneZone).toMatchObject({ AvailabilityZoneName: 'us-east-1b', AvailabilityZoneId: 'use1-az2' });
    const provisioned = await create({
      CreationToken: 'prov',
      ThroughputMode: 'provisioned',
      ProvisionedThroughputInMibps: 3414,
    });
    expect(provisioned).toMatchObject({ ThroughputMode: 'provisioned', ProvisionedThroughputInMibps: 3414 });
    const elastic = await create({ CreationToken: 'elastic', ThroughputMode: 'elastic' });
    expect(elastic).toMatchObject({ ThroughputMode: 'elastic' });
    expect(elastic.ProvisionedThroughputInMibps).toBeUndefined();
    const maxIO = await create({ CreationToken: 'maxio', PerformanceMode: 'maxIO' });
    expect(maxIO.PerformanceMode).toBe('maxIO');
  });

  const longKey = 'k'.repeat(129);
  const fiftyOneTags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
  it.each<[string, Partial<CreateFileSystemCommandInput>, RegExp]>([
    [
      'a 65-character creation token',
      { CreationToken: 'x'.repeat(65) },
      /CreationToken must be 1-64 characters long; got 65/,
    ],
    ['KmsKeyId without Encrypted', { KmsKeyId: 'alias/mine' }, /KmsKeyId requires Encrypted to be true/],
    ['KmsKeyId with Encrypted false', { Encrypted: false, KmsKeyId: 'alias/mine' }, /KmsKeyId requires Encrypted/],
    ['a malformed KmsKeyId', { Encrypted: true, KmsKeyId: 'my key' }, /KmsKeyId 'my key' does not match a KMS key id/],
    ['provisioned mode without a value', { ThroughputMode: 'provisioned' }, /requires ProvisionedThroughputInMibps/],
    [
      'provisioned mode with 0 MiB/s',
      { ThroughputMode: 'provisioned', ProvisionedThroughputInMibps: 0 },
      /must be at least 1; got 0/,
    ],
    [
      'a value without provisioned mode',
      { ProvisionedThroughputInMibps: 10 },
      /can only be set with ThroughputMode provisioned/,
    ],
    [
      'maxIO with One Zone',
      { PerformanceMode: 'maxIO', AvailabilityZoneName: 'us-east-1a' },
      /maxIO is not available for One Zone/,
    ],
    [
      'maxIO with elastic',
      { PerformanceMode: 'maxIO', ThroughputMode: 'elastic' },
      /elastic requires PerformanceMode generalPurpose/,
    ],
    [
      'an unknown performance mode',
      { PerformanceMode: 'fast' as 'maxIO' },
      /PerformanceMode must be one of generalPurpose, maxIO; got 'fast'/,
    ],
    [
      'an unknown throughput mode',
      { ThroughputMode: 'turbo' as 'elastic' },
      /ThroughputMode must be one of bursting, provisioned, elastic/,
    ],
    ['a tag key starting with aws:', { Tags: [{ Key: 'aws:owner', Value: 'me' }] }, /must not start with 'aws:'/],
    [
      'a tag key starting with AWS: in capitals',
      { Tags: [{ Key: 'AWS:owner', Value: 'me' }] },
      /must not start with 'aws:'/,
    ],
    [
      'a 129-character tag key',
      { Tags: [{ Key: longKey, Value: 'v' }] },
      /Tag key must be 1-128 characters long; got 129/,
    ],
    ['an empty tag key', { Tags: [{ Key: '', Value: 'v' }] }, /Tag key must be 1-128 characters long; got 0/],
    [
      'a 257-character tag value',
      { Tags: [{ Key: 'k', Value: 'v'.repeat(257) }] },
      /Value of tag 'k' must be 0-256 characters long; got 257/,
    ],
    ['51 tags', { Tags: fiftyOneTags }, /Tags may hold at most 50 tags; got 51/],
    [
      'a repeated tag key',
      {
        Tags: [
          { Key: 'k', Value: '1' },
          { Key: 'k', Value: '2' },
        ],
      },
      /Tag key 'k' appears more than once/,
    ],
    ['a tag key with a forbidden character', { Tags: [{ Key: 'a*b', Value: 'v' }] }, /may contain only letters/],
  ])('rejects %s with BadRequest', async (_what, input, message) => {
    const err = await rejectionOf(create({ CreationToken: 'validated', ...input }));
    expect(err).toBeInstanceOf(BadRequest);
    expect(err.message).toMatch(message);
    expect((err as unknown as BadRequest).$metadata.httpStatusCode).toBe(400);
    expect(await t.emulator.admin.fileSystems()).toEqual([]);
  });

  it('accepts the limits themselves: a 64-character token, 50 tags, a 128-character key and a 256-character value', async () => {
    const tags = Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}`, Value: '' }));
    tags.push({ Key: 'k'.repeat(128), Value: 'v'.repeat(256) });
    const created = await create({ CreationToken: 't'.repeat(64), Tags: tags });
    expect(created.Tags).toHaveLength(50);
  });

  it('more than 3414 MiB/s is ThroughputLimitExceeded', async () => {
    const err = await rejectionOf(
      create({ CreationToken: 'too-fast', ThroughputMode: 'provisioned', ProvisionedThroughputInMibps: 3415 }),
    );
    expect(err).toBeInstanceOf(ThroughputLimitExceeded);
  });

  it('an Availability Zone outside the Region is UnsupportedAvailabilityZone', async () => {
    const err = await rejectionOf(create({ CreationToken: 'far', AvailabilityZoneName: 'eu-west-1a' }));
    expect(err).toBeInstanceOf(UnsupportedAvailabilityZone);
  });
});

describe('creation token idempotency', () => {
  it('a second create with the same token is FileSystemAlreadyExists (409) carrying the FileSystemId, in any state', async () => {
    const first = await create({ CreationToken: 'same' });
    const whileCreating = await rejectionOf(create({ CreationToken: 'same', PerformanceMode: 'maxIO' }));
    expect(whileCreating).toBeInstanceOf(FileSystemAlreadyExists);
    expect((whileCreating as unknown as FileSystemAlreadyExists).FileSystemId).toBe(first.FileSystemId);
    expect((whileCreating as unknown as FileSystemAlreadyExists).$metadata.httpStatusCode).toBe(409);
    t.clock.advance(createDelayMs);
    const whileAvailable = await rejectionOf(create({ CreationToken: 'same' }));
    expect((whileAvailable as unknown as FileSystemAlreadyExists).FileSystemId).toBe(first.FileSystemId);
    expect(await t.emulator.admin.fileSystems()).toHaveLength(1);
  });

  it('the token stays taken while the file system is deleting and is free once it is gone', async () => {
    const id = await createAvailable({ CreationToken: 'reused' });
    await t.client().send(new DeleteFileSystemCommand({ FileSystemId: id }));
    expect(await stateOf(id)).toBe('deleting');
    const whileDeleting = await rejectionOf(create({ CreationToken: 'reused' }));
    expect((whileDeleting as unknown as FileSystemAlreadyExists).FileSystemId).toBe(id);
    t.clock.advance(deleteDelayMs);
    expect(await rejectionOf(describeById(id))).toBeInstanceOf(FileSystemNotFound);
    const again = await create({ CreationToken: 'reused' });
    expect(again.FileSystemId).not.toBe(id);
  });
});

describe('file system quota', () => {
  it('refuses the file system beyond the configured limit with FileSystemLimitExceeded (403); retries of existing tokens still get 409', async () => {
    await t.emulator.admin.setConfig({ fileSystemLimit: 2 });
    await create({ CreationToken: 'q1' });
    await create({ CreationToken: 'q2' });
    const over = await rejectionOf(create({ CreationToken: 'q3' }));
    expect(over).toBeInstanceOf(FileSystemLimitExceeded);
    expect((over as unknown as FileSystemLimitExceeded).$metadata.httpStatusCode).toBe(403);
    expect(await rejectionOf(create({ CreationToken: 'q1' }))).toBeInstanceOf(FileSystemAlreadyExists);
  });

  it('defaults to 1000 file systems per account and Region', async () => {
    expect((await t.emulator.admin.config()).fileSystemLimit).toBe(1000);
  });
});

describe('DescribeFileSystems pagination', () => {
  it('pages with MaxItems, echoes Marker and returns NextMarker until the last page', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await create({ CreationToken: `page-${i}` })).FileSystemId as string);
    const client = t.client();
    const first = await client.send(new DescribeFileSystemsCommand({ MaxItems: 3 }));
    expect(first.FileSystems?.map((f) => f.FileSystemId)).toEqual(ids.slice(0, 3));
    expect(first.Marker).toBeUndefined();
    expect(first.NextMarker).toEqual(expect.any(String));
    const second = await client.send(new DescribeFileSystemsCommand({ MaxItems: 3, Marker: first.NextMarker }));
    expect(second.Marker).toBe(first.NextMarker);
    expect(second.FileSystems?.map((f) => f.FileSystemId)).toEqual(ids.slice(3, 6));
    const third = await client.send(new DescribeFileSystemsCommand({ MaxItems: 3, Marker: second.NextMarker }));
    expect(third.FileSystems?.map((f) => f.FileSystemId)).toEqual(ids.slice(6));
    expect(third.NextMarker).toBeUndefined();
  });

  it('works with the SDK paginator, and a file system deleted between pages skips nothing', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await createAvailable({ CreationToken: `pager-${i}` }));
    const client = t.client();
    const first = await client.send(new DescribeFileSystemsCommand({ MaxItems: 2 }));
    await client.send(new DeleteFileSystemCommand({ FileSystemId: ids[1] as string }));
    t.clock.advance(deleteDelayMs);
    const rest = await client.send(new DescribeFileSystemsCommand({ MaxItems: 10, Marker: first.NextMarker }));
    expect(rest.FileSystems?.map((f) => f.FileSystemId)).toEqual(ids.slice(2));

    const seen: string[] = [];
    for await (const page of paginateDescribeFileSystems({ client, pageSize: 2 }, {})) {
      seen.push(...(page.FileSystems ?? []).map((f) => f.FileSystemId as string));
    }
    expect(seen).toEqual([ids[0], ...ids.slice(2)]);
  });

  it('returns 100 per page by default', async () => {
    for (let i = 0; i < 101; i++) await create({ CreationToken: `many-${i}` });
    const page = await t.client().send(new DescribeFileSystemsCommand({}));
    expect(page.FileSystems).toHaveLength(100);
    expect(page.NextMarker).toEqual(expect.any(String));
  });

  it('with pageSizeCap set, returns fewer items than MaxItems and still a NextMarker (as AWS may)', async () => {
    for (let i = 0; i < 3; i++) await create({ CreationToken: `capped-${i}` });
    await t.emulator.admin.setConfig({ pageSizeCap: 2 });
    const page = await t.client().send(new DescribeFileSystemsCommand({ MaxItems: 5 }));
    expect(page.FileSystems).toHaveLength(2);
    expect(page.NextMarker).toEqual(expect.any(String));
  });

  it('an invalid Marker or MaxItems is BadRequest', async () => {
    expect(
      await rejectionOf(t.client().send(new DescribeFileSystemsCommand({ Marker: 'not-a-marker' }))),
    ).toBeInstanceOf(BadRequest);
    expect(await rejectionOf(t.client().send(new DescribeFileSystemsCommand({ MaxItems: 0 })))).toBeInstanceOf(
      BadRequest,
    );
  });
});

describe('UpdateFileSystem', () => {
  it('returns 202 with the file system updating, then available after the update delay', async () => {
    const id = await createAvailable({ CreationToken: 'update' });
    const updated = await t.client().send(new UpdateFileSystemCommand({ FileSystemId: id, ThroughputMode: 'elastic' }));
    expect(updated.$metadata.httpStatusCode).toBe(202);
    expect(updated).toMatchObject({ LifeCycleState: 'updating', ThroughputMode: 'elastic' });
    t.clock.advance(updateDelayMs - 1);
    expect(await stateOf(id)).toBe('updating');
    t.clock.advance(1);
    expect(await stateOf(id)).toBe('available');
  });

  it('is IncorrectFileSystemLifeCycleState (409) while creating, updating or in error', async () => {
    const created = await create({ CreationToken: 'busy' });
    const id = created.FileSystemId as string;
    const whileCreating = await rejectionOf(
      t.client().send(new UpdateFileSystemCommand({ FileSystemId: id, ThroughputMode: 'elastic' })),
    );
    expect(whileCreating).toBeInstanceOf(IncorrectFileSystemLifeCycleState);
    expect((whileCreating as unknown as IncorrectFileSystemLifeCycleState).$metadata.httpStatusCode).toBe(409);
    expect(whileCreating.message).toBe(
      `File system '${id}' is in the 'creating' state; this operation needs it to be 'available'.`,
    );
    t.clock.advance(createDelayMs);
    await t.client().send(new UpdateFileSystemCommand({ FileSystemId: id, ThroughputMode: 'elastic' }));
    const whileUpdating = await rejectionOf(
      t.client().send(new UpdateFileSystemCommand({ FileSystemId: id, ThroughputMode: 'bursting' })),
    );
    expect(whileUpdating).toBeInstanceOf(IncorrectFileSystemLifeCycleState);
    await t.emulator.admin.setState(id, 'error');
    expect(await stateOf(id)).toBe('error');
    t.clock.advance(day);
    expect(await stateOf(id)).toBe('error');
    const inError = await rejectionOf(
      t.client().send(new UpdateFileSystemCommand({ FileSystemId: id, ThroughputMode: 'bursting' })),
    );
    expect(inError).toBeInstanceOf(IncorrectFileSystemLifeCycleState);
  });

  it('validates: something to change, a value for provisioned, elastic only with generalPurpose, unknown ids', async () => {
    const id = await createAvailable({ CreationToken: 'checked' });
    const maxIO = await createAvailable({ CreationToken: 'checked-maxio', PerformanceMode: 'maxIO' });
    const client = t.client();
    expect((await rejectionOf(client.send(new UpdateFileSystemCommand({ FileSystemId: id })))).message).toMatch(
      /needs ThroughputMode or/,
    );
    expect(
      (await rejectionOf(client.send(new UpdateFileSystemCommand({ FileSystemId: id, ThroughputMode: 'provisioned' }))))
        .message,
    ).toMatch(/requires ProvisionedThroughputInMibps/);
    expect(
      await rejectionOf(
        client.send(new UpdateFileSystemCommand({ FileSystemId: id, ProvisionedThroughputInMibps: 5 })),
      ),
    ).toBeInstanceOf(BadRequest);
    expect(
      await rejectionOf(client.send(new UpdateFileSystemCommand({ FileSystemId: maxIO, ThroughputMode: 'elastic' }))),
    ).toBeInstanceOf(BadRequest);
    expect(
      await rejectionOf(
        client.send(
          new UpdateFileSystemCommand({
            FileSystemId: id,
            ThroughputMode: 'provisioned',
            ProvisionedThroughputInMibps: 5000,
          }),
        ),
      ),
    ).toBeInstanceOf(ThroughputLimitExceeded);
    expect(
      await rejectionOf(
        client.send(new UpdateFileSystemCommand({ FileSystemId: 'fs-0123456789abcdef0', ThroughputMode: 'elastic' })),
      ),
    ).toBeInstanceOf(FileSystemNotFound);
  });
});

describe('the 24-hour throughput rule', () => {
  // The time is given to the second, rounded up so that waiting until then is always enough.
  const waitUntil = (ms: number) =>
    `Wait until ${new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')} UTC and try again.`;

  async function update(
    id: string,
    input: { ThroughputMode?: 'bursting' | 'provisioned' | 'elastic'; ProvisionedThroughputInMibps?: number },
  ) {
    const result = await t.client().send(new UpdateFileSystemCommand({ FileSystemId: id, ...input }));
    t.clock.advance(updateDelayMs);
    return result;
  }

  it('after switching to provisioned, a decrease or a mode change within 24 h is TooManyRequests (429) naming when to retry', async () => {
    const id = await createAvailable({ CreationToken: 'rule' });
    const switchedAt = t.clock.now();
    await update(id, { ThroughputMode: 'provisioned', ProvisionedThroughputInMibps: 100 });

    const decrease = await rejectionOf(
      t.client().send(new UpdateFileSystemCommand({ FileSystemId: id, ProvisionedThroughputInMibps: 50 })),
    );
    expect(decrease).toBeInstanceOf(TooManyRequests);
    expect((decrease as unknown as TooManyRequests).$metadata.httpStatusCode).toBe(429);
    expect(decrease.message).toBe(
      'You have reached the maximum number of throughput mode changes or provisioned throughput value decreases. ' +
        waitUntil(switchedAt + day),
    );
    const modeChange = await rejectionOf(
      t.client().send(new UpdateFileSystemCommand({ FileSystemId: id, ThroughputMode: 'bursting' })),
    );
    expect(modeChange).toBeInstanceOf(TooManyRequests);

    t.clock.set(switchedAt + day - 1);
    expect(
      await rejectionOf(t.client().send(new UpdateFileSystemCommand({ FileSystemId: id, ThroughputMode: 'elastic' }))),
    ).toBeInstanceOf(TooManyRequests);
    t.clock.set(switchedAt + day);
    expect((await update(id, { ProvisionedThroughputInMibps: 50 })).ProvisionedThroughputInMibps).toBe(50);
  });

  it('an increase is always allowed and restarts the 24 hours', async () => {
    const id = await createAvailable({
      CreationToken: 'increase',
      ThroughputMode: 'provisioned',
      ProvisionedThroughputInMibps: 10,
    });
    await update(id, { ProvisionedThroughputInMibps: 20 });
    t.clock.advance(12 * 60 * 60 * 1000);
    const increasedAt = t.clock.now();
    expect((await update(id, { ProvisionedThroughputInMibps: 30 })).ProvisionedThroughputInMibps).toBe(30);
    t.clock.set(increasedAt + day - 1000);
    const early = await rejectionOf(
      t.client().send(new UpdateFileSystemCommand({ FileSystemId: id, ProvisionedThroughputInMibps: 25 })),
    );
    expect(increasedAt % 1000).toBe(500);
    expect(early.message).toContain(waitUntil(increasedAt + day));
    t.clock.set(increasedAt + day);
    expect((await update(id, { ThroughputMode: 'bursting' })).ThroughputMode).toBe('bursting');
  });

  it('changes that follow neither a switch to provisioned nor an increase are not restricted', async () => {
    const id = await createAvailable({
      CreationToken: 'free',
      ThroughputMode: 'provisioned',
      ProvisionedThroughputInMibps: 10,
    });
    await update(id, { ProvisionedThroughputInMibps: 5 });
    await update(id, { ThroughputMode: 'elastic' });
    expect((await update(id, { ThroughputMode: 'bursting' })).ThroughputMode).toBe('bursting');
  });

  it('the SDK retries a 429 as throttling: the counters show the retries of the one call', async () => {
    const id = await createAvailable({
      CreationToken: 'retried',
      ThroughputMode: 'provisioned',
      ProvisionedThroughputInMibps: 10,
    });
    await update(id, { ProvisionedThroughputInMibps: 20 });
    await t.emulator.admin.resetCounters();
    const err = await rejectionOf(
      t
        .client({ attempts: 3 })
        .send(new UpdateFileSystemCommand({ FileSystemId: id, ProvisionedThroughputInMibps: 1 })),
    );
    expect(err).toBeInstanceOf(TooManyRequests);
    const counters = await t.emulator.admin.counters();
    expect(counters.operations.UpdateFileSystem).toMatchObject({ requests: 3, calls: 1, responses: { '429': 3 } });
  });
});

describe('DeleteFileSystem', () => {
  it('answers 204, reports deleting, and is FileSystemNotFound once the delete delay has passed', async () => {
    const id = await createAvailable({ CreationToken: 'doomed' });
    const deleted = await t.client().send(new DeleteFileSystemCommand({ FileSystemId: id }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    expect(await stateOf(id)).toBe('deleting');
    await t.client().send(new DeleteFileSystemCommand({ FileSystemId: id }));
    t.clock.advance(deleteDelayMs);
    expect(await rejectionOf(describeById(id))).toBeInstanceOf(FileSystemNotFound);
    expect(await rejectionOf(t.client().send(new DeleteFileSystemCommand({ FileSystemId: id })))).toBeInstanceOf(
      FileSystemNotFound,
    );
  });

  it('may delete a file system that is still creating', async () => {
    const created = await create({ CreationToken: 'early-delete' });
    await t.client().send(new DeleteFileSystemCommand({ FileSystemId: created.FileSystemId }));
    expect(await stateOf(created.FileSystemId as string)).toBe('deleting');
  });
});

describe('holding file systems in creating (admin)', () => {
  it('holds the file system of one creation token in creating until set available by hand', async () => {
    await t.emulator.admin.holdInCreating({ creationToken: 'held' });
    const held = await create({ CreationToken: 'held' });
    const normal = await create({ CreationToken: 'normal' });
    t.clock.advance(7 * day);
    expect(await stateOf(held.FileSystemId as string)).toBe('creating');
    expect(await stateOf(normal.FileSystemId as string)).toBe('available');
    const forced = await t.emulator.admin.setState(held.FileSystemId as string, 'available');
    expect(forced.LifeCycleState).toBe('available');
    expect(await stateOf(held.FileSystemId as string)).toBe('available');
  });

  it('gives the next N creates their own delay, then falls back to the global one', async () => {
    await t.emulator.admin.holdInCreating({ next: 2 }, 10_000);
    const slow = [await create({ CreationToken: 's1' }), await create({ CreationToken: 's2' })];
    const fast = await create({ CreationToken: 'f1' });
    t.clock.advance(createDelayMs);
    expect(await stateOf(fast.FileSystemId as string)).toBe('available');
    for (const fs of slow) expect(await stateOf(fs.FileSystemId as string)).toBe('creating');
    t.clock.advance(10_000 - createDelayMs);
    for (const fs of slow) expect(await stateOf(fs.FileSystemId as string)).toBe('available');
    expect(await t.emulator.admin.fileSystems()).toHaveLength(3);
  });

  it('the global create delay can be changed at run time', async () => {
    await t.emulator.admin.setCreateDelay(0);
    const created = await create({ CreationToken: 'instant' });
    expect(created.LifeCycleState).toBe('creating');
    expect(await stateOf(created.FileSystemId as string)).toBe('available');
  });
});
