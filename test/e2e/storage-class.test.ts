import { execFileSync } from 'node:child_process';
import { CoreV1Api, StorageV1Api, type V1StorageClass } from '@kubernetes/client-node';
import { DescribeFileSystemsCommand, type EFSClient } from '@aws-sdk/client-efs';
import { ConditionType, type FileSystemObject } from '../../src/api/filesystem';
import { type MountTargetObject } from '../../src/api/mounttarget';
import { ownerLabels, storageAnnotations, storageClassCondition } from '../../src/api/storage-class';
import { mergePatch } from '../../src/kube/client';
import {
  applyFileSystem,
  applyObject,
  conditionOf,
  createE2eContext,
  deleteObject,
  efsClientFor,
  eventually,
  getFileSystem,
  patchObject,
  startOrchestrator,
  waitForCondition,
  waitForGone,
  waitForObjectCondition,
  type E2eContext,
} from './harness';
import { runCli } from './ops-helpers';

/**
 * A FileSystem published as a StorageClass of the EFS CSI driver, on the real stack with the
 * orchestrator as separate processes. The driver itself cannot run here (no kubelet, no nodes, no
 * NFS): what is checked is what the driver would read (the StorageClass) and what protects its
 * volumes (PersistentVolume objects, created directly, block the deletion of their file system).
 */
jest.setTimeout(300_000);

let ctx: E2eContext;
let efs: EFSClient;
let storage: StorageV1Api;
let core: CoreV1Api;
const classes: string[] = [];
const volumes: string[] = [];

beforeAll(async () => {
  ctx = await createE2eContext('storage');
  efs = efsClientFor(ctx);
  storage = ctx.kc.makeApiClient(StorageV1Api);
  core = ctx.kc.makeApiClient(CoreV1Api);
  startOrchestrator(ctx, 'run', { RESYNC_INTERVAL_SECONDS: '3600' });
});
afterAll(async () => {
  // StorageClasses and PersistentVolumes are cluster-scoped: leave none of this run's behind.
  for (const name of volumes) await deleteVolume(name).catch(() => undefined);
  for (const name of classes) await storage.deleteStorageClass({ name }).catch(() => undefined);
  await ctx.close();
  efs.destroy();
});

/** A StorageClass name of this run (they are cluster-scoped). */
function className(what: string): string {
  const name = `${what}-${ctx.runId}`;
  classes.push(name);
  return name;
}

async function storageClass(name: string): Promise<V1StorageClass | undefined> {
  return storage.readStorageClass({ name }).catch((err: { code?: number }) => {
    if (err.code === 404) return undefined;
    throw err;
  });
}

async function createVolume(what: string, storageClassName: string, volumeHandle: string): Promise<string> {
  const name = `${what}-${ctx.runId}`;
  volumes.push(name);
  await core.createPersistentVolume({
    body: {
      metadata: { name },
      spec: {
        capacity: { storage: '5Gi' },
        accessModes: ['ReadWriteMany'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName,
        csi: { driver: 'efs.csi.aws.com', volumeHandle },
      },
    },
  });
  return name;
}

/**
 * Deletes a PersistentVolume. The API server's StorageObjectInUseProtection puts the
 * kubernetes.io/pv-protection finalizer on it, which kube-controller-manager (absent here) would
 * remove: the test removes it in its place.
 */
async function deleteVolume(name: string): Promise<void> {
  await core.deletePersistentVolume({ name }).catch((err: { code?: number }) => {
    if (err.code !== 404) throw err;
  });
  await core
    .patchPersistentVolume({ name, body: { metadata: { finalizers: null } } }, mergePatch)
    .catch((err: { code?: number }) => {
      if (err.code !== 404) throw err;
    });
}

async function eventsOf(name: string): Promise<{ reason: string; message: string }[]> {
  const list = await core.listNamespacedEvent({
    namespace: ctx.namespace,
    fieldSelector: `involvedObject.name=${name}`,
  });
  return list.items.map((e) => ({ reason: e.reason ?? '', message: e.message ?? '' }));
}

async function syncedId(name: string): Promise<string> {
  const obj = await waitForCondition(ctx, name, ConditionType.synced, 'True');
  return obj.status?.fileSystemID as string;
}

async function storageStatusOf(name: string): Promise<FileSystemObject['status']> {
  return (await getFileSystem(ctx, name))?.status;
}

test('the StorageClass appears only once the file system has an available mount target, with exactly the parameters asked for; a change replaces it; removing the annotation removes it once its PersistentVolume is gone', async () => {
  const name = className('published');
  const prefix = storageAnnotations.parameterPrefix;
  const fs = await applyFileSystem(
    ctx,
    'published',
    {},
    {
      [storageAnnotations.storageClass]: name,
      [`${prefix}directoryPerms`]: '750',
      [`${prefix}basePath`]: '/dynamic',
      [`${prefix}gidRangeStart`]: '1000',
      [`${prefix}gidRangeEnd`]: '2000',
      [`${prefix}reclaimPolicy`]: 'Retain',
    },
  );
  const id = await syncedId('published');

  // Available, but nothing to mount it through: the StorageClass waits, and says so.
  await eventually(
    'status.storageClass to say it waits for a mount target',
    async () => (await storageStatusOf('published'))?.storageClass?.reason === 'WaitingForMountTarget',
  );
  const waiting = await getFileSystem(ctx, 'published');
  expect(waiting?.status?.storageClass).toMatchObject({ name, ready: false });
  expect(waiting?.status?.storageClass?.message).toContain(id);
  expect(conditionOf(waiting, storageClassCondition)?.status).toBe('False');
  expect(await storageClass(name)).toBeUndefined();
  const explained = await runCli(ctx, ['explain', `${ctx.namespace}/published`]);
  expect(explained.stdout).toMatch(
    new RegExp(
      `StorageClass: +${name} \\(not ready: WaitingForMountTarget\\): StorageClass ${name} waits for an available mount target of ${id}`,
    ),
  );

  await applyObject(ctx, 'MountTarget', 'published-a', {
    fileSystemRef: { from: { name: 'published' } },
    subnetID: 'subnet-0123abcd4a',
  });
  await waitForObjectCondition(ctx, 'MountTarget', 'published-a', ConditionType.synced, 'True');
  await eventually('the StorageClass to appear', async () => (await storageClass(name)) !== undefined, 90_000);
  const sc = (await storageClass(name)) as V1StorageClass;
  expect(sc.provisioner).toBe('efs.csi.aws.com');
  expect(sc.parameters).toEqual({
    provisioningMode: 'efs-ap',
    fileSystemId: id,
    directoryPerms: '750',
    basePath: '/dynamic',
    gidRangeStart: '1000',
    gidRangeEnd: '2000',
  });
  expect(sc.reclaimPolicy).toBe('Retain');
  expect(sc.volumeBindingMode).toBe('Immediate');
  expect(sc.metadata?.labels).toMatchObject({
    [ownerLabels.namespace]: ctx.namespace,
    [ownerLabels.name]: 'published',
    [ownerLabels.uid]: fs.metadata.uid,
  });
  const ready = await waitForCondition(ctx, 'published', storageClassCondition, 'True');
  expect(ready.status?.storageClass).toMatchObject({ name, ready: true, reason: 'Published' });
  // `kubectl get filesystems -o wide` names it and says it is ready.
  const wide = execFileSync(
    ctx.env.KUBECTL ?? 'kubectl',
    ['get', 'filesystem', 'published', '-n', ctx.namespace, '-o', 'wide'],
    { encoding: 'utf8', env: { ...process.env, KUBECONFIG: ctx.env.KUBECONFIG } },
  ).split('\n');
  // Columns are found by where their header starts (empty cells leave only spaces).
  const column = (title: string): string => {
    const header = wide[0] ?? '';
    const start = header.indexOf(title);
    const next = header.slice(start).search(/ \S/);
    return (wide[1] ?? '').slice(start, next < 0 ? undefined : start + next + 1).trim();
  };
  expect(column('STORAGECLASS')).toBe(name);
  expect(column('SC-READY')).toBe('True');

  // Parameters cannot change in place: a new StorageClass of the same name replaces the old one.
  await patchObject(ctx, 'FileSystem', 'published', {
    metadata: { annotations: { [`${prefix}directoryPerms`]: '700' } },
  });
  await eventually(
    'the StorageClass to be replaced',
    async () => (await storageClass(name))?.parameters?.directoryPerms === '700',
    90_000,
  );
  expect((await storageClass(name))?.metadata?.uid).not.toBe(sc.metadata?.uid);
  await eventually('a StorageClassReplaced Event', async () =>
    (await eventsOf('published')).some(
      (e) => e.reason === 'StorageClassReplaced' && e.message.includes('directoryPerms 750 -> 700'),
    ),
  );

  // Removing the annotation removes the StorageClass, but not while a volume of it exists.
  const volume = await createVolume('published-pv', name, `${id}::fsap-0123456789abcdef0`);
  await patchObject(ctx, 'FileSystem', 'published', {
    metadata: { annotations: { [storageAnnotations.storageClass]: null } },
  });
  await waitForCondition(ctx, 'published', ConditionType.recoverable, 'True');
  const blocked = await getFileSystem(ctx, 'published');
  expect(conditionOf(blocked, ConditionType.recoverable)?.message).toContain(volume);
  expect(blocked?.status?.storageClass?.reason).toBe('Removing');
  expect(await storageClass(name)).toBeDefined();

  await deleteVolume(volume);
  await eventually('the StorageClass to go', async () => (await storageClass(name)) === undefined, 90_000);
  await eventually(
    'status.storageClass to go',
    async () => (await storageStatusOf('published'))?.storageClass === undefined,
  );
  // The file system itself stays, and is synced again.
  await waitForCondition(ctx, 'published', ConditionType.synced, 'True');
  expect(await getFileSystem(ctx, 'published')).toBeDefined();

  await deleteObject(ctx, 'MountTarget', 'published-a');
  await waitForGone(ctx, 'MountTarget', 'published-a');
  await deleteObject(ctx, 'FileSystem', 'published');
  await waitForGone(ctx, 'FileSystem', 'published');
});

test('owned mount targets are made per subnet; deleting the FileSystem removes its StorageClass, waits while PersistentVolumes use the file system, then removes its mount targets and itself', async () => {
  const name = className('owned');
  const fs = await applyFileSystem(
    ctx,
    'owner',
    {},
    {
      [storageAnnotations.storageClass]: name,
      [storageAnnotations.mountTargetSubnets]: 'subnet-0123abcd5a, subnet-0123abcd5b',
      [storageAnnotations.mountTargetSecurityGroups]: 'sg-0123456789abcdef0',
    },
  );
  const id = await syncedId('owner');

  let owned: MountTargetObject[] = [];
  await eventually('two owned MountTarget objects', async () => {
    const list = await ctx.fileSystems.api.listNamespacedCustomObject({
      group: 'efs.services.k8s.aws',
      version: 'v1alpha1',
      namespace: ctx.namespace,
      plural: 'mounttargets',
      labelSelector: `${ownerLabels.uid}=${fs.metadata.uid}`,
    });
    owned = (list as { items: MountTargetObject[] }).items;
    return owned.length === 2;
  });
  expect(owned.map((mt) => mt.spec?.subnetID).sort()).toEqual(['subnet-0123abcd5a', 'subnet-0123abcd5b']);
  for (const mt of owned) {
    expect(mt.spec).toMatchObject({
      fileSystemRef: { from: { name: 'owner' } },
      securityGroups: ['sg-0123456789abcdef0'],
    });
    expect(mt.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'FileSystem', name: 'owner', uid: fs.metadata.uid, controller: true }),
    ]);
    await waitForObjectCondition(ctx, 'MountTarget', mt.metadata.name, ConditionType.synced, 'True');
  }
  await waitForCondition(ctx, 'owner', storageClassCondition, 'True');
  expect((await storageClass(name))?.parameters?.fileSystemId).toBe(id);

  // One volume of the StorageClass, one made by hand whose handle names the file system.
  const ofClass = await createVolume('owner-dynamic', name, `${id}::fsap-0123456789abcdef1`);
  const byHandle = await createVolume('owner-static', '', `${id}:/static`);
  await deleteObject(ctx, 'FileSystem', 'owner');
  await eventually('the StorageClass to go first', async () => (await storageClass(name)) === undefined);
  await waitForCondition(ctx, 'owner', ConditionType.recoverable, 'True');
  const blocked = await getFileSystem(ctx, 'owner');
  const message = conditionOf(blocked, ConditionType.recoverable)?.message ?? '';
  expect(message).toContain(ofClass);
  expect(message).toContain(byHandle);
  await eventually('an Event naming the volumes', async () =>
    (await eventsOf('owner')).some((e) => e.message.includes(ofClass) && e.message.includes(byHandle)),
  );
  // Still blocked a while later: the file system and its mount targets are untouched.
  await new Promise((r) => setTimeout(r, 8_000));
  expect(await getFileSystem(ctx, 'owner')).toBeDefined();
  expect((await efs.send(new DescribeFileSystemsCommand({ FileSystemId: id }))).FileSystems?.[0]?.LifeCycleState).toBe(
    'available',
  );
  for (const mt of owned) {
    expect(
      (await ctx.fileSystems.api.getNamespacedCustomObject({
        group: 'efs.services.k8s.aws',
        version: 'v1alpha1',
        namespace: ctx.namespace,
        plural: 'mounttargets',
        name: mt.metadata.name,
      })) as MountTargetObject,
    ).toBeDefined();
  }

  await deleteVolume(ofClass);
  await deleteVolume(byHandle);
  for (const mt of owned) await waitForGone(ctx, 'MountTarget', mt.metadata.name, 180_000);
  await waitForGone(ctx, 'FileSystem', 'owner', 180_000);
  expect(await efs.send(new DescribeFileSystemsCommand({ FileSystemId: id })).catch((err: Error) => err.name)).toBe(
    'FileSystemNotFound',
  );
});

test('a StorageClass that exists and is not ours is never touched: the FileSystem says so', async () => {
  const name = className('foreign');
  await storage.createStorageClass({
    body: { metadata: { name }, provisioner: 'efs.csi.aws.com', parameters: { fileSystemId: 'fs-0000000000' } },
  });
  await applyFileSystem(
    ctx,
    'intruder',
    {},
    {
      [storageAnnotations.storageClass]: name,
      [storageAnnotations.mountTargetSubnets]: 'subnet-0123abcd6a',
    },
  );
  await syncedId('intruder');
  await eventually(
    'status.storageClass to say it is not ours',
    async () => (await storageStatusOf('intruder'))?.storageClass?.reason === 'NotOurs',
    120_000,
  );
  const refused = await getFileSystem(ctx, 'intruder');
  expect(conditionOf(refused, storageClassCondition)?.status).toBe('False');
  expect(refused?.status?.storageClass?.message).toContain('is not this FileSystem');
  expect((await storageClass(name))?.parameters).toEqual({ fileSystemId: 'fs-0000000000' });

  await deleteObject(ctx, 'FileSystem', 'intruder');
  await waitForGone(ctx, 'FileSystem', 'intruder', 180_000);
  // Deletion leaves it too.
  expect((await storageClass(name))?.parameters).toEqual({ fileSystemId: 'fs-0000000000' });
});
