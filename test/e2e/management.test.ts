import {
  CreateFileSystemCommand,
  DeleteFileSystemPolicyCommand,
  DescribeBackupPolicyCommand,
  DescribeFileSystemPolicyCommand,
  DescribeFileSystemsCommand,
  DescribeLifecycleConfigurationCommand,
  DescribeMountTargetSecurityGroupsCommand,
  EFSClient,
  ListTagsForResourceCommand,
  UntagResourceCommand,
  UpdateFileSystemCommand,
} from '@aws-sdk/client-efs';
import { ConditionType } from '../../src/api/filesystem';
import { annotations } from '../../src/api/workflow-contract';
import { creationTokenFor } from '../../src/domain/filesystem';
import { mergePatch } from '../../src/kube/client';
import {
  applyFileSystem,
  applyObject,
  conditionOf,
  createE2eContext,
  efsClientFor,
  deleteObject,
  eventually,
  getFileSystem,
  getObject,
  injectFault,
  patchObject,
  startOrchestrator,
  waitForCondition,
  waitForGone,
  waitForObjectCondition,
  type E2eContext,
} from './harness';

/**
 * A FileSystem managed for its whole life (updates, deletion, adoption, drift, resync requests)
 * and the MountTarget and AccessPoint kinds, against the real stack with the orchestrator running
 * as separate processes. AWS state is checked through the EFS API itself.
 */
jest.setTimeout(300_000);

let ctx: E2eContext;
let efs: EFSClient;

beforeAll(async () => {
  ctx = await createE2eContext('manage');
  efs = efsClientFor(ctx);
  // Short drift checks so the periodic resync is observable within the test.
  startOrchestrator(ctx, 'run', { RESYNC_INTERVAL_SECONDS: '3600' });
});
afterAll(async () => {
  await ctx.close();
  efs.destroy();
});

const describe1 = async (id: string) =>
  (await efs.send(new DescribeFileSystemsCommand({ FileSystemId: id }))).FileSystems?.[0];
const policyOf = async (id: string) =>
  efs.send(new DescribeFileSystemPolicyCommand({ FileSystemId: id })).then(
    (out) => out.Policy ?? null,
    (err: Error) => (err.name === 'PolicyNotFound' ? null : Promise.reject(err)),
  );
const tagsOf = async (id: string) =>
  Object.fromEntries(
    ((await efs.send(new ListTagsForResourceCommand({ ResourceId: id }))).Tags ?? []).map((t) => [t.Key, t.Value]),
  );

/** Applies a spec change and waits until the object says it is synced at the new generation. */
async function update(name: string, spec: Record<string, unknown>): Promise<void> {
  await patchObject(ctx, 'FileSystem', name, { spec });
  await eventually(
    `${name} to sync its new generation`,
    async () => {
      const obj = await getFileSystem(ctx, name);
      const synced = conditionOf(obj, ConditionType.synced);
      return synced?.status === 'True' && synced.observedGeneration === obj?.metadata.generation;
    },
    120_000,
  );
}

async function syncedId(name: string): Promise<string> {
  const obj = await waitForCondition(ctx, name, ConditionType.synced, 'True');
  return obj.status?.fileSystemID as string;
}

test('a create made exactly as the spec asks is synced once available, with no read-back of what it set', async () => {
  const reads = ['DescribeFileSystemPolicy', 'DescribeReplicationConfigurations', 'DescribeBackupPolicy'];
  const writes = ['TagResource', 'PutBackupPolicy', 'PutFileSystemPolicy', 'UpdateFileSystem'];
  const counted = async (): Promise<number[]> => {
    const { operations } = await ctx.admin.counters();
    return [...reads, ...writes].map((op) => operations[op]?.requests ?? 0);
  };
  const before = await counted();
  await applyFileSystem(ctx, 'settled', {
    throughputMode: 'elastic',
    backupPolicy: { status: 'ENABLED' },
    tags: [{ key: 'team', value: 'b' }],
  });
  const id = await syncedId('settled');
  expect(await counted()).toEqual(before);
  expect(await tagsOf(id)).toMatchObject({ team: 'b' });
  expect((await describe1(id))?.ThroughputMode).toBe('elastic');
  expect((await efs.send(new DescribeBackupPolicyCommand({ FileSystemId: id }))).BackupPolicy?.Status).toMatch(
    /^ENABL/,
  );
  await deleteObject(ctx, 'FileSystem', 'settled');
  await waitForGone(ctx, 'FileSystem', 'settled');
  expect((await describe1(id).catch(() => undefined))?.LifeCycleState ?? 'deleted').toBe('deleted');
});

test('spec updates: throughput to elastic, protection DISABLED, backups, lifecycle, policy, tags', async () => {
  await applyFileSystem(ctx, 'updates', { throughputMode: 'bursting', tags: [{ key: 'team', value: 'a' }] });
  const id = await syncedId('updates');

  await update('updates', {
    throughputMode: 'elastic',
    fileSystemProtection: { replicationOverwriteProtection: 'DISABLED' },
  });
  const fs = await describe1(id);
  expect(fs?.ThroughputMode).toBe('elastic');
  expect(fs?.FileSystemProtection?.ReplicationOverwriteProtection).toBe('DISABLED');

  const policy = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'elasticfilesystem:ClientMount' }],
  };
  await update('updates', { policy: JSON.stringify(policy) });
  expect(JSON.parse((await policyOf(id)) ?? 'null')).toEqual(policy);
  // The same document with other whitespace and key order is not a change.
  const writesBefore = (await ctx.admin.counters()).operations.PutFileSystemPolicy?.requests ?? 0;
  await update('updates', {
    policy: JSON.stringify({ Statement: policy.Statement, Version: policy.Version }, null, 2),
  });
  expect((await ctx.admin.counters()).operations.PutFileSystemPolicy?.requests ?? 0).toBe(writesBefore);
  await update('updates', { policy: null });
  expect(await policyOf(id)).toBeNull();

  await update('updates', { backupPolicy: { status: 'ENABLED' } });
  await update('updates', { backupPolicy: { status: 'DISABLED' } });
  expect((await efs.send(new DescribeBackupPolicyCommand({ FileSystemId: id }))).BackupPolicy?.Status).toMatch(
    /^DISABL/,
  );

  await update('updates', { lifecyclePolicies: [{ transitionToIA: 'AFTER_30_DAYS' }] });
  expect((await efs.send(new DescribeLifecycleConfigurationCommand({ FileSystemId: id }))).LifecyclePolicies).toEqual([
    { TransitionToIA: 'AFTER_30_DAYS' },
  ]);
  await update('updates', { lifecyclePolicies: [] });
  expect(
    (await efs.send(new DescribeLifecycleConfigurationCommand({ FileSystemId: id }))).LifecyclePolicies ?? [],
  ).toEqual([]);

  await update('updates', {
    tags: [
      { key: 'team', value: 'b' },
      { key: 'env', value: 'dev' },
    ],
  });
  expect(await tagsOf(id)).toMatchObject({ team: 'b', env: 'dev' });
  await update('updates', { tags: [{ key: 'env', value: 'dev' }] });
  const tags = await tagsOf(id);
  expect(tags.team).toBeUndefined();
  expect(tags.env).toBe('dev');
  // The orchestrator's own tags stay, apart from the user's.
  expect(tags['efs-orchestrator/name']).toBe('updates');
});

test('the 24-hour throughput rule shows as ACK.Recoverable with the time of the next try', async () => {
  await applyFileSystem(ctx, 'rule24h', { throughputMode: 'bursting' });
  await syncedId('rule24h');
  // Switching to provisioned starts AWS's 24 hours; the next mode change within them is refused.
  await update('rule24h', { throughputMode: 'provisioned', provisionedThroughputInMiBps: 64 });
  await patchObject(ctx, 'FileSystem', 'rule24h', { spec: { throughputMode: 'elastic' } });
  const obj = await waitForCondition(ctx, 'rule24h', ConditionType.recoverable, 'True');
  const message = conditionOf(obj, ConditionType.recoverable)?.message ?? '';
  expect(message).toMatch(/TooManyRequests|Wait until/);
  const nextTry = /next retry at (\S+)\)/.exec(message)?.[1];
  expect(Date.parse(nextTry ?? '') - Date.now()).toBeGreaterThan(60 * 60 * 1000);
  // That waiting costs no calls is asserted exactly, from the workflow's history, in test/workflow.
});

test('deletion with the retain policy leaves the file system', async () => {
  await applyFileSystem(ctx, 'retained', {}, { [annotations.deletionPolicy]: 'retain' });
  const id = await syncedId('retained');
  await deleteObject(ctx, 'FileSystem', 'retained');
  await waitForGone(ctx, 'FileSystem', 'retained');
  expect((await describe1(id))?.LifeCycleState).toBe('available');
});

test('deletion blocked by a mount target says which one, and proceeds once its MountTarget object is deleted', async () => {
  await applyFileSystem(ctx, 'blocked', {});
  await applyObject(ctx, 'MountTarget', 'blocked-a', {
    fileSystemRef: { from: { name: 'blocked' } },
    subnetID: 'subnet-0123abcd1a',
    securityGroups: ['sg-0123456789abcdef0'],
  });
  const id = await syncedId('blocked');
  const mt = await waitForObjectCondition(ctx, 'MountTarget', 'blocked-a', ConditionType.synced, 'True');
  const mountTargetId = mt.status?.mountTargetID as string;
  expect(mt.status?.fileSystemID).toBe(id);

  await patchObject(ctx, 'MountTarget', 'blocked-a', {
    spec: { securityGroups: ['sg-0123456789abcdef1', 'sg-0123456789abcdef2'] },
  });
  await eventually('security groups to change', async () => {
    const groups =
      (await efs.send(new DescribeMountTargetSecurityGroupsCommand({ MountTargetId: mountTargetId }))).SecurityGroups ??
      [];
    return groups.length === 2;
  });

  await deleteObject(ctx, 'FileSystem', 'blocked');
  const waiting = await waitForCondition(ctx, 'blocked', ConditionType.recoverable, 'True');
  expect(conditionOf(waiting, ConditionType.recoverable)?.message).toContain(mountTargetId);

  await deleteObject(ctx, 'MountTarget', 'blocked-a');
  await waitForGone(ctx, 'MountTarget', 'blocked-a');
  await waitForGone(ctx, 'FileSystem', 'blocked');
  expect(await describe1(id).catch((err: Error) => err.name)).toBe('FileSystemNotFound');
});

test("a FileSystem's status follows AWS within its drift interval: the mount-target count once a MountTarget is made", async () => {
  await applyFileSystem(ctx, 'counted', {}, { [annotations.resyncInterval]: '3' });
  await syncedId('counted');
  expect((await getFileSystem(ctx, 'counted'))?.status?.numberOfMountTargets).toBe(0);
  await applyObject(ctx, 'MountTarget', 'counted-a', {
    fileSystemRef: { from: { name: 'counted' } },
    subnetID: 'subnet-0123abcd2b',
  });
  await waitForObjectCondition(ctx, 'MountTarget', 'counted-a', ConditionType.synced, 'True');
  await eventually(
    'numberOfMountTargets to say 1',
    async () => (await getFileSystem(ctx, 'counted'))?.status?.numberOfMountTargets === 1,
    60_000,
  );
  await deleteObject(ctx, 'MountTarget', 'counted-a');
  await waitForGone(ctx, 'MountTarget', 'counted-a');
  await eventually(
    'numberOfMountTargets to say 0 again',
    async () => (await getFileSystem(ctx, 'counted'))?.status?.numberOfMountTargets === 0,
    60_000,
  );
});

test('an object deleted while its file system is still creating leaves nothing behind', async () => {
  const obj = await applyFileSystem(ctx, 'early');
  await ctx.admin.holdInCreating({ creationToken: creationTokenFor(obj.metadata.uid) });
  await eventually(
    'the file system to exist',
    async () => (await getFileSystem(ctx, 'early'))?.status?.lifeCycleState === 'creating',
  );
  await deleteObject(ctx, 'FileSystem', 'early');
  await waitForGone(ctx, 'FileSystem', 'early');
  const left = (await ctx.admin.fileSystems()).filter((f) => f.CreationToken === creationTokenFor(obj.metadata.uid));
  expect(left).toEqual([]);
});

test('adopting an existing file system fills status and then manages it', async () => {
  const existing = await efs.send(new CreateFileSystemCommand({ CreationToken: `adopt-${ctx.runId}` }));
  const id = existing.FileSystemId as string;
  await eventually(
    'the existing file system to be available',
    async () => (await describe1(id))?.LifeCycleState === 'available',
  );
  const obj = await applyFileSystem(
    ctx,
    'adopted',
    { tags: [{ key: 'owner', value: 'k8s' }] },
    {
      [annotations.adoptionPolicy]: 'adopt',
      [annotations.adoptionFields]: JSON.stringify({ fileSystemID: id }),
    },
  );
  expect(await syncedId('adopted')).toBe(id);
  expect((await tagsOf(id)).owner).toBe('k8s');
  const events = await eventsOf('adopted');
  expect(events).toContain('Adopted');
  // No second file system was created for the object.
  expect((await ctx.admin.fileSystems()).filter((f) => f.CreationToken === creationTokenFor(obj.metadata.uid))).toEqual(
    [],
  );
});

test('drift made through the AWS API is corrected at the next resync and reported as an Event', async () => {
  await applyFileSystem(ctx, 'drift', {
    throughputMode: 'elastic',
    tags: [{ key: 'team', value: 'x' }],
    policy: JSON.stringify({ Version: '2012-10-17', Statement: [] }),
  });
  const id = await syncedId('drift');
  await efs.send(new UntagResourceCommand({ ResourceId: id, TagKeys: ['team'] }));
  await efs.send(new DeleteFileSystemPolicyCommand({ FileSystemId: id }));
  await efs.send(new UpdateFileSystemCommand({ FileSystemId: id, ThroughputMode: 'bursting' }));
  await eventually('the update to settle', async () => (await describe1(id))?.LifeCycleState === 'available');
  await patchObject(ctx, 'FileSystem', 'drift', {
    metadata: { annotations: { [annotations.resyncRequestedAt]: new Date().toISOString() } },
  });
  await eventually(
    'the drift to be corrected',
    async () =>
      (await tagsOf(id)).team === 'x' &&
      (await policyOf(id)) !== null &&
      (await describe1(id))?.ThroughputMode === 'elastic',
    120_000,
  );
  await eventually('a DriftCorrected event', async () => (await eventsOf('drift')).includes('DriftCorrected'));
});

test('a resync request re-runs a terminal sync once the cause is fixed outside the spec', async () => {
  // The quota error hits only this object's create: its name is in the tags of the request.
  const name = `quota-${ctx.runId}`;
  await injectFault(ctx, {
    kind: 'error',
    operation: 'CreateFileSystem',
    errorCode: 'FileSystemLimitExceeded',
    status: 403,
    times: 1,
    requestIncludes: name,
  });
  await applyFileSystem(ctx, name);
  const terminal = await waitForCondition(ctx, name, ConditionType.terminal, 'True');
  expect(conditionOf(terminal, ConditionType.terminal)?.reason).toBe('FileSystemLimitExceeded');
  const requestedAt = new Date().toISOString();
  await patchObject(ctx, 'FileSystem', name, {
    metadata: { annotations: { [annotations.resyncRequestedAt]: requestedAt } },
  });
  const synced = await waitForCondition(ctx, name, ConditionType.synced, 'True');
  expect(synced.status?.resyncRequestHandled).toBe(requestedAt);
  expect(conditionOf(synced, ConditionType.terminal)?.status).toBe('False');
});

test('an invalid spec is terminal, names the field, and makes no AWS call', async () => {
  // The schema cannot read a policy document: validation refuses one without Statement before CreateFileSystem.
  const obj = await applyFileSystem(ctx, 'invalid', { policy: '{"foo":"bar"}' });
  const terminal = await waitForCondition(ctx, 'invalid', ConditionType.terminal, 'True');
  expect(conditionOf(terminal, ConditionType.terminal)?.message).toContain('spec.policy has no Statement');
  expect((await ctx.admin.fileSystems()).filter((f) => f.CreationToken === creationTokenFor(obj.metadata.uid))).toEqual(
    [],
  );
});

test('an access point on a FileSystem object: created, tagged, deleted with its object', async () => {
  await applyFileSystem(ctx, 'withap');
  const id = await syncedId('withap');
  await applyObject(ctx, 'AccessPoint', 'app', {
    fileSystemRef: { from: { name: 'withap' } },
    posixUser: { uid: 1000, gid: 1000 },
    rootDirectory: { path: '/app', creationInfo: { ownerUID: 1000, ownerGID: 1000, permissions: '755' } },
    tags: [{ key: 'app', value: 'web' }],
  });
  const ap = await waitForObjectCondition(ctx, 'AccessPoint', 'app', ConditionType.synced, 'True');
  const apId = ap.status?.accessPointID as string;
  expect(ap.status?.fileSystemID).toBe(id);
  expect((await tagsOf(apId)).app).toBe('web');
  await patchObject(ctx, 'AccessPoint', 'app', { spec: { tags: [{ key: 'app', value: 'api' }] } });
  await eventually('the access point tag to change', async () => (await tagsOf(apId)).app === 'api');
  await deleteObject(ctx, 'AccessPoint', 'app');
  await waitForGone(ctx, 'AccessPoint', 'app');
  expect(await getObject(ctx, 'AccessPoint', 'app')).toBeUndefined();
});

test('a namespace default deletion policy of retain applies to objects that set none', async () => {
  const { CoreV1Api } = await import('@kubernetes/client-node');
  await ctx.kc
    .makeApiClient(CoreV1Api)
    .patchNamespace(
      { name: ctx.namespace, body: { metadata: { annotations: { [annotations.namespaceDeletionPolicy]: 'retain' } } } },
      mergePatch,
    );
  try {
    await applyFileSystem(ctx, 'nsretain');
    const id = await syncedId('nsretain');
    await deleteObject(ctx, 'FileSystem', 'nsretain');
    await waitForGone(ctx, 'FileSystem', 'nsretain');
    expect((await describe1(id))?.LifeCycleState).toBe('available');
  } finally {
    await ctx.kc
      .makeApiClient(CoreV1Api)
      .patchNamespace(
        { name: ctx.namespace, body: { metadata: { annotations: { [annotations.namespaceDeletionPolicy]: null } } } },
        mergePatch,
      );
  }
});

test('read-only objects observe an adopted file system and never change it, not even on deletion', async () => {
  const existing = await efs.send(
    new CreateFileSystemCommand({ CreationToken: `readonly-${ctx.runId}`, Tags: [{ Key: 'keep', Value: 'me' }] }),
  );
  const id = existing.FileSystemId as string;
  await eventually(
    'the existing file system to be available',
    async () => (await describe1(id))?.LifeCycleState === 'available',
  );
  await applyFileSystem(
    ctx,
    'observer',
    { throughputMode: 'elastic', tags: [] },
    {
      [annotations.readOnly]: 'true',
      [annotations.adoptionPolicy]: 'adopt',
      [annotations.adoptionFields]: JSON.stringify({ fileSystemID: id }),
    },
  );
  const synced = await waitForCondition(ctx, 'observer', ConditionType.synced, 'True');
  expect(synced.status?.fileSystemID).toBe(id);
  expect(synced.metadata.finalizers ?? []).toEqual([]);
  expect((await describe1(id))?.ThroughputMode).toBe('bursting');
  expect((await tagsOf(id)).keep).toBe('me');
  await deleteObject(ctx, 'FileSystem', 'observer');
  await waitForGone(ctx, 'FileSystem', 'observer');
  expect((await describe1(id))?.LifeCycleState).toBe('available');
});

test('create-only fields are immutable: the API server refuses the change with a message naming the field', async () => {
  await applyFileSystem(ctx, 'immutable', { encrypted: false });
  await syncedId('immutable');
  const refused = await patchObject(ctx, 'FileSystem', 'immutable', { spec: { encrypted: true } }).then(
    () => undefined,
    (err: { code?: number; body?: string }) => err,
  );
  expect(refused?.code).toBe(422);
  expect(refused?.body).toContain('spec.encrypted is immutable');
});

test('a per-object resync interval repairs drift without any request', async () => {
  await applyFileSystem(
    ctx,
    'selfheal',
    { tags: [{ key: 'team', value: 'z' }] },
    { [annotations.resyncInterval]: '3' },
  );
  const id = await syncedId('selfheal');
  await efs.send(new UntagResourceCommand({ ResourceId: id, TagKeys: ['team'] }));
  await eventually('the drift timer to restore the tag', async () => (await tagsOf(id)).team === 'z', 60_000);
});

test('a newer generation arriving mid-update supersedes the older one', async () => {
  await applyFileSystem(ctx, 'supersede', { throughputMode: 'bursting' });
  const id = await syncedId('supersede');
  await patchObject(ctx, 'FileSystem', 'supersede', {
    spec: { throughputMode: 'provisioned', provisionedThroughputInMiBps: 64 },
  });
  // Raising the amount is always allowed by AWS, even right after switching to provisioned.
  await update('supersede', { throughputMode: 'provisioned', provisionedThroughputInMiBps: 128 });
  const fs = await describe1(id);
  expect(fs?.ThroughputMode).toBe('provisioned');
  expect(fs?.ProvisionedThroughputInMibps).toBe(128);
  expect((await getFileSystem(ctx, 'supersede'))?.status?.observedGeneration).toBe(3);
});

test('a file system deleted outside Kubernetes is reported as terminal, and no second one is created', async () => {
  const obj = await applyFileSystem(ctx, 'vanished');
  const id = await syncedId('vanished');
  const { DeleteFileSystemCommand } = await import('@aws-sdk/client-efs');
  await efs.send(new DeleteFileSystemCommand({ FileSystemId: id }));
  await eventually(
    'AWS to forget it',
    async () => (await describe1(id).catch((err: Error) => err.name)) === 'FileSystemNotFound',
  );
  await patchObject(ctx, 'FileSystem', 'vanished', {
    metadata: { annotations: { [annotations.resyncRequestedAt]: new Date().toISOString() } },
  });
  const terminal = await waitForCondition(ctx, 'vanished', ConditionType.terminal, 'True');
  expect(conditionOf(terminal, ConditionType.terminal)?.message).toMatch(/deleted outside Kubernetes/);
  expect((await ctx.admin.fileSystems()).filter((f) => f.CreationToken === creationTokenFor(obj.metadata.uid))).toEqual(
    [],
  );
  // Deleting the object still works: its file system is already gone.
  await deleteObject(ctx, 'FileSystem', 'vanished');
  await waitForGone(ctx, 'FileSystem', 'vanished');
});

async function eventsOf(name: string): Promise<string[]> {
  const { CoreV1Api } = await import('@kubernetes/client-node');
  const list = await ctx.kc
    .makeApiClient(CoreV1Api)
    .listNamespacedEvent({ namespace: ctx.namespace, fieldSelector: `involvedObject.name=${name}` });
  return list.items.map((e) => e.reason ?? '');
}
