/** Access points: create with validation, idempotency by client token, the per-file-system limit, paging, delete. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  AccessPointAlreadyExists,
  AccessPointLimitExceeded,
  AccessPointNotFound,
  BadRequest,
  CreateAccessPointCommand,
  type CreateAccessPointCommandInput,
  CreateFileSystemCommand,
  DeleteAccessPointCommand,
  DeleteFileSystemCommand,
  DescribeAccessPointsCommand,
  FileSystemNotFound,
  IncorrectFileSystemLifeCycleState,
} from '@aws-sdk/client-efs';
import { type TestEmulator, rejectionOf, startTestEmulator } from './support/emulator';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ createDelayMs: 100, deleteDelayMs: 100 });
});
afterAll(() => t.emulator.close());
beforeEach(() => t.emulator.admin.reset());

async function availableFileSystem(token: string): Promise<string> {
  const created = await t.client().send(new CreateFileSystemCommand({ CreationToken: token }));
  t.clock.advance(100);
  return created.FileSystemId as string;
}
const createAccessPoint = (input: CreateAccessPointCommandInput) =>
  t.client().send(new CreateAccessPointCommand(input));

describe('access points', () => {
  it('creates one with its POSIX user, root directory and Name tag; it reports creating, then available', async () => {
    const fsId = await availableFileSystem('ap');
    const ap = await createAccessPoint({
      FileSystemId: fsId,
      ClientToken: 'ap-token',
      Tags: [{ Key: 'Name', Value: 'app' }],
      PosixUser: { Uid: 1000, Gid: 1000, SecondaryGids: [10, 20] },
      RootDirectory: { Path: '/data/app', CreationInfo: { OwnerUid: 1000, OwnerGid: 1000, Permissions: '0750' } },
    });
    expect(ap).toMatchObject({
      ClientToken: 'ap-token',
      Name: 'app',
      FileSystemId: fsId,
      OwnerId: '123456789012',
      LifeCycleState: 'creating',
      PosixUser: { Uid: 1000, Gid: 1000, SecondaryGids: [10, 20] },
      RootDirectory: { Path: '/data/app', CreationInfo: { OwnerUid: 1000, OwnerGid: 1000, Permissions: '0750' } },
    });
    expect(ap.AccessPointId).toMatch(/^fsap-[0-9a-f]{17}$/);
    expect(ap.AccessPointArn).toBe(`arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/${ap.AccessPointId}`);
    const described = await t.client().send(new DescribeAccessPointsCommand({ AccessPointId: ap.AccessPointId }));
    expect(described.AccessPoints?.[0]?.LifeCycleState).toBe('available');
  });

  it('defaults the root directory to / and fills the client token when the SDK is not given one', async () => {
    const fsId = await availableFileSystem('ap-defaults');
    const ap = await createAccessPoint({ FileSystemId: fsId });
    expect(ap.RootDirectory).toEqual({ Path: '/' });
    expect(ap.ClientToken).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('needs an existing, available file system', async () => {
    const created = await t.client().send(new CreateFileSystemCommand({ CreationToken: 'ap-early' }));
    expect(await rejectionOf(createAccessPoint({ FileSystemId: created.FileSystemId }))).toBeInstanceOf(
      IncorrectFileSystemLifeCycleState,
    );
    expect(await rejectionOf(createAccessPoint({ FileSystemId: 'fs-0123456789abcdef0' }))).toBeInstanceOf(
      FileSystemNotFound,
    );
  });

  it('a reused client token is AccessPointAlreadyExists (409) naming the access point', async () => {
    const fsId = await availableFileSystem('ap-idem');
    const first = await createAccessPoint({ FileSystemId: fsId, ClientToken: 'once' });
    const again = await rejectionOf(createAccessPoint({ FileSystemId: fsId, ClientToken: 'once' }));
    expect(again).toBeInstanceOf(AccessPointAlreadyExists);
    expect((again as unknown as AccessPointAlreadyExists).AccessPointId).toBe(first.AccessPointId);
  });

  it.each<[string, Partial<CreateAccessPointCommandInput>, RegExp]>([
    ['a relative root path', { RootDirectory: { Path: 'data' } }, /Path 'data' does not match an absolute path/],
    [
      'a root path of five levels',
      { RootDirectory: { Path: '/a/b/c/d/e' } },
      /does not match an absolute path of at most 4 levels/,
    ],
    ['a hidden root directory', { RootDirectory: { Path: '/data/.git' } }, /Path '\/data\/.git' does not match/],
    ['a shell character in the root path', { RootDirectory: { Path: '/data;rm' } }, /Path '\/data;rm' does not match/],
    [
      'a 101-character root path',
      { RootDirectory: { Path: '/' + 'p'.repeat(100) } },
      /Path must be 1-100 characters long/,
    ],
    [
      'non-octal permissions',
      { RootDirectory: { Path: '/x', CreationInfo: { OwnerUid: 1, OwnerGid: 1, Permissions: '999' } } },
      /an octal mode/,
    ],
    ['a negative uid', { PosixUser: { Uid: -1, Gid: 0 } }, /PosixUser.Uid must be an integer from 0 to 4294967295/],
    [
      '17 secondary groups',
      { PosixUser: { Uid: 1, Gid: 1, SecondaryGids: Array.from({ length: 17 }, (_, i) => i) } },
      /at most 16/,
    ],
    ['a 65-character client token', { ClientToken: 'c'.repeat(65) }, /ClientToken must be 1-64 characters long/],
    ['a tag key starting with aws:', { Tags: [{ Key: 'aws:x', Value: 'y' }] }, /must not start with 'aws:'/],
  ])('rejects %s with BadRequest', async (_what, input, message) => {
    const fsId = await availableFileSystem('ap-valid');
    const err = await rejectionOf(createAccessPoint({ FileSystemId: fsId, ...input }));
    expect(err).toBeInstanceOf(BadRequest);
    expect(err.message).toMatch(message);
  });

  it('refuses access points beyond the per-file-system limit with AccessPointLimitExceeded (403)', async () => {
    await t.emulator.admin.setConfig({ accessPointLimit: 2 });
    const fsId = await availableFileSystem('ap-limit');
    await createAccessPoint({ FileSystemId: fsId });
    await createAccessPoint({ FileSystemId: fsId });
    const err = await rejectionOf(createAccessPoint({ FileSystemId: fsId }));
    expect(err).toBeInstanceOf(AccessPointLimitExceeded);
    expect((err as unknown as AccessPointLimitExceeded).$metadata.httpStatusCode).toBe(403);
    const otherFs = await availableFileSystem('ap-limit-2');
    await createAccessPoint({ FileSystemId: otherFs });
  });

  it('describes all, by file system, or by id, with MaxResults and NextToken', async () => {
    const fsA = await availableFileSystem('ap-a');
    const fsB = await availableFileSystem('ap-b');
    const a1 = await createAccessPoint({ FileSystemId: fsA });
    const a2 = await createAccessPoint({ FileSystemId: fsA });
    const b1 = await createAccessPoint({ FileSystemId: fsB });
    const client = t.client();
    const all = await client.send(new DescribeAccessPointsCommand({}));
    expect(all.AccessPoints?.map((a) => a.AccessPointId)).toEqual([
      a1.AccessPointId,
      a2.AccessPointId,
      b1.AccessPointId,
    ]);
    const first = await client.send(new DescribeAccessPointsCommand({ FileSystemId: fsA, MaxResults: 1 }));
    expect(first.AccessPoints?.map((a) => a.AccessPointId)).toEqual([a1.AccessPointId]);
    const second = await client.send(
      new DescribeAccessPointsCommand({ FileSystemId: fsA, MaxResults: 1, NextToken: first.NextToken }),
    );
    expect(second.AccessPoints?.map((a) => a.AccessPointId)).toEqual([a2.AccessPointId]);
    expect(second.NextToken).toBeUndefined();
    expect(
      await rejectionOf(
        client.send(new DescribeAccessPointsCommand({ FileSystemId: fsA, AccessPointId: a1.AccessPointId })),
      ),
    ).toBeInstanceOf(BadRequest);
    expect(
      await rejectionOf(client.send(new DescribeAccessPointsCommand({ AccessPointId: 'fsap-0123456789abcdef0' }))),
    ).toBeInstanceOf(AccessPointNotFound);
    expect(
      await rejectionOf(client.send(new DescribeAccessPointsCommand({ FileSystemId: 'fs-0123456789abcdef0' }))),
    ).toBeInstanceOf(FileSystemNotFound);
  });

  it('deletes with 204; an unknown access point is AccessPointNotFound', async () => {
    const fsId = await availableFileSystem('ap-delete');
    const ap = await createAccessPoint({ FileSystemId: fsId });
    const deleted = await t.client().send(new DeleteAccessPointCommand({ AccessPointId: ap.AccessPointId }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    expect(
      await rejectionOf(t.client().send(new DeleteAccessPointCommand({ AccessPointId: ap.AccessPointId }))),
    ).toBeInstanceOf(AccessPointNotFound);
  });

  it('access points go with their file system', async () => {
    const fsId = await availableFileSystem('ap-owner');
    await createAccessPoint({ FileSystemId: fsId });
    await t.client().send(new DeleteFileSystemCommand({ FileSystemId: fsId }));
    t.clock.advance(100);
    expect((await t.client().send(new DescribeAccessPointsCommand({}))).AccessPoints).toEqual([]);
  });
});
