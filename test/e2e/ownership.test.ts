import {
  CreateFileSystemCommand,
  DescribeAccessPointsCommand,
  DescribeFileSystemsCommand,
  DescribeMountTargetsCommand,
  EFSClient,
  ListTagsForResourceCommand,
  TagResourceCommand,
} from '@aws-sdk/client-efs';
import { CoreV1Api } from '@kubernetes/client-node';
import { ConditionType } from '../../src/api/filesystem';
import { annotations } from '../../src/api/workflow-contract';
import { ownTags } from '../../src/domain/filesystem';
import { ackTagKeys } from '../../src/domain/ownership';
import {
  applyFileSystem,
  applyObject,
  conditionOf,
  createE2eContext,
  efsClientFor,
  deleteObject,
  eventually,
  getFileSystem,
  patchObject,
  startOrchestrator,
  waitForCondition,
  waitForGone,
  waitForObjectCondition,
  type E2eContext,
} from './harness';

/**
 * Ownership against the real stack: an object never adopts, nor deletes, what another object
 * owns; taking over from a gone owner or from ACK takes the take-over annotation and is reported
 * as an Event. AWS state is checked through the EFS API itself.
 */
jest.setTimeout(300_000);

let ctx: E2eContext;
let efs: EFSClient;

beforeAll(async () => {
  ctx = await createE2eContext('owner');
  efs = efsClientFor(ctx);
  startOrchestrator(ctx, 'run');
});
afterAll(async () => {
  await ctx.close();
  efs.destroy();
});

const subnet = 'subnet-0123abcd1a';
const describeFs = async (id: string) =>
  (await efs.send(new DescribeFileSystemsCommand({ FileSystemId: id })).catch(() => ({ FileSystems: [] })))
    .FileSystems?.[0];
const tagsOf = async (id: string): Promise<Record<string, string | undefined>> =>
  Object.fromEntries(
    ((await efs.send(new ListTagsForResourceCommand({ ResourceId: id }))).Tags ?? []).map((t) => [t.Key, t.Value]),
  );
const adoption = (fileSystemID: string, extra: Record<string, string> = {}): Record<string, string> => ({
  [annotations.adoptionPolicy]: 'adopt',
  [annotations.adoptionFields]: JSON.stringify({ fileSystemID }),
  ...extra,
});

async function syncedId(name: string): Promise<string> {
  const obj = await waitForCondition(ctx, name, ConditionType.synced, 'True');
  return obj.status?.fileSystemID as string;
}

async function eventsOf(name: string): Promise<{ reason: string; message: string }[]> {
  const list = await ctx.kc
    .makeApiClient(CoreV1Api)
    .listNamespacedEvent({ namespace: ctx.namespace, fieldSelector: `involvedObject.name=${name}` });
  return list.items.map((e) => ({ reason: e.reason ?? '', message: e.message ?? '' }));
}

async function eventWith(name: string, reason: string): Promise<string> {
  let message = '';
  await eventually(`a ${reason} event on ${name}`, async () => {
    message = (await eventsOf(name)).find((e) => e.reason === reason)?.message ?? '';
    return message !== '';
  });
  return message;
}

/** Asks for a sync now and waits until the object answered it, Synced. */
async function resyncedAndSynced(name: string): Promise<void> {
  const requestedAt = new Date().toISOString();
  await patchObject(ctx, 'FileSystem', name, {
    metadata: { annotations: { [annotations.resyncRequestedAt]: requestedAt } },
  });
  await eventually(`${name} to answer the resync request, Synced`, async () => {
    const obj = await getFileSystem(ctx, name);
    return (
      obj?.status?.resyncRequestHandled === requestedAt && conditionOf(obj, ConditionType.synced)?.status === 'True'
    );
  });
}

test('adopting a file system another live object manages is refused naming it; deleting the refused object leaves it', async () => {
  const a = await applyFileSystem(ctx, 'a');
  const id = await syncedId('a');
  await applyFileSystem(ctx, 'b', {}, adoption(id));
  const refused = await waitForCondition(ctx, 'b', ConditionType.terminal, 'True');
  const terminal = conditionOf(refused, ConditionType.terminal);
  expect(terminal?.reason).toBe('OwnedByAnotherObject');
  expect(terminal?.message).toContain(`FileSystem ${ctx.namespace}/a (uid ${a.metadata.uid})`);
  expect(refused.status?.fileSystemID).toBeUndefined();
  expect((await tagsOf(id))['efs-orchestrator/uid']).toBe(a.metadata.uid);

  await deleteObject(ctx, 'FileSystem', 'b');
  await waitForGone(ctx, 'FileSystem', 'b');
  expect((await describeFs(id))?.LifeCycleState).toBe('available');
  await resyncedAndSynced('a');
  expect((await getFileSystem(ctx, 'a'))?.status?.fileSystemID).toBe(id);
});

test('taking over from a gone owner needs the take-over annotation, and is reported as an Event', async () => {
  const gone = await applyFileSystem(ctx, 'gone-owner', {}, { [annotations.deletionPolicy]: 'retain' });
  const id = await syncedId('gone-owner');
  await deleteObject(ctx, 'FileSystem', 'gone-owner');
  await waitForGone(ctx, 'FileSystem', 'gone-owner');

  const heir = await applyFileSystem(ctx, 'heir', {}, adoption(id));
  const refused = await waitForCondition(ctx, 'heir', ConditionType.terminal, 'True');
  const terminal = conditionOf(refused, ConditionType.terminal);
  expect(terminal?.reason).toBe('TakeOverRequired');
  expect(terminal?.message).toContain(`FileSystem ${ctx.namespace}/gone-owner (uid ${gone.metadata.uid})`);
  expect(terminal?.message).toContain(`add the annotation ${annotations.takeOver}: "true"`);
  expect((await tagsOf(id))['efs-orchestrator/uid']).toBe(gone.metadata.uid);

  await patchObject(ctx, 'FileSystem', 'heir', { metadata: { annotations: { [annotations.takeOver]: 'true' } } });
  expect(await syncedId('heir')).toBe(id);
  expect(await eventWith('heir', 'TakenOver')).toContain(`from FileSystem ${ctx.namespace}/gone-owner`);
  expect((await tagsOf(id))['efs-orchestrator/uid']).toBe(heir.metadata.uid);

  // Now it is the heir's: deleting the heir deletes it.
  await deleteObject(ctx, 'FileSystem', 'heir');
  await waitForGone(ctx, 'FileSystem', 'heir');
  expect(await describeFs(id)).toBeUndefined();
});

test('a file system an ACK controller made is adopted only with the take-over annotation', async () => {
  const made = await efs.send(
    new CreateFileSystemCommand({
      CreationToken: `ack-${ctx.runId}`,
      Tags: [
        { Key: ackTagKeys.controllerVersion, Value: 'efs-v1.4.1' },
        { Key: ackTagKeys.namespace, Value: ctx.namespace },
      ],
    }),
  );
  const id = made.FileSystemId as string;
  await eventually(
    'the ACK file system to be available',
    async () => (await describeFs(id))?.LifeCycleState === 'available',
  );

  const obj = await applyFileSystem(ctx, 'from-ack', {}, adoption(id));
  const refused = await waitForCondition(ctx, 'from-ack', ConditionType.terminal, 'True');
  const terminal = conditionOf(refused, ConditionType.terminal);
  expect(terminal?.reason).toBe('TakeOverRequired');
  expect(terminal?.message).toContain('an ACK controller (efs-v1.4.1');
  expect(terminal?.message).toContain(annotations.takeOver);
  expect((await tagsOf(id))['efs-orchestrator/uid']).toBeUndefined();

  await patchObject(ctx, 'FileSystem', 'from-ack', { metadata: { annotations: { [annotations.takeOver]: 'true' } } });
  expect(await syncedId('from-ack')).toBe(id);
  expect(await eventWith('from-ack', 'TakenOver')).toContain('an ACK controller');
  expect((await tagsOf(id))['efs-orchestrator/uid']).toBe(obj.metadata.uid);
});

test('deleting a FileSystem whose file system is now tagged for another object leaves it, and says so', async () => {
  await applyFileSystem(ctx, 'retagged');
  const id = await syncedId('retagged');
  const other = { namespace: ctx.namespace, name: 'someone-else', uid: `uid-${ctx.runId}` };
  await efs.send(new TagResourceCommand({ ResourceId: id, Tags: ownTags(other) }));
  await deleteObject(ctx, 'FileSystem', 'retagged');
  await waitForGone(ctx, 'FileSystem', 'retagged');
  expect((await describeFs(id))?.LifeCycleState).toBe('available');
  expect(await eventWith('retagged', 'NotDeleted')).toContain(`FileSystem ${ctx.namespace}/someone-else`);
});

test("a MountTarget never takes, nor deletes, another MountTarget's mount target", async () => {
  await applyFileSystem(ctx, 'shared');
  const id = await syncedId('shared');
  const mtSpec = { fileSystemRef: { from: { name: 'shared' } }, subnetID: subnet };
  const mtA = await applyObject(ctx, 'MountTarget', 'mt-a', mtSpec);
  const first = await waitForObjectCondition(ctx, 'MountTarget', 'mt-a', ConditionType.synced, 'True');
  const mountTargetId = first.status?.mountTargetID as string;

  await applyObject(ctx, 'MountTarget', 'mt-b', mtSpec);
  const refused = await waitForObjectCondition(ctx, 'MountTarget', 'mt-b', ConditionType.terminal, 'True');
  const terminal = conditionOf(refused, ConditionType.terminal);
  expect(terminal?.reason).toBe('OwnedByAnotherObject');
  expect(terminal?.message).toContain(`MountTarget ${ctx.namespace}/mt-a (uid ${mtA.metadata.uid})`);
  expect(refused.status?.mountTargetID).toBeUndefined();

  await deleteObject(ctx, 'MountTarget', 'mt-b');
  await waitForGone(ctx, 'MountTarget', 'mt-b');
  const left = (await efs.send(new DescribeMountTargetsCommand({ FileSystemId: id }))).MountTargets ?? [];
  expect(left.map((mt) => mt.MountTargetId)).toEqual([mountTargetId]);
  expect(
    (await waitForObjectCondition(ctx, 'MountTarget', 'mt-a', ConditionType.synced, 'True')).status?.mountTargetID,
  ).toBe(mountTargetId);
});

test('deleting an AccessPoint whose access point is now tagged for another object leaves it, and says so', async () => {
  await applyFileSystem(ctx, 'with-ap');
  await syncedId('with-ap');
  await applyObject(ctx, 'AccessPoint', 'ap', { fileSystemRef: { from: { name: 'with-ap' } } });
  const ap = await waitForObjectCondition(ctx, 'AccessPoint', 'ap', ConditionType.synced, 'True');
  const apId = ap.status?.accessPointID as string;
  const other = { namespace: ctx.namespace, name: 'ap-elsewhere', uid: `uid-ap-${ctx.runId}` };
  await efs.send(new TagResourceCommand({ ResourceId: apId, Tags: ownTags(other) }));

  await deleteObject(ctx, 'AccessPoint', 'ap');
  await waitForGone(ctx, 'AccessPoint', 'ap');
  const still = (await efs.send(new DescribeAccessPointsCommand({ AccessPointId: apId }))).AccessPoints ?? [];
  expect(still.map((a) => a.AccessPointId)).toEqual([apId]);
  expect(await eventWith('ap', 'NotDeleted')).toContain(`AccessPoint ${ctx.namespace}/ap-elsewhere`);
});
