import { randomUUID } from 'node:crypto';
import { EFSClient } from '@aws-sdk/client-efs';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { EmulatorAdminClient } from '../../dev/emulator/admin-client';
import { type AccessPointSpec } from '../../src/api/accesspoint';
import { type FileSystemSpec } from '../../src/api/filesystem';
import { type KindName } from '../../src/api/kinds';
import { type MountTargetSpec } from '../../src/api/mounttarget';
import { EfsGateway } from '../../src/aws/efs';
import { createAccessPointInput, validateAccessPointSpec } from '../../src/domain/accesspoint';
import { createFileSystemInput, ownTags } from '../../src/domain/filesystem';
import { createMountTargetInput, validateMountTargetSpec } from '../../src/domain/mounttarget';
import { planUpdates } from '../../src/domain/plan';
import { type FieldError, validateFileSystemSpec } from '../../src/domain/validate';
import { stackEnv } from '../support/stack-env';
import { type ApiServer, connectApiServer, dryRunCreate } from './apiserver';

/**
 * Generated FileSystem, MountTarget and AccessPoint specs, valid and invalid. For every one, either
 * the API server (a server-side dry-run create against the CRDs) or validation refuses it and no EFS
 * call is made, or the product's own request builders turn it into calls that the EFS emulator, which
 * applies AWS's rules on its own, accepts every one of. Validation must also refuse whatever the API
 * server refuses (it is the only guard when the CRDs are ACK's).
 *
 * EFS_PROPERTY_RUNS (default 500) and EFS_PROPERTY_SEED (default fixed) choose how many cases and
 * which; a failure prints the seed and the path to replay it.
 */
const numRuns = Number(process.env.EFS_PROPERTY_RUNS ?? 500);
const seed = Number(process.env.EFS_PROPERTY_SEED ?? 20261202);
/** A Region of its own, so the emulator's per-Region quotas and listings of other tests are untouched. */
const region = 'eu-west-3';
const zones = ['a', 'b', 'c'];

let server: ApiServer;
let admin: EmulatorAdminClient;
let gateway: EfsGateway;
let calls = 0;
/** The access points' file system, and every file system and mount target this test made. */
let accessPointParent: string;
const fileSystems: string[] = [];
const ipAddressesTaken = new Set<string>();
const tally: Record<string, number> = {};

function efsClient(endpoint: string): EFSClient {
  const client = new EFSClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    // The emulator throttles by rate as AWS does; this test's calls come faster than that, so the
    // client paces itself after a throttle as the SDK's adaptive mode does against AWS.
    retryMode: 'adaptive',
    maxAttempts: 10,
  });
  client.middlewareStack.add(
    (next) => (args) => {
      calls += 1;
      return next(args);
    },
    { step: 'initialize', name: 'callCounter' },
  );
  return client;
}

async function availableFileSystem(spec: FileSystemSpec, meta: { namespace: string; name: string; uid: string }) {
  const input = createFileSystemInput(spec, meta);
  // Available on the next read: no test waits on the emulator's default creation delay.
  await admin.holdInCreating({ creationToken: input.CreationToken ?? '' }, 0);
  const { fileSystem: created } = await gateway.createFileSystem(input);
  const id = created.FileSystemId ?? '';
  fileSystems.push(id);
  for (let i = 0; (await gateway.describeFileSystem(id))?.LifeCycleState !== 'available'; i++) {
    if (i > 200) throw new Error(`file system ${id} did not become available`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return id;
}

const metaOf = (name: string) => ({ namespace: server.namespace, name, uid: randomUUID() });

beforeAll(async () => {
  const env = stackEnv();
  server = await connectApiServer('generated-specs');
  admin = new EmulatorAdminClient(env.EFS_EMULATOR_ADMIN_URL ?? '');
  gateway = new EfsGateway(efsClient(env.AWS_ENDPOINT_URL_EFS ?? ''));
  accessPointParent = await availableFileSystem({}, metaOf('access-points'));
});

afterAll(async () => {
  // Mount targets first (a file system with one cannot be deleted), then the file systems.
  for (const id of fileSystems) {
    for (const mt of await gateway.mountTargets(id)) await gateway.deleteMountTarget(mt.MountTargetId ?? '');
  }
  for (const id of fileSystems) {
    for (let i = 0; (await gateway.mountTargets(id)).length > 0; i++) {
      if (i > 300) throw new Error(`the mount targets of ${id} were not deleted`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await gateway.deleteFileSystem(id);
  }
});

// ---------------------------------------------------------------------------------------------
// Generators: mostly well-formed values, with the mistakes people make mixed in.

const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined, freq: 2 });
const hex = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: min, maxLength: max });
const tagText = fc.string({ unit: fc.constantFrom(...'abcXYZ019 _.:/=+-@é'), minLength: 0, maxLength: 12 });

const tag = fc.record(
  {
    key: fc.oneof(
      { weight: 8, arbitrary: tagText.filter((k) => k.length > 0) },
      fc.constantFrom('', 'aws:owner', 'AWS:x', 'a#b', 'k'.repeat(129)),
    ),
    value: fc.oneof({ weight: 8, arbitrary: tagText }, fc.constantFrom('a;b', 'v'.repeat(257))),
  },
  { requiredKeys: [] },
);
const tags = fc.oneof(
  { weight: 6, arbitrary: fc.array(tag, { maxLength: 4 }) },
  fc.integer({ min: 46, max: 51 }).map((n) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'v' }))),
);

const days = ['AFTER_1_DAY', 'AFTER_7_DAYS', 'AFTER_30_DAYS', 'AFTER_90_DAYS', 'AFTER_365_DAYS'];
const transition = fc.record(
  {
    transitionToIA: fc.constantFrom(...days, '', 'AFTER_2_DAYS'),
    transitionToArchive: fc.constantFrom(...days, ''),
    transitionToPrimaryStorageClass: fc.constantFrom('AFTER_1_ACCESS', '', 'AFTER_30_DAYS'),
  },
  { requiredKeys: [] },
);

const statement = fc.record(
  {
    Sid: fc.constantFrom('s1', 'efs-statement-1', 7, 'a/b'),
    Effect: fc.constantFrom('Allow', 'Deny', 'Allow', 'Maybe'),
    Principal: fc.constantFrom('*', { AWS: '*' }, { AWS: ['arn:aws:iam::123456789012:role/app'] }, { User: 'me' }, {}),
    Action: fc.constantFrom('elasticfilesystem:ClientMount', ['elasticfilesystem:Client*'], '*', [], 'mount'),
    NotAction: fc.constant('*'),
    Resource: fc.constantFrom('*', 'arn:aws:elasticfilesystem:eu-west-3:123456789012:file-system/*', 'fs-1'),
    Condition: fc.constantFrom(
      { Bool: { 'aws:SecureTransport': 'true' } },
      { NumericLessThanIfExists: { 'aws:MultiFactorAuthAge': 3600 } },
      { StringMatches: { k: 'v' } },
      { Bool: 'true' },
    ),
  },
  { requiredKeys: ['Effect', 'Action'] },
);
const policy = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record(
        {
          Version: fc.constantFrom('2012-10-17', '2008-10-17', '2024-01-01'),
          Statement: fc.oneof(fc.array(statement, { maxLength: 3 }), statement),
        },
        { requiredKeys: ['Statement'] },
      )
      .map((doc) => JSON.stringify(doc)),
  },
  fc.constantFrom('{"foo":"bar"}', '{"Statement": ', '[]', 'x'.repeat(20_001)),
);

const fileSystemSpec: fc.Arbitrary<FileSystemSpec> = fc.record(
  {
    performanceMode: fc.constantFrom('generalPurpose', 'maxIO', 'generalPurpose', 'turbo'),
    throughputMode: fc.constantFrom('bursting', 'provisioned', 'elastic', 'elastic', 'burst'),
    provisionedThroughputInMiBps: fc.oneof(
      fc.integer({ min: 1, max: 3414 }),
      fc.double({ min: 1, max: 3414, noNaN: true }),
      fc.constantFrom(0, 3415),
    ),
    encrypted: fc.boolean(),
    kmsKeyID: fc.constantFrom(
      'alias/efs',
      '1234abcd-12ab-34cd-56ef-1234567890ab',
      'arn:aws:kms:eu-west-3:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      'my key',
    ),
    availabilityZoneName: fc.constantFrom(...zones.map((z) => region + z), ''),
    backupPolicy: fc.record({ status: fc.constantFrom('ENABLED', 'DISABLED', 'on') }),
    fileSystemProtection: fc.record({ replicationOverwriteProtection: fc.constantFrom('ENABLED', 'DISABLED', 'ON') }),
    lifecyclePolicies: fc.array(transition, { maxLength: 4 }),
    policy,
    tags,
  },
  { requiredKeys: [] },
);

/** A subnet of the emulator's one VPC: its last letter names the zone, whose addresses are 10.0.<zone>.4-254. */
const subnet = fc.tuple(hex(8, 16), fc.integer({ min: 0, max: zones.length - 1 }));
const mountTargetSpec: fc.Arbitrary<MountTargetSpec> = fc
  .record({
    fileSystemID: maybe(
      fc.constantFrom(
        'fs-0123456789abcdef0',
        'arn:aws:elasticfilesystem:eu-west-3:123456789012:file-system/fs-0123abcd',
        'fs-XYZ',
      ),
    ),
    subnet: fc.oneof({ weight: 8, arbitrary: subnet.map(([id, zone]) => ({ id, zone })) }, fc.constant(undefined)),
    badSubnet: fc.constantFrom(undefined, undefined, undefined, 'subnet-a', 'subnet_0a1b2c3d'),
    securityGroups: maybe(
      fc.array(fc.oneof({ weight: 9, arbitrary: hex(8, 17).map((h) => `sg-${h}`) }, fc.constant('default')), {
        maxLength: 6,
      }),
    ),
    ip: fc.oneof(
      { weight: 3, arbitrary: fc.constant(undefined) },
      { weight: 3, arbitrary: fc.integer({ min: 4, max: 254 }) },
      // Only AWS knows a subnet's range: the valid ones lie in it, the invalid ones are not addresses.
      fc.constantFrom('10.0.0.256', 'fd00::1', '10.0.0'),
    ),
  })
  .map(({ fileSystemID, subnet: sn, badSubnet, securityGroups, ip }) => {
    const spec: MountTargetSpec = {};
    if (fileSystemID) spec.fileSystemID = fileSystemID;
    if (sn) spec.subnetID = badSubnet ?? `subnet-${sn.id}${zones[sn.zone]}`;
    if (securityGroups) spec.securityGroups = securityGroups;
    if (typeof ip === 'number') spec.ipAddress = `10.0.${sn?.zone ?? 0}.${ip}`;
    else if (ip) spec.ipAddress = ip;
    return spec;
  });

const posixId = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 4294967295 }) },
  fc.constantFrom(-1, 4294967296),
);
const pathPart = fc.oneof(
  { weight: 9, arbitrary: fc.string({ unit: fc.constantFrom(...'abz09-_'), minLength: 1, maxLength: 8 }) },
  fc.constantFrom('.git', 'a;b', 'x*'),
);
const accessPointSpec = (fileSystemId: () => string): fc.Arbitrary<AccessPointSpec> =>
  fc
    .record(
      {
        fileSystemID: fc.oneof({ weight: 9, arbitrary: fc.constant('parent') }, fc.constant('fs-XYZ')),
        posixUser: fc.record(
          { uid: posixId, gid: posixId, secondaryGIDs: fc.array(posixId, { maxLength: 17 }) },
          { requiredKeys: ['uid'] },
        ),
        rootDirectory: fc.record(
          {
            path: fc.oneof(
              { weight: 9, arbitrary: fc.array(pathPart, { maxLength: 5 }).map((parts) => `/${parts.join('/')}`) },
              fc.constantFrom('data', `/${'p'.repeat(100)}`),
            ),
            creationInfo: fc.record(
              {
                ownerUID: posixId,
                ownerGID: posixId,
                permissions: fc.constantFrom('755', '0750', '700', '999', '75'),
              },
              { requiredKeys: ['permissions'] },
            ),
          },
          { requiredKeys: [] },
        ),
        tags: fc.array(tag, { maxLength: 3 }),
      },
      { requiredKeys: [] },
    )
    .map((spec) => (spec.fileSystemID === 'parent' ? { ...spec, fileSystemID: fileSystemId() } : spec));

type Case =
  | { kind: 'FileSystem'; spec: FileSystemSpec }
  | { kind: 'MountTarget'; spec: MountTargetSpec }
  | { kind: 'AccessPoint'; spec: AccessPointSpec };

/*
 * The same fields with well-formed values only, and the combinations the rules forbid taken apart
 * again: half of the cases, so that the accepted side of the property sees every field too.
 */
const validTag = fc.record({ key: tagText.filter((k) => k.length > 0 && !/^aws:/i.test(k)), value: tagText });
const validTags = fc.uniqueArray(validTag, { maxLength: 4, selector: (t) => t.key });
const validStatement = fc.record(
  {
    Sid: fc.constantFrom('s1', 'efs-statement-1'),
    Effect: fc.constantFrom('Allow', 'Deny'),
    Principal: fc.constantFrom('*', { AWS: '*' }, { AWS: ['arn:aws:iam::123456789012:role/app'] }),
    Action: fc.constantFrom('elasticfilesystem:ClientMount', ['elasticfilesystem:Client*'], '*'),
    Resource: fc.constantFrom('*', 'arn:aws:elasticfilesystem:eu-west-3:123456789012:file-system/*'),
    Condition: fc.constantFrom(
      { Bool: { 'aws:SecureTransport': 'true' } },
      { NumericLessThanIfExists: { 'aws:MultiFactorAuthAge': 3600 } },
    ),
  },
  { requiredKeys: ['Effect', 'Action'] },
);
const dayCount = (value: string | undefined): number => Number(/^AFTER_(\d+)_DAYS?$/.exec(value ?? '')?.[1] ?? 0);
const validFileSystemSpec: fc.Arbitrary<FileSystemSpec> = fc
  .record(
    {
      performanceMode: fc.constantFrom('generalPurpose', 'maxIO'),
      throughputMode: fc.constantFrom('bursting', 'provisioned', 'elastic'),
      provisionedThroughputInMiBps: fc.integer({ min: 1, max: 3414 }),
      encrypted: fc.boolean(),
      kmsKeyID: fc.constantFrom('alias/efs', '1234abcd-12ab-34cd-56ef-1234567890ab'),
      availabilityZoneName: fc.constantFrom(...zones.map((z) => region + z)),
      backupPolicy: fc.record({ status: fc.constantFrom('ENABLED', 'DISABLED') }),
      fileSystemProtection: fc.record({ replicationOverwriteProtection: fc.constantFrom('ENABLED', 'DISABLED') }),
      toIA: fc.constantFrom(...days),
      toArchive: fc.constantFrom(...days),
      toPrimary: fc.boolean(),
      policy: fc
        .array(validStatement, { maxLength: 3 })
        .map((Statement) =>
          JSON.stringify({ Version: '2012-10-17', Statement: Statement.map((s, i) => ({ ...s, Sid: `s${i}` })) }),
        ),
      tags: validTags,
    },
    { requiredKeys: [] },
  )
  .map(({ toIA, toArchive, toPrimary, ...spec }) => {
    const s: FileSystemSpec = { ...spec };
    if (s.performanceMode === 'maxIO') {
      delete s.availabilityZoneName;
      if (s.throughputMode === 'elastic') s.throughputMode = 'bursting';
    }
    if (s.throughputMode === 'provisioned') s.provisionedThroughputInMiBps ??= 100;
    if (!s.encrypted) delete s.kmsKeyID;
    const policies: FileSystemSpec['lifecyclePolicies'] = [];
    if (toIA) policies.push({ transitionToIA: toIA });
    const archiveAllowed = s.throughputMode === 'elastic' && s.performanceMode !== 'maxIO';
    if (toArchive && archiveAllowed && dayCount(toArchive) > dayCount(toIA))
      policies.push({ transitionToArchive: toArchive });
    if (toPrimary) policies.push({ transitionToPrimaryStorageClass: 'AFTER_1_ACCESS' });
    if (toIA || toArchive || toPrimary) s.lifecyclePolicies = policies;
    return s;
  });
const validMountTargetSpec: fc.Arbitrary<MountTargetSpec> = fc
  .record({
    subnet,
    securityGroups: maybe(
      fc.uniqueArray(
        hex(8, 17).map((h) => `sg-${h}`),
        { maxLength: 5 },
      ),
    ),
    host: maybe(fc.integer({ min: 4, max: 254 })),
  })
  .map(({ subnet: [id, zone], securityGroups, host }) => ({
    fileSystemID: 'fs-0123456789abcdef0',
    subnetID: `subnet-${id}${zones[zone]}`,
    ...(securityGroups ? { securityGroups } : {}),
    ...(host !== undefined ? { ipAddress: `10.0.${zone}.${host}` } : {}),
  }));
const validId = fc.integer({ min: 0, max: 4294967295 });
const validAccessPointSpec = (fileSystemId: () => string): fc.Arbitrary<AccessPointSpec> =>
  fc
    .record(
      {
        posixUser: fc.record(
          { uid: validId, gid: validId, secondaryGIDs: fc.array(validId, { maxLength: 16 }) },
          { requiredKeys: ['uid', 'gid'] },
        ),
        rootDirectory: fc.record(
          {
            path: fc
              .array(fc.string({ unit: fc.constantFrom(...'abz09-_'), minLength: 1, maxLength: 8 }), { maxLength: 4 })
              .map((parts) => `/${parts.join('/')}`),
            creationInfo: fc.record({
              ownerUID: validId,
              ownerGID: validId,
              permissions: fc.constantFrom('755', '0750', '700'),
            }),
          },
          { requiredKeys: ['path'] },
        ),
        tags: validTags,
      },
      { requiredKeys: [] },
    )
    .map((spec) => ({ fileSystemID: fileSystemId(), ...spec }));

/** A valid spec with one field taken from a wild one: each mistake on its own, where nothing else hides it. */
function oneMistake<T extends object>(
  valid: fc.Arbitrary<T>,
  wild: fc.Arbitrary<T>,
  fields: (keyof T)[],
): fc.Arbitrary<T> {
  return fc.tuple(valid, wild, fc.constantFrom(...fields)).map(([v, w, field]) => {
    const out = { ...v };
    if (w[field] === undefined) delete out[field];
    else out[field] = w[field];
    return out;
  });
}

const either = <T extends object>(valid: fc.Arbitrary<T>, wild: fc.Arbitrary<T>, fields: (keyof T)[]) =>
  fc.oneof(
    { weight: 2, arbitrary: valid },
    { weight: 1, arbitrary: wild },
    { weight: 4, arbitrary: oneMistake(valid, wild, fields) },
  );

const generatedCase: fc.Arbitrary<Case> = fc.oneof(
  either(validFileSystemSpec, fileSystemSpec, [
    'performanceMode',
    'throughputMode',
    'provisionedThroughputInMiBps',
    'encrypted',
    'kmsKeyID',
    'availabilityZoneName',
    'backupPolicy',
    'fileSystemProtection',
    'lifecyclePolicies',
    'policy',
    'tags',
  ]).map((spec): Case => ({ kind: 'FileSystem', spec })),
  fc
    .oneof(
      either(validMountTargetSpec, mountTargetSpec, ['fileSystemID', 'securityGroups']),
      // The subnet and the address go together (the address lies in the subnet's zone): a mistake in one keeps the other.
      fc
        .tuple(validMountTargetSpec, fc.constantFrom('subnet-a', 'subnet_0a1b2c3d', undefined))
        .map(([spec, subnetID]) => ({ ...spec, subnetID })),
      fc
        .tuple(validMountTargetSpec, fc.constantFrom('10.0.0.256', 'fd00::1', '10.0.0'))
        .map(([spec, ipAddress]) => ({ ...spec, ipAddress })),
    )
    .map((spec): Case => ({ kind: 'MountTarget', spec })),
  either(
    validAccessPointSpec(() => accessPointParent),
    accessPointSpec(() => accessPointParent),
    ['fileSystemID', 'posixUser', 'rootDirectory', 'tags'],
  ).map((spec): Case => ({ kind: 'AccessPoint', spec })),
);

// ---------------------------------------------------------------------------------------------

function validationErrors(c: Case): FieldError[] {
  switch (c.kind) {
    case 'FileSystem':
      return validateFileSystemSpec(c.spec);
    case 'MountTarget':
      return validateMountTargetSpec(c.spec, server.namespace);
    case 'AccessPoint':
      return validateAccessPointSpec(c.spec, server.namespace);
  }
}

/** The calls the product makes for an accepted spec, through its own request builders and gateway. */
async function makeCalls(c: Case): Promise<void> {
  const meta = metaOf(`generated-${c.kind.toLowerCase()}`);
  switch (c.kind) {
    case 'FileSystem': {
      const id = await availableFileSystem(c.spec, meta);
      const observed = await gateway.observeSettings(id);
      if (!observed) throw new Error(`file system ${id} vanished`);
      for (const operation of planUpdates(c.spec, observed, ownTags(meta))) await gateway.apply(id, operation);
      return;
    }
    case 'MountTarget': {
      // One mount target per zone per file system: each gets a file system of its own.
      const parent = await availableFileSystem({}, meta);
      // Whether an address is taken is AWS's to know (the zone's subnets share one range): an address an
      // earlier case took moves to a free one of the same range.
      const spec = { ...c.spec };
      if (spec.ipAddress !== undefined) {
        const [range, host] = [spec.ipAddress.replace(/\.\d+$/, ''), Number(spec.ipAddress.split('.')[3])];
        for (let h = host; ipAddressesTaken.has(spec.ipAddress); h = h >= 254 ? 4 : h + 1)
          spec.ipAddress = `${range}.${h}`;
        ipAddressesTaken.add(spec.ipAddress);
        expect(validateMountTargetSpec(spec, server.namespace)).toEqual([]);
      }
      const created = await gateway.createMountTarget(createMountTargetInput(spec, parent));
      if (!spec.ipAddress && created.IpAddress) ipAddressesTaken.add(created.IpAddress);
      return;
    }
    case 'AccessPoint':
      await gateway.createAccessPoint(createAccessPointInput(c.spec, accessPointParent, meta));
      return;
  }
}

async function checkCase(c: Case): Promise<void> {
  const before = calls;
  const refusal = await dryRunCreate(server, c.kind as KindName, c.spec);
  const errors = validationErrors(c);
  if (refusal) {
    expect(refusal.code).toBe(422);
    // Validation is the only guard where the CRDs are ACK's: it refuses what the API server refuses.
    expect({ refusedByApiServer: refusal.message, validation: errors }).toEqual({
      refusedByApiServer: refusal.message,
      validation: expect.arrayContaining([expect.anything()]) as unknown as FieldError[],
    });
  }
  if (refusal || errors.length > 0) {
    tally[`${c.kind} refused`] = (tally[`${c.kind} refused`] ?? 0) + 1;
    expect(calls).toBe(before);
    return;
  }
  tally[`${c.kind} accepted`] = (tally[`${c.kind} accepted`] ?? 0) + 1;
  try {
    await makeCalls(c);
  } catch (err) {
    const { name, message } = err as Error;
    throw new Error(`the emulator refused a call for an accepted ${c.kind} spec: ${name}: ${message}`);
  }
}

it(`${numRuns} generated specs: refused before any EFS call, or accepted by EFS in every call (seed ${seed})`, async () => {
  await fc.assert(
    fc.asyncProperty(generatedCase, async (c) => {
      await checkCase(c);
    }),
    { numRuns, seed, endOnFailure: false, interruptAfterTimeLimit: 600_000 },
  );
  process.stdout.write(`generated specs: ${JSON.stringify(tally)}\n`);
  // The generators reach both sides of the property for every kind.
  for (const kind of ['FileSystem', 'MountTarget', 'AccessPoint']) {
    expect(tally[`${kind} accepted`] ?? 0).toBeGreaterThan(numRuns / 30);
    expect(tally[`${kind} refused`] ?? 0).toBeGreaterThan(numRuns / 30);
  }
}, 900_000);
