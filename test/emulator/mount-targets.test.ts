/** Mount targets: lifecycle, the one-per-AZ and One Zone rules, the fake subnet model, security groups, FileSystemInUse. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  AccessPointNotFound,
  AvailabilityZonesMismatch,
  BadRequest,
  CreateAccessPointCommand,
  CreateFileSystemCommand,
  CreateMountTargetCommand,
  type CreateMountTargetCommandInput,
  DeleteFileSystemCommand,
  DeleteMountTargetCommand,
  DescribeFileSystemsCommand,
  DescribeMountTargetSecurityGroupsCommand,
  DescribeMountTargetsCommand,
  FileSystemInUse,
  FileSystemNotFound,
  IncorrectFileSystemLifeCycleState,
  IncorrectMountTargetState,
  IpAddressInUse,
  ModifyMountTargetSecurityGroupsCommand,
  MountTargetConflict,
  MountTargetNotFound,
  SecurityGroupLimitExceeded,
  SecurityGroupNotFound,
  SubnetNotFound,
} from '@aws-sdk/client-efs';
import { defaultSecurityGroupId, emulatedVpcId } from '../../dev/emulator/network';
import { type TestEmulator, rejectionOf, startTestEmulator } from './support/emulator';

const createDelayMs = 100;
const mountTargetCreateDelayMs = 2000;
const mountTargetDeleteDelayMs = 3000;
const deleteDelayMs = 100;

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ createDelayMs, mountTargetCreateDelayMs, mountTargetDeleteDelayMs, deleteDelayMs });
});
afterAll(() => t.emulator.close());
beforeEach(() => t.emulator.admin.reset());

async function availableFileSystem(token: string, availabilityZoneName?: string): Promise<string> {
  const created = await t
    .client()
    .send(new CreateFileSystemCommand({ CreationToken: token, AvailabilityZoneName: availabilityZoneName }));
  t.clock.advance(createDelayMs);
  return created.FileSystemId as string;
}

const createMountTarget = (input: CreateMountTargetCommandInput) =>
  t.client().send(new CreateMountTargetCommand(input));
const mountTargetState = async (id: string) =>
  (await t.client().send(new DescribeMountTargetsCommand({ MountTargetId: id }))).MountTargets?.[0]?.LifeCycleState;

describe('CreateMountTarget', () => {
  it('creates a mount target in the subnet’s zone, creating and then available after the delay', async () => {
    const fsId = await availableFileSystem('mt');
    const mt = await createMountTarget({ FileSystemId: fsId, SubnetId: 'subnet-0123abcd1a' });
    expect(mt.$metadata.httpStatusCode).toBe(200);
    expect(mt).toMatchObject({
      OwnerId: '123456789012',
      FileSystemId: fsId,
      SubnetId: 'subnet-0123abcd1a',
      LifeCycleState: 'creating',
      AvailabilityZoneName: 'us-east-1a',
      AvailabilityZoneId: 'use1-az1',
      VpcId: emulatedVpcId,
      IpAddress: '10.0.0.4',
    });
    expect(mt.MountTargetId).toMatch(/^fsmt-[0-9a-f]{17}$/);
    expect(mt.NetworkInterfaceId).toMatch(/^eni-[0-9a-f]{17}$/);
    const id = mt.MountTargetId as string;
    t.clock.advance(mountTargetCreateDelayMs - 1);
    expect(await mountTargetState(id)).toBe('creating');
    t.clock.advance(1);
    expect(await mountTargetState(id)).toBe('available');
    const fs = (await t.client().send(new DescribeFileSystemsCommand({ FileSystemId: fsId }))).FileSystems?.[0];
    expect(fs?.NumberOfMountTargets).toBe(1);
  });

  it('needs the file system to be available', async () => {
    const created = await t.client().send(new CreateFileSystemCommand({ CreationToken: 'not-yet' }));
    const err = await rejectionOf(createMountTarget({ FileSystemId: created.FileSystemId, SubnetId: 'subnet-a' }));
    expect(err).toBeInstanceOf(IncorrectFileSystemLifeCycleState);
    expect(
      await rejectionOf(createMountTarget({ FileSystemId: 'fs-0123456789abcdef0', SubnetId: 'subnet-a' })),
    ).toBeInstanceOf(FileSystemNotFound);
  });

  it('allows one mount target per Availability Zone (MountTargetConflict), in as many zones as there are', async () => {
    const fsId = await availableFileSystem('per-az');
    await createMountTarget({ FileSystemId: fsId, SubnetId: 'subnet-a' });
    const sameZone = await rejectionOf(createMountTarget({ FileSystemId: fsId, SubnetId: 'subnet-2a' }));
    expect(sameZone).toBeInstanceOf(MountTargetConflict);
    expect((sameZone as unknown as MountTargetConflict).$metadata.httpStatusCode).toBe(409);
    const other = await createMountTarget({ FileSystemId: fsId, SubnetId: 'subnet-b' });
    expect(other).toMatchObject({
      AvailabilityZoneName: 'us-east-1b',
      AvailabilityZoneId: 'use1-az2',
      IpAddress: '10.0.1.4',
    });
  });

  it('a One Zone file system takes one mount target, in its own zone (AvailabilityZonesMismatch elsewhere)', async () => {
    const fsId = await availableFileSystem('one-zone', 'us-east-1c');
    expect(await rejectionOf(createMountTarget({ FileSystemId: fsId, SubnetId: 'subnet-a' }))).toBeInstanceOf(
      AvailabilityZonesMismatch,
    );
    const mt = await createMountTarget({ FileSystemId: fsId, SubnetId: 'subnet-c' });
    expect(mt.AvailabilityZoneName).toBe('us-east-1c');
    expect(await rejectionOf(createMountTarget({ FileSystemId: fsId, SubnetId: 'subnet-9c' }))).toBeInstanceOf(
      MountTargetConflict,
    );
  });

  it('a subnet id outside the fake model is SubnetNotFound (400)', async () => {
    const fsId = await availableFileSystem('bad-subnet');
    const err = await rejectionOf(createMountTarget({ FileSystemId: fsId, SubnetId: 'vpc-12345678' }));
    expect(err).toBeInstanceOf(SubnetNotFound);
    expect((err as unknown as SubnetNotFound).$metadata.httpStatusCode).toBe(400);
  });

  it('assigns free addresses, takes a requested one, and refuses one in use or outside the subnet', async () => {
    const first = await availableFileSystem('ip-1');
    const second = await availableFileSystem('ip-2');
    await createMountTarget({ FileSystemId: first, SubnetId: 'subnet-a', IpAddress: '10.0.0.4' });
    const auto = await createMountTarget({ FileSystemId: second, SubnetId: 'subnet-1a' });
    expect(auto.IpAddress).toBe('10.0.0.5');
    const third = await availableFileSystem('ip-3');
    expect(
      await rejectionOf(createMountTarget({ FileSystemId: third, SubnetId: 'subnet-a', IpAddress: '10.0.0.5' })),
    ).toBeInstanceOf(IpAddressInUse);
    const outside = await rejectionOf(
      createMountTarget({ FileSystemId: third, SubnetId: 'subnet-a', IpAddress: '10.0.1.9' }),
    );
    expect(outside).toBeInstanceOf(BadRequest);
    expect(outside.message).toMatch(/not a usable address of subnet 'subnet-a' \(10\.0\.0\.0\/24\)/);
    expect(
      (await createMountTarget({ FileSystemId: third, SubnetId: 'subnet-a', IpAddress: '10.0.0.200' })).IpAddress,
    ).toBe('10.0.0.200');
  });

  it('IPv6 is BadRequest: the fake subnets are IPv4 only', async () => {
    const fsId = await availableFileSystem('ipv6');
    expect(
      await rejectionOf(createMountTarget({ FileSystemId: fsId, SubnetId: 'subnet-a', IpAddressType: 'DUAL_STACK' })),
    ).toBeInstanceOf(BadRequest);
  });

  it('checks security groups: at most five, each an sg- id; the VPC default when none are given', async () => {
    const fsId = await availableFileSystem('sgs');
    const six = ['sg-1', 'sg-2', 'sg-3', 'sg-4', 'sg-5', 'sg-6'];
    expect(
      await rejectionOf(createMountTarget({ FileSystemId: fsId, SubnetId: 'subnet-a', SecurityGroups: six })),
    ).toBeInstanceOf(SecurityGroupLimitExceeded);
    expect(
      await rejectionOf(createMountTarget({ FileSystemId: fsId, SubnetId: 'subnet-a', SecurityGroups: ['web'] })),
    ).toBeInstanceOf(SecurityGroupNotFound);
    const mt = await createMountTarget({ FileSystemId: fsId, SubnetId: 'subnet-a' });
    const groups = await t
      .client()
      .send(new DescribeMountTargetSecurityGroupsCommand({ MountTargetId: mt.MountTargetId }));
    expect(groups.SecurityGroups).toEqual([defaultSecurityGroupId]);
  });
});

describe('security groups of a mount target', () => {
  it('modifies them once the mount target is available (IncorrectMountTargetState before), answering 204', async () => {
    const fsId = await availableFileSystem('modify');
    const mt = await createMountTarget({ FileSystemId: fsId, SubnetId: 'subnet-a', SecurityGroups: ['sg-aaa'] });
    const id = mt.MountTargetId as string;
    const early = await rejectionOf(
      t.client().send(new ModifyMountTargetSecurityGroupsCommand({ MountTargetId: id, SecurityGroups: ['sg-bbb'] })),
    );
    expect(early).toBeInstanceOf(IncorrectMountTargetState);
    t.clock.advance(mountTargetCreateDelayMs);
    const modified = await t
      .client()
      .send(new ModifyMountTargetSecurityGroupsCommand({ MountTargetId: id, SecurityGroups: ['sg-bbb', 'sg-ccc'] }));
    expect(modified.$metadata.httpStatusCode).toBe(204);
    expect(
      (await t.client().send(new DescribeMountTargetSecurityGroupsCommand({ MountTargetId: id }))).SecurityGroups,
    ).toEqual(['sg-bbb', 'sg-ccc']);
    expect(
      await rejectionOf(
        t.client().send(new ModifyMountTargetSecurityGroupsCommand({ MountTargetId: id, SecurityGroups: [] })),
      ),
    ).toBeInstanceOf(BadRequest);
    expect(
      await rejectionOf(
        t.client().send(new DescribeMountTargetSecurityGroupsCommand({ MountTargetId: 'fsmt-0123456789abcdef0' })),
      ),
    ).toBeInstanceOf(MountTargetNotFound);
  });
});

describe('DescribeMountTargets', () => {
  it('needs exactly one of FileSystemId, MountTargetId and AccessPointId', async () => {
    const fsId = await availableFileSystem('exactly-one');
    const mt = await createMountTarget({ FileSystemId: fsId, SubnetId: 'subnet-a' });
    const client = t.client();
    expect((await rejectionOf(client.send(new DescribeMountTargetsCommand({})))).message).toBe(
      'Specify exactly one of FileSystemId, MountTargetId or AccessPointId',
    );
    expect(
      await rejectionOf(
        client.send(new DescribeMountTargetsCommand({ FileSystemId: fsId, MountTargetId: mt.MountTargetId })),
      ),
    ).toBeInstanceOf(BadRequest);
    expect(
      await rejectionOf(
        client.send(
          new DescribeMountTargetsCommand({
            FileSystemId: fsId,
            MountTargetId: mt.MountTargetId,
            AccessPointId: 'fsap-0123456789abcdef0',
          }),
        ),
      ),
    ).toBeInstanceOf(BadRequest);
  });

  it('finds by file system, mount target or access point; unknown ids are the matching NotFound', async () => {
    const fsId = await availableFileSystem('finders');
    const mt = await createMountTarget({ FileSystemId: fsId, SubnetId: 'subnet-a' });
    const ap = await t.client().send(new CreateAccessPointCommand({ FileSystemId: fsId }));
    const client = t.client();
    for (const query of [
      { FileSystemId: fsId },
      { MountTargetId: mt.MountTargetId },
      { AccessPointId: ap.AccessPointId },
    ]) {
      const found = await client.send(new DescribeMountTargetsCommand(query));
      expect(found.MountTargets?.map((m) => m.MountTargetId)).toEqual([mt.MountTargetId]);
    }
    expect(
      await rejectionOf(client.send(new DescribeMountTargetsCommand({ MountTargetId: 'fsmt-0123456789abcdef0' }))),
    ).toBeInstanceOf(MountTargetNotFound);
    expect(
      await rejectionOf(client.send(new DescribeMountTargetsCommand({ AccessPointId: 'fsap-0123456789abcdef0' }))),
    ).toBeInstanceOf(AccessPointNotFound);
    expect(
      await rejectionOf(client.send(new DescribeMountTargetsCommand({ FileSystemId: 'fs-0123456789abcdef0' }))),
    ).toBeInstanceOf(FileSystemNotFound);
  });

  it('returns 10 per page by default and pages with NextMarker', async () => {
    const fsId = await availableFileSystem('eleven');
    const ids: string[] = [];
    for (const zone of 'abcdefghijk')
      ids.push((await createMountTarget({ FileSystemId: fsId, SubnetId: `subnet-${zone}` })).MountTargetId as string);
    const client = t.client();
    const first = await client.send(new DescribeMountTargetsCommand({ FileSystemId: fsId }));
    expect(first.MountTargets?.map((m) => m.MountTargetId)).toEqual(ids.slice(0, 10));
    const second = await client.send(new DescribeMountTargetsCommand({ FileSystemId: fsId, Marker: first.NextMarker }));
    expect(second.Marker).toBe(first.NextMarker);
    expect(second.MountTargets?.map((m) => m.MountTargetId)).toEqual(ids.slice(10));
    expect(second.NextMarker).toBeUndefined();
  });
});

describe('DeleteMountTarget and FileSystemInUse', () => {
  it('a file system cannot be deleted while it has mount targets, including deleting ones', async () => {
    const fsId = await availableFileSystem('in-use');
    const mt = await createMountTarget({ FileSystemId: fsId, SubnetId: 'subnet-a' });
    const id = mt.MountTargetId as string;
    const inUse = await rejectionOf(t.client().send(new DeleteFileSystemCommand({ FileSystemId: fsId })));
    expect(inUse).toBeInstanceOf(FileSystemInUse);
    expect((inUse as unknown as FileSystemInUse).$metadata.httpStatusCode).toBe(409);

    const deleted = await t.client().send(new DeleteMountTargetCommand({ MountTargetId: id }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    expect(await mountTargetState(id)).toBe('deleting');
    expect(await rejectionOf(t.client().send(new DeleteFileSystemCommand({ FileSystemId: fsId })))).toBeInstanceOf(
      FileSystemInUse,
    );

    t.clock.advance(mountTargetDeleteDelayMs);
    expect(await rejectionOf(mountTargetState(id))).toBeInstanceOf(MountTargetNotFound);
    expect(await rejectionOf(t.client().send(new DeleteMountTargetCommand({ MountTargetId: id })))).toBeInstanceOf(
      MountTargetNotFound,
    );
    await t.client().send(new DeleteFileSystemCommand({ FileSystemId: fsId }));
    t.clock.advance(deleteDelayMs);
    expect(await rejectionOf(t.client().send(new DescribeFileSystemsCommand({ FileSystemId: fsId })))).toBeInstanceOf(
      FileSystemNotFound,
    );
  });

  it('a freed zone and address can be used again once the old mount target is gone', async () => {
    const fsId = await availableFileSystem('reuse');
    const mt = await createMountTarget({ FileSystemId: fsId, SubnetId: 'subnet-a' });
    await t.client().send(new DeleteMountTargetCommand({ MountTargetId: mt.MountTargetId }));
    expect(await rejectionOf(createMountTarget({ FileSystemId: fsId, SubnetId: 'subnet-a' }))).toBeInstanceOf(
      MountTargetConflict,
    );
    t.clock.advance(mountTargetDeleteDelayMs);
    expect((await createMountTarget({ FileSystemId: fsId, SubnetId: 'subnet-a' })).IpAddress).toBe(mt.IpAddress);
  });

  it('the admin API can force a mount target’s state', async () => {
    const fsId = await availableFileSystem('forced');
    const mt = await createMountTarget({ FileSystemId: fsId, SubnetId: 'subnet-a' });
    await t.emulator.admin.setMountTargetState(mt.MountTargetId as string, 'error');
    t.clock.advance(mountTargetCreateDelayMs * 10);
    expect(await mountTargetState(mt.MountTargetId as string)).toBe('error');
    const listed = await t.emulator.admin.mountTargets();
    expect(listed.map((m) => [m.MountTargetId, m.LifeCycleState])).toEqual([[mt.MountTargetId, 'error']]);
  });
});
