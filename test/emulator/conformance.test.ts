/**
 * Conformance: the same cases against the emulator and against moto's server, an EFS
 * implementation nobody here wrote, for the operations moto implements. Where moto departs from
 * AWS's documented behaviour, the emulator is held to AWS and the expectation for moto is written
 * down next to it (`expected[target]`), with the reason; nothing is skipped.
 *
 * Replication (Create/Delete/DescribeReplicationConfigurations) has no case here: moto does not
 * implement it (its server answers HTTP 500 NotImplementedError), so there is nothing to compare
 * with. The emulator's replication follows AWS's documented rules and is tested on its own in
 * replication.test.ts.
 *
 * The emulator runs here with every lifecycle delay at 0: a new resource answers `creating` (as
 * AWS does) and is `available` on the next read, so both targets can share the same steps.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  AccessPointNotFound,
  BadRequest,
  CreateAccessPointCommand,
  CreateFileSystemCommand,
  CreateMountTargetCommand,
  DeleteAccessPointCommand,
  DeleteFileSystemCommand,
  DeleteMountTargetCommand,
  DescribeAccessPointsCommand,
  DescribeBackupPolicyCommand,
  DescribeFileSystemPolicyCommand,
  DescribeFileSystemsCommand,
  DescribeLifecycleConfigurationCommand,
  DescribeMountTargetSecurityGroupsCommand,
  DescribeMountTargetsCommand,
  type EFSClient,
  FileSystemAlreadyExists,
  FileSystemInUse,
  FileSystemNotFound,
  InvalidPolicyException,
  ListTagsForResourceCommand,
  ModifyMountTargetSecurityGroupsCommand,
  MountTargetConflict,
  MountTargetNotFound,
  PolicyNotFound,
  PutFileSystemPolicyCommand,
  PutLifecycleConfigurationCommand,
  SubnetNotFound,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-efs';
import { type RunningEmulator, startEmulator } from '../../dev/emulator/server';
import { efsClient, quietLog, rejectionOf } from './support/emulator';
import { type MotoServer, type Subnet, motoDefaultSecurityGroup, motoDefaultSubnets, startMoto } from './support/moto';

type TargetName = 'emulator' | 'moto';

interface Target {
  name: TargetName;
  url: string;
  reset(): Promise<void>;
  /** Subnets of one VPC in different Availability Zones, sorted by zone. */
  subnets(): Promise<Subnet[]>;
  /** A security group that exists in that VPC. */
  securityGroup(): Promise<string>;
}

/** What each target is expected to do where moto differs from AWS. The emulator column is AWS's documented behaviour. */
const expected: Record<
  TargetName,
  {
    /** AWS returns new file systems, mount targets and access points `creating`; moto creates them `available`. */
    stateAfterCreate: string;
    /** AWS's FileSystemAlreadyExists carries the FileSystemId; moto's body has no FileSystemId (callers fall back to DescribeFileSystems). */
    alreadyExistsCarriesId: boolean;
    /** DescribeFileSystems without MaxItems: AWS pages by 100; moto by 10. */
    defaultFileSystemsPage: number;
    /** AWS validates CreationToken as 1-64 characters; moto accepts longer tokens. */
    rejectsLongToken: boolean;
    /** AWS answers SubnetNotFound with 400; moto with 404. */
    subnetNotFoundStatus: number;
    /** AWS answers DeleteAccessPoint of an unknown id with AccessPointNotFound; moto succeeds. */
    deleteUnknownAccessPointFails: boolean;
    /** AWS checks a file system policy against the IAM grammar (InvalidPolicyException); moto stores any JSON. */
    refusesMalformedPolicy: boolean;
    /** AWS refuses a lifecycle configuration that sets one transition twice (BadRequest); moto stores it. */
    refusesRepeatedTransition: boolean;
  }
> = {
  emulator: {
    stateAfterCreate: 'creating',
    alreadyExistsCarriesId: true,
    defaultFileSystemsPage: 100,
    rejectsLongToken: true,
    subnetNotFoundStatus: 400,
    deleteUnknownAccessPointFails: true,
    refusesMalformedPolicy: true,
    refusesRepeatedTransition: true,
  },
  moto: {
    stateAfterCreate: 'available',
    alreadyExistsCarriesId: false,
    defaultFileSystemsPage: 10,
    rejectsLongToken: false,
    subnetNotFoundStatus: 404,
    deleteUnknownAccessPointFails: false,
    refusesMalformedPolicy: false,
    refusesRepeatedTransition: false,
  },
};

let emulator: RunningEmulator;
let moto: MotoServer;

beforeAll(async () => {
  emulator = await startEmulator({
    createDelayMs: 0,
    updateDelayMs: 0,
    deleteDelayMs: 0,
    mountTargetCreateDelayMs: 0,
    mountTargetDeleteDelayMs: 0,
    log: quietLog,
  });
  // The first run installs moto into the stack's virtualenv (about a minute).
  moto = await startMoto();
}, 600_000);

afterAll(async () => {
  await emulator?.close();
  await moto?.stop();
});

const targets: Target[] = [
  {
    name: 'emulator',
    get url() {
      return emulator.url;
    },
    reset: () => emulator.admin.reset(),
    // The emulator's fake networking: the last letter of a subnet id names its zone (dev/emulator/network.ts).
    subnets: async () => ['a', 'b', 'c'].map((zone) => ({ id: `subnet-0c0ffee${zone}`, zone: `us-east-1${zone}` })),
    securityGroup: async () => 'sg-0c0ffee0000000001',
  },
  {
    name: 'moto',
    get url() {
      return moto.url;
    },
    reset: () => moto.reset(),
    subnets: () => motoDefaultSubnets(moto.url),
    securityGroup: () => motoDefaultSecurityGroup(moto.url),
  },
];

/** Polls until `check` stops throwing (or returns true), for the resources that settle after a read. */
async function eventually(check: () => Promise<unknown>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await check()) !== false) return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(targets)('EFS conformance: $name', (target) => {
  const expect_ = expected[target.name];
  let client: EFSClient;
  beforeEach(async () => {
    await target.reset();
    client = efsClient(target.url);
  });

  const createAvailable = async (token: string, extra: Record<string, unknown> = {}): Promise<string> => {
    const created = await client.send(new CreateFileSystemCommand({ CreationToken: token, ...extra }));
    const id = created.FileSystemId as string;
    await eventually(
      async () =>
        (await client.send(new DescribeFileSystemsCommand({ FileSystemId: id }))).FileSystems?.[0]?.LifeCycleState ===
        'available',
    );
    return id;
  };

  describe('file systems', () => {
    it(`CreateFileSystem returns the description with the defaults (state: ${expect_.stateAfterCreate})`, async () => {
      const created = await client.send(
        new CreateFileSystemCommand({ CreationToken: 'conf-create', Tags: [{ Key: 'Name', Value: 'conf' }] }),
      );
      expect(created.$metadata.httpStatusCode).toBe(201);
      expect(created.FileSystemId).toMatch(/^fs-[0-9a-f]{8,40}$/);
      expect(created).toMatchObject({
        OwnerId: '123456789012',
        CreationToken: 'conf-create',
        PerformanceMode: 'generalPurpose',
        ThroughputMode: 'bursting',
        Encrypted: false,
        NumberOfMountTargets: 0,
        Name: 'conf',
        Tags: [{ Key: 'Name', Value: 'conf' }],
        LifeCycleState: expect_.stateAfterCreate,
      });
      expect(created.FileSystemArn).toBe(
        `arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/${created.FileSystemId}`,
      );
      expect(created.CreationTime).toBeInstanceOf(Date);
    });

    it('DescribeFileSystems finds by id and by token; an unknown id is FileSystemNotFound (404), an unknown token an empty list', async () => {
      const id = await createAvailable('conf-find');
      expect(
        (await client.send(new DescribeFileSystemsCommand({ FileSystemId: id }))).FileSystems?.map(
          (f) => f.FileSystemId,
        ),
      ).toEqual([id]);
      expect(
        (await client.send(new DescribeFileSystemsCommand({ CreationToken: 'conf-find' }))).FileSystems?.map(
          (f) => f.FileSystemId,
        ),
      ).toEqual([id]);
      expect((await client.send(new DescribeFileSystemsCommand({ CreationToken: 'conf-nobody' }))).FileSystems).toEqual(
        [],
      );
      const missing = await rejectionOf(
        client.send(new DescribeFileSystemsCommand({ FileSystemId: 'fs-0123456789abcdef0' })),
      );
      expect(missing).toBeInstanceOf(FileSystemNotFound);
      expect((missing as unknown as FileSystemNotFound).$metadata.httpStatusCode).toBe(404);
    });

    it(`a repeated creation token is FileSystemAlreadyExists (409)${expect_.alreadyExistsCarriesId ? ' carrying the FileSystemId' : ' without a FileSystemId (moto)'}`, async () => {
      const created = await client.send(new CreateFileSystemCommand({ CreationToken: 'conf-dup' }));
      const err = await rejectionOf(client.send(new CreateFileSystemCommand({ CreationToken: 'conf-dup' })));
      expect(err).toBeInstanceOf(FileSystemAlreadyExists);
      expect((err as unknown as FileSystemAlreadyExists).$metadata.httpStatusCode).toBe(409);
      expect((err as unknown as FileSystemAlreadyExists).FileSystemId).toBe(
        expect_.alreadyExistsCarriesId ? created.FileSystemId : undefined,
      );
      expect(
        (await client.send(new DescribeFileSystemsCommand({ CreationToken: 'conf-dup' }))).FileSystems,
      ).toHaveLength(1);
    });

    it('DeleteFileSystem answers 204; once the file system is gone its token is free again', async () => {
      const id = await createAvailable('conf-delete');
      expect((await client.send(new DeleteFileSystemCommand({ FileSystemId: id }))).$metadata.httpStatusCode).toBe(204);
      await eventually(async () =>
        expect(await rejectionOf(client.send(new DescribeFileSystemsCommand({ FileSystemId: id })))).toBeInstanceOf(
          FileSystemNotFound,
        ),
      );
      const again = await client.send(new CreateFileSystemCommand({ CreationToken: 'conf-delete' }));
      expect(again.FileSystemId).not.toBe(id);
    });

    it('KmsKeyId without Encrypted is BadRequest', async () => {
      const err = await rejectionOf(
        client.send(new CreateFileSystemCommand({ CreationToken: 'conf-kms', KmsKeyId: 'alias/mine' })),
      );
      expect(err).toBeInstanceOf(BadRequest);
    });

    it(`a 65-character creation token is ${expect_.rejectsLongToken ? 'BadRequest' : 'accepted (moto does not validate its length)'}`, async () => {
      const attempt = client.send(new CreateFileSystemCommand({ CreationToken: 'x'.repeat(65) }));
      if (expect_.rejectsLongToken) expect(await rejectionOf(attempt)).toBeInstanceOf(BadRequest);
      else expect((await attempt).CreationToken).toBe('x'.repeat(65));
    });

    it(`DescribeFileSystems pages by ${expect_.defaultFileSystemsPage} by default and every page can be followed with MaxItems and NextMarker`, async () => {
      const ids: string[] = [];
      for (let i = 0; i < 12; i++)
        ids.push(
          (await client.send(new CreateFileSystemCommand({ CreationToken: `conf-page-${i}` }))).FileSystemId as string,
        );
      const firstDefault = await client.send(new DescribeFileSystemsCommand({}));
      expect(firstDefault.FileSystems).toHaveLength(Math.min(12, expect_.defaultFileSystemsPage));
      expect(firstDefault.NextMarker !== undefined).toBe(expect_.defaultFileSystemsPage < 12);

      const seen: string[] = [];
      let marker: string | undefined;
      do {
        const page = await client.send(new DescribeFileSystemsCommand({ MaxItems: 5, Marker: marker }));
        expect(page.FileSystems?.length).toBeLessThanOrEqual(5);
        seen.push(...(page.FileSystems ?? []).map((f) => f.FileSystemId as string));
        marker = page.NextMarker;
      } while (marker !== undefined);
      expect([...seen].sort()).toEqual([...ids].sort());
    });
  });

  describe('tags', () => {
    it('TagResource, ListTagsForResource and UntagResource with several keys', async () => {
      const id = await createAvailable('conf-tags');
      await client.send(
        new TagResourceCommand({ ResourceId: id, Tags: ['a', 'b', 'c'].map((k) => ({ Key: k, Value: `v${k}` })) }),
      );
      const listed = await client.send(new ListTagsForResourceCommand({ ResourceId: id }));
      expect(listed.Tags).toEqual(
        expect.arrayContaining([
          { Key: 'a', Value: 'va' },
          { Key: 'b', Value: 'vb' },
          { Key: 'c', Value: 'vc' },
        ]),
      );
      expect(listed.Tags).toHaveLength(3);
      await client.send(new UntagResourceCommand({ ResourceId: id, TagKeys: ['a', 'c'] }));
      expect((await client.send(new ListTagsForResourceCommand({ ResourceId: id }))).Tags).toEqual([
        { Key: 'b', Value: 'vb' },
      ]);
    });
  });

  describe('mount targets', () => {
    it(`CreateMountTarget (state: ${expect_.stateAfterCreate}), DescribeMountTargets by file system and by id, one per zone`, async () => {
      const [first, second] = await target.subnets();
      const id = await createAvailable('conf-mt');
      const mt = await client.send(new CreateMountTargetCommand({ FileSystemId: id, SubnetId: first?.id }));
      expect(mt).toMatchObject({
        FileSystemId: id,
        SubnetId: first?.id,
        AvailabilityZoneName: first?.zone,
        LifeCycleState: expect_.stateAfterCreate,
      });
      expect(mt.MountTargetId).toMatch(/^fsmt-[0-9a-f]{8,40}$/);
      expect(mt.IpAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      const byFileSystem = await client.send(new DescribeMountTargetsCommand({ FileSystemId: id }));
      expect(byFileSystem.MountTargets?.map((m) => m.MountTargetId)).toEqual([mt.MountTargetId]);
      const byId = await client.send(new DescribeMountTargetsCommand({ MountTargetId: mt.MountTargetId }));
      expect(byId.MountTargets?.[0]?.SubnetId).toBe(first?.id);

      const sameZone = await rejectionOf(
        client.send(new CreateMountTargetCommand({ FileSystemId: id, SubnetId: first?.id })),
      );
      expect(sameZone).toBeInstanceOf(MountTargetConflict);
      const other = await client.send(new CreateMountTargetCommand({ FileSystemId: id, SubnetId: second?.id }));
      expect(other.AvailabilityZoneName).toBe(second?.zone);
    });

    it('DescribeMountTargets needs one of its ids (BadRequest without, or with two); unknown ids are NotFound', async () => {
      const [subnet] = await target.subnets();
      const id = await createAvailable('conf-mt-query');
      const mt = await client.send(new CreateMountTargetCommand({ FileSystemId: id, SubnetId: subnet?.id }));
      expect(await rejectionOf(client.send(new DescribeMountTargetsCommand({})))).toBeInstanceOf(BadRequest);
      expect(
        await rejectionOf(
          client.send(new DescribeMountTargetsCommand({ FileSystemId: id, MountTargetId: mt.MountTargetId })),
        ),
      ).toBeInstanceOf(BadRequest);
      expect(
        await rejectionOf(client.send(new DescribeMountTargetsCommand({ MountTargetId: 'fsmt-0123456789abcdef0' }))),
      ).toBeInstanceOf(MountTargetNotFound);
      expect(
        await rejectionOf(client.send(new DescribeMountTargetsCommand({ FileSystemId: 'fs-0123456789abcdef0' }))),
      ).toBeInstanceOf(FileSystemNotFound);
    });

    it(`an unknown subnet is SubnetNotFound (${expect_.subnetNotFoundStatus})`, async () => {
      const id = await createAvailable('conf-subnet');
      const err = await rejectionOf(
        client.send(new CreateMountTargetCommand({ FileSystemId: id, SubnetId: 'subnet_does_not_exist' })),
      );
      expect(err).toBeInstanceOf(SubnetNotFound);
      expect((err as unknown as SubnetNotFound).$metadata.httpStatusCode).toBe(expect_.subnetNotFoundStatus);
    });

    it('security groups are described and modified', async () => {
      const [subnet] = await target.subnets();
      const group = await target.securityGroup();
      const id = await createAvailable('conf-sg');
      const mt = await client.send(
        new CreateMountTargetCommand({ FileSystemId: id, SubnetId: subnet?.id, SecurityGroups: [group] }),
      );
      const mtId = mt.MountTargetId as string;
      expect(
        (await client.send(new DescribeMountTargetSecurityGroupsCommand({ MountTargetId: mtId }))).SecurityGroups,
      ).toEqual([group]);
      await eventually(
        async () =>
          (await client.send(new DescribeMountTargetsCommand({ MountTargetId: mtId }))).MountTargets?.[0]
            ?.LifeCycleState === 'available',
      );
      await client.send(new ModifyMountTargetSecurityGroupsCommand({ MountTargetId: mtId, SecurityGroups: [group] }));
      expect(
        (await client.send(new DescribeMountTargetSecurityGroupsCommand({ MountTargetId: mtId }))).SecurityGroups,
      ).toEqual([group]);
    });

    it('a file system with a mount target is FileSystemInUse (409); after the mount target is gone it can be deleted', async () => {
      const [subnet] = await target.subnets();
      const id = await createAvailable('conf-in-use');
      const mt = await client.send(new CreateMountTargetCommand({ FileSystemId: id, SubnetId: subnet?.id }));
      const inUse = await rejectionOf(client.send(new DeleteFileSystemCommand({ FileSystemId: id })));
      expect(inUse).toBeInstanceOf(FileSystemInUse);
      expect((inUse as unknown as FileSystemInUse).$metadata.httpStatusCode).toBe(409);
      await client.send(new DeleteMountTargetCommand({ MountTargetId: mt.MountTargetId }));
      await eventually(async () =>
        expect(
          await rejectionOf(client.send(new DescribeMountTargetsCommand({ MountTargetId: mt.MountTargetId }))),
        ).toBeInstanceOf(MountTargetNotFound),
      );
      expect((await client.send(new DeleteFileSystemCommand({ FileSystemId: id }))).$metadata.httpStatusCode).toBe(204);
    });
  });

  describe('access points', () => {
    it(`create (state: ${expect_.stateAfterCreate}), describe by id and by file system, delete`, async () => {
      const id = await createAvailable('conf-ap');
      const ap = await client.send(
        new CreateAccessPointCommand({
          FileSystemId: id,
          ClientToken: 'conf-ap-1',
          PosixUser: { Uid: 1000, Gid: 1000 },
          RootDirectory: { Path: '/data' },
        }),
      );
      expect(ap).toMatchObject({
        FileSystemId: id,
        ClientToken: 'conf-ap-1',
        PosixUser: { Uid: 1000, Gid: 1000 },
        LifeCycleState: expect_.stateAfterCreate,
      });
      expect(ap.AccessPointId).toMatch(/^fsap-[0-9a-f]{8,40}$/);
      expect(ap.RootDirectory?.Path).toBe('/data');
      expect(
        (await client.send(new DescribeAccessPointsCommand({ AccessPointId: ap.AccessPointId }))).AccessPoints?.[0]
          ?.AccessPointId,
      ).toBe(ap.AccessPointId);
      expect(
        (await client.send(new DescribeAccessPointsCommand({ FileSystemId: id }))).AccessPoints?.map(
          (a) => a.AccessPointId,
        ),
      ).toEqual([ap.AccessPointId]);
      await client.send(new DeleteAccessPointCommand({ AccessPointId: ap.AccessPointId }));
      expect(
        await rejectionOf(client.send(new DescribeAccessPointsCommand({ AccessPointId: ap.AccessPointId }))),
      ).toBeInstanceOf(AccessPointNotFound);
    });

    it(`deleting an unknown access point ${expect_.deleteUnknownAccessPointFails ? 'is AccessPointNotFound' : 'succeeds (moto does not check)'}`, async () => {
      const attempt = client.send(new DeleteAccessPointCommand({ AccessPointId: 'fsap-0123456789abcdef0' }));
      if (expect_.deleteUnknownAccessPointFails) expect(await rejectionOf(attempt)).toBeInstanceOf(AccessPointNotFound);
      else await attempt;
    });
  });

  describe('file system settings', () => {
    it('lifecycle configuration: empty, put, described, removed by an empty list', async () => {
      const id = await createAvailable('conf-lc');
      expect(
        (await client.send(new DescribeLifecycleConfigurationCommand({ FileSystemId: id }))).LifecyclePolicies,
      ).toEqual([]);
      const policies = [{ TransitionToIA: 'AFTER_30_DAYS' as const }];
      expect(
        (await client.send(new PutLifecycleConfigurationCommand({ FileSystemId: id, LifecyclePolicies: policies })))
          .LifecyclePolicies,
      ).toEqual(policies);
      expect(
        (await client.send(new DescribeLifecycleConfigurationCommand({ FileSystemId: id }))).LifecyclePolicies,
      ).toEqual(policies);
      await client.send(new PutLifecycleConfigurationCommand({ FileSystemId: id, LifecyclePolicies: [] }));
      expect(
        (await client.send(new DescribeLifecycleConfigurationCommand({ FileSystemId: id }))).LifecyclePolicies,
      ).toEqual([]);
    });

    it('file system policy: PolicyNotFound until put, then described', async () => {
      const id = await createAvailable('conf-policy');
      expect(await rejectionOf(client.send(new DescribeFileSystemPolicyCommand({ FileSystemId: id })))).toBeInstanceOf(
        PolicyNotFound,
      );
      const policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'elasticfilesystem:ClientMount' }],
      });
      await client.send(new PutFileSystemPolicyCommand({ FileSystemId: id, Policy: policy }));
      expect(await client.send(new DescribeFileSystemPolicyCommand({ FileSystemId: id }))).toMatchObject({
        FileSystemId: id,
        Policy: policy,
      });
    });

    it(`a policy statement with Effect "Maybe": ${expect_.refusesMalformedPolicy ? 'InvalidPolicyException' : 'stored'}`, async () => {
      const id = await createAvailable('conf-policy-maybe');
      const policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Maybe', Principal: { AWS: '*' }, Action: 'elasticfilesystem:ClientMount' }],
      });
      const put = client.send(new PutFileSystemPolicyCommand({ FileSystemId: id, Policy: policy }));
      if (expect_.refusesMalformedPolicy) expect(await rejectionOf(put)).toBeInstanceOf(InvalidPolicyException);
      else expect((await put).Policy).toBe(policy);
    });

    it(`TransitionToIA set twice: ${expect_.refusesRepeatedTransition ? 'BadRequest' : 'stored'}`, async () => {
      const id = await createAvailable('conf-lifecycle-twice');
      const policies = [{ TransitionToIA: 'AFTER_30_DAYS' as const }, { TransitionToIA: 'AFTER_60_DAYS' as const }];
      const put = client.send(new PutLifecycleConfigurationCommand({ FileSystemId: id, LifecyclePolicies: policies }));
      if (expect_.refusesRepeatedTransition) expect(await rejectionOf(put)).toBeInstanceOf(BadRequest);
      else expect((await put).LifecyclePolicies).toEqual(policies);
    });

    it('backup policy: ENABLED when created with Backup, PolicyNotFound without', async () => {
      const withBackup = await createAvailable('conf-backup', { Backup: true });
      expect((await client.send(new DescribeBackupPolicyCommand({ FileSystemId: withBackup }))).BackupPolicy).toEqual({
        Status: 'ENABLED',
      });
      const without = await createAvailable('conf-no-backup');
      expect(await rejectionOf(client.send(new DescribeBackupPolicyCommand({ FileSystemId: without })))).toBeInstanceOf(
        PolicyNotFound,
      );
    });
  });
});
