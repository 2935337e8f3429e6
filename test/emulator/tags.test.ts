/** TagResource / UntagResource / ListTagsForResource on file systems and access points, and the deprecated tag operations. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  AccessPointNotFound,
  BadRequest,
  CreateAccessPointCommand,
  CreateFileSystemCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeAccessPointsCommand,
  DescribeFileSystemsCommand,
  DescribeTagsCommand,
  FileSystemNotFound,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-efs';
import { type TestEmulator, rejectionOf, startTestEmulator } from './support/emulator';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ createDelayMs: 0 });
});
afterAll(() => t.emulator.close());
beforeEach(() => t.emulator.admin.reset());

const fileSystem = async (token: string) =>
  (await t.client().send(new CreateFileSystemCommand({ CreationToken: token }))).FileSystemId as string;
const tagsOf = async (id: string) => (await t.client().send(new ListTagsForResourceCommand({ ResourceId: id }))).Tags;

describe('resource tags', () => {
  it('adds, overwrites and lists tags of a file system; Name shows as the Name field', async () => {
    const id = await fileSystem('tags');
    const tagged = await t.client().send(
      new TagResourceCommand({
        ResourceId: id,
        Tags: [
          { Key: 'team', Value: 'a' },
          { Key: 'Name', Value: 'first' },
        ],
      }),
    );
    expect(tagged.$metadata.httpStatusCode).toBe(200);
    await t.client().send(new TagResourceCommand({ ResourceId: id, Tags: [{ Key: 'Name', Value: 'second' }] }));
    expect(await tagsOf(id)).toEqual([
      { Key: 'team', Value: 'a' },
      { Key: 'Name', Value: 'second' },
    ]);
    const fs = (await t.client().send(new DescribeFileSystemsCommand({ FileSystemId: id }))).FileSystems?.[0];
    expect(fs?.Name).toBe('second');
  });

  it('untags several keys at once (repeated tagKeys) and ignores unknown keys', async () => {
    const id = await fileSystem('untag');
    await t
      .client()
      .send(new TagResourceCommand({ ResourceId: id, Tags: ['a', 'b', 'c', 'd'].map((k) => ({ Key: k, Value: k })) }));
    const untagged = await t.client().send(new UntagResourceCommand({ ResourceId: id, TagKeys: ['a', 'c', 'zzz'] }));
    expect(untagged.$metadata.httpStatusCode).toBe(200);
    expect(await tagsOf(id)).toEqual([
      { Key: 'b', Value: 'b' },
      { Key: 'd', Value: 'd' },
    ]);
    expect(
      await rejectionOf(t.client().send(new UntagResourceCommand({ ResourceId: id, TagKeys: [] }))),
    ).toBeInstanceOf(BadRequest);
  });

  it('pages ListTagsForResource with MaxResults and NextToken', async () => {
    const id = await fileSystem('tag-pages');
    await t
      .client()
      .send(new TagResourceCommand({ ResourceId: id, Tags: ['a', 'b', 'c'].map((k) => ({ Key: k, Value: k })) }));
    const first = await t.client().send(new ListTagsForResourceCommand({ ResourceId: id, MaxResults: 2 }));
    expect(first.Tags?.map((tag) => tag.Key)).toEqual(['a', 'b']);
    const second = await t
      .client()
      .send(new ListTagsForResourceCommand({ ResourceId: id, MaxResults: 2, NextToken: first.NextToken }));
    expect(second.Tags?.map((tag) => tag.Key)).toEqual(['c']);
    expect(second.NextToken).toBeUndefined();
  });

  it('tags access points too, by id or ARN', async () => {
    const fsId = await fileSystem('ap-tags');
    const ap = await t.client().send(new CreateAccessPointCommand({ FileSystemId: fsId }));
    await t
      .client()
      .send(new TagResourceCommand({ ResourceId: ap.AccessPointArn, Tags: [{ Key: 'Name', Value: 'ap' }] }));
    expect(await tagsOf(ap.AccessPointId as string)).toEqual([{ Key: 'Name', Value: 'ap' }]);
    const described = await t.client().send(new DescribeAccessPointsCommand({ AccessPointId: ap.AccessPointId }));
    expect(described.AccessPoints?.[0]?.Name).toBe('ap');
  });

  it('unknown resources are FileSystemNotFound or AccessPointNotFound', async () => {
    expect(await rejectionOf(tagsOf('fs-0123456789abcdef0'))).toBeInstanceOf(FileSystemNotFound);
    expect(await rejectionOf(tagsOf('fsap-0123456789abcdef0'))).toBeInstanceOf(AccessPointNotFound);
    expect(await rejectionOf(tagsOf('vol-0123456789abcdef0'))).toBeInstanceOf(BadRequest);
  });

  it('validates tags and keeps at most 50 on a resource', async () => {
    const id = await fileSystem('tag-rules');
    const client = t.client();
    expect(
      await rejectionOf(client.send(new TagResourceCommand({ ResourceId: id, Tags: [{ Key: 'aws:x', Value: 'y' }] }))),
    ).toBeInstanceOf(BadRequest);
    expect(await rejectionOf(client.send(new TagResourceCommand({ ResourceId: id, Tags: [] })))).toBeInstanceOf(
      BadRequest,
    );
    await client.send(
      new TagResourceCommand({
        ResourceId: id,
        Tags: Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: '' })),
      }),
    );
    await client.send(new TagResourceCommand({ ResourceId: id, Tags: [{ Key: 'k0', Value: 'overwrite is fine' }] }));
    const over = await rejectionOf(
      client.send(new TagResourceCommand({ ResourceId: id, Tags: [{ Key: 'one-more', Value: '' }] })),
    );
    expect(over).toBeInstanceOf(BadRequest);
    expect(over.message).toBe('A resource may have at most 50 tags; this request would leave 51');
  });
});

describe('deprecated tag operations', () => {
  it('CreateTags, DescribeTags and DeleteTags work on file systems', async () => {
    const id = await fileSystem('old-tags');
    const created = await t.client().send(
      new CreateTagsCommand({
        FileSystemId: id,
        Tags: [
          { Key: 'a', Value: '1' },
          { Key: 'b', Value: '2' },
        ],
      }),
    );
    expect(created.$metadata.httpStatusCode).toBe(204);
    const described = await t.client().send(new DescribeTagsCommand({ FileSystemId: id, MaxItems: 1 }));
    expect(described.Tags).toEqual([{ Key: 'a', Value: '1' }]);
    expect(described.NextMarker).toEqual(expect.any(String));
    await t.client().send(new DeleteTagsCommand({ FileSystemId: id, TagKeys: ['a'] }));
    expect((await t.client().send(new DescribeTagsCommand({ FileSystemId: id }))).Tags).toEqual([
      { Key: 'b', Value: '2' },
    ]);
  });
});
