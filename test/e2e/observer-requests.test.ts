import {
  DeleteFileSystemPolicyCommand,
  DescribeFileSystemPolicyCommand,
  DescribeLifecycleConfigurationCommand,
  EFSClient,
  PutLifecycleConfigurationCommand,
} from '@aws-sdk/client-efs';
import { CoreV1Api } from '@kubernetes/client-node';
import { ConditionType } from '../../src/api/filesystem';
import { workerTuningSettings } from '../../src/cli/settings';
import { workflowIdFor } from '../../src/api/workflow-contract';
import {
  applyFileSystem,
  createE2eContext,
  efsClientFor,
  eventually,
  startOrchestrator,
  waitForCondition,
  type E2eContext,
} from './harness';

/**
 * What the observer spends on the objects it watches. While an object waits, it looks at most once
 * per OBSERVER_LOOK_INTERVAL_SECONDS, not as fast as its request budget allows. The settings
 * DescribeFileSystems does not return (lifecycle configuration, backup policy, file
 * system policy) are read by the observer at OBSERVER_SLOW_READ_SECONDS, not by each object's own
 * timer: the drift pass stays at its daily default here, so only the observer can notice. Reads
 * that find what the object left cost the object nothing; one that finds a change wakes it.
 */
jest.setTimeout(300_000);

const slowReadSeconds = 4;
const policy = JSON.stringify({ Version: '2012-10-17', Statement: [] });
const spec = {
  lifecyclePolicies: [{ transitionToIA: 'AFTER_30_DAYS' }],
  backupPolicy: { status: 'DISABLED' },
  policy,
};

let ctx: E2eContext;
let efs: EFSClient;

beforeAll(async () => {
  ctx = await createE2eContext('slowread');
  efs = efsClientFor(ctx);
  startOrchestrator(ctx, 'run', { OBSERVER_SLOW_READ_SECONDS: String(slowReadSeconds) });
});
afterAll(async () => {
  await ctx.close();
  efs.destroy();
});

const requestsOf = async (operation: string): Promise<number> =>
  (await ctx.admin.counters()).operations[operation]?.requests ?? 0;
const lifecycleReads = async (): Promise<number> =>
  (await ctx.admin.counters()).operations.DescribeLifecycleConfiguration?.requests ?? 0;
const policyOf = async (id: string) =>
  efs.send(new DescribeFileSystemPolicyCommand({ FileSystemId: id })).then(
    (out) => out.Policy ?? null,
    (err: Error) => (err.name === 'PolicyNotFound' ? null : Promise.reject(err)),
  );
const transitionsOf = async (id: string) =>
  (await efs.send(new DescribeLifecycleConfigurationCommand({ FileSystemId: id }))).LifecyclePolicies ?? [];

async function historyLength(name: string, uid: string): Promise<number> {
  const handle = ctx.temporal.workflow.getHandle(workflowIdFor('FileSystem', { namespace: ctx.namespace, name, uid }));
  return (await handle.describe()).historyLength;
}

test('a waiting object is looked at once per look interval, not at the whole request budget', async () => {
  const lookInterval = workerTuningSettings.observerLookIntervalSeconds.default;
  await ctx.admin.holdInCreating({ next: 1 }, 8_000);
  const before = await requestsOf('DescribeFileSystems');
  const startedAt = Date.now();
  await applyFileSystem(ctx, 'waiting', { tags: [{ key: 'team', value: 'a' }] });
  await waitForCondition(ctx, 'waiting', ConditionType.synced, 'True');
  const waitedSeconds = (Date.now() - startedAt) / 1000;
  const looks = (await requestsOf('DescribeFileSystems')) - before;
  // One describe by id per look, plus at most a sweep; the budget alone (2 a second) would allow 16 in 8 s.
  expect(looks).toBeGreaterThan(0);
  expect(looks).toBeLessThanOrEqual(Math.floor(waitedSeconds / lookInterval) + 2);
});

test('reads that find the settings as the object left them cost its workflow nothing', async () => {
  const obj = await applyFileSystem(ctx, 'unchanged', spec);
  await waitForCondition(ctx, 'unchanged', ConditionType.synced, 'True');
  // Let the object settle into its watch, then see the observer read its settings twice over.
  await eventually('the object to wait on the observer', async () => {
    const first = await historyLength('unchanged', obj.metadata.uid);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return (await historyLength('unchanged', obj.metadata.uid)) === first;
  });
  const events = await historyLength('unchanged', obj.metadata.uid);
  const reads = await lifecycleReads();
  await eventually('two slow reads of the object', async () => (await lifecycleReads()) >= reads + 2, 60_000);
  expect(await historyLength('unchanged', obj.metadata.uid)).toBe(events);
});

test('an out-of-band change of the lifecycle configuration and the policy is corrected with no drift timer', async () => {
  const obj = await applyFileSystem(ctx, 'drifted', spec);
  const synced = await waitForCondition(ctx, 'drifted', ConditionType.synced, 'True');
  const id = synced.status?.fileSystemID as string;
  await efs.send(new PutLifecycleConfigurationCommand({ FileSystemId: id, LifecyclePolicies: [] }));
  await efs.send(new DeleteFileSystemPolicyCommand({ FileSystemId: id }));
  expect(await transitionsOf(id)).toEqual([]);
  await eventually(
    'the observer to find the change and the object to correct it',
    async () =>
      (await policyOf(id)) !== null && (await transitionsOf(id)).some((p) => p.TransitionToIA === 'AFTER_30_DAYS'),
    // A turn comes within one interval; the object's pass then applies what differs.
    60_000,
  );
  await eventually('a DriftCorrected event', async () => {
    const list = await ctx.kc
      .makeApiClient(CoreV1Api)
      .listNamespacedEvent({ namespace: ctx.namespace, fieldSelector: `involvedObject.uid=${obj.metadata.uid}` });
    return list.items.some((e) => e.reason === 'DriftCorrected');
  });
});
