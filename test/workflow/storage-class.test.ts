import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type WorkflowHandle, type WorkflowHandleWithSignaledRunId } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { searchAttributes } from '../../src/api/search-attributes';
import { storageAnnotations } from '../../src/api/storage-class';
import {
  objectChangedSignal,
  stateQuery,
  type ObjectSnapshot,
  type WorkflowOptions,
} from '../../src/api/workflow-contract';
import { SyncState } from '../../src/domain/conditions';
import { RecoverableError } from '../../src/domain/errors';
import { quietLogger } from '../../src/history/replay';
import { FakeWorld } from './fake-kind/activities';
import { runWithFakeKindWorkers } from './fake-kind/worker';
import { temporalExecutable } from './temporal-server';

/**
 * What a kind that publishes a StorageClass (a FileSystem) adds to the engine, on the fake kind
 * with fake activities: when the StorageClass is published, what wakes a pass, what a deletion
 * does first. The calls between two points are read from the workflow's history.
 */

const EventType = temporal.api.enums.v1.EventType;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let queues = 0;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalExecutable() },
      searchAttributes: Object.values(searchAttributes),
    },
  });
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./fake-kind/workflows'), logger: quietLogger });
}, 120_000);

afterAll(async () => {
  await env?.teardown();
});

const options: WorkflowOptions = { resyncIntervalSeconds: 3600, longestRetryDelaySeconds: 1 };
const sc = storageAnnotations.storageClass;
const prefix = storageAnnotations.parameterPrefix;

function snapshot(generation: number, annotations: Record<string, string>, deletionRequested = false): ObjectSnapshot {
  return { generation, spec: { size: 1 } as ObjectSnapshot['spec'], annotations, deletionRequested };
}

async function withWorker(
  world: FakeWorld,
  body: (start: (first: ObjectSnapshot) => Promise<WorkflowHandleWithSignaledRunId>) => Promise<void>,
): Promise<void> {
  const taskQueue = `storage-widgets-${++queues}`;
  await runWithFakeKindWorkers({ connection: env.nativeConnection, bundle, world, taskQueue }, () =>
    body(async (first) => {
      const ref = { namespace: 'team-a', name: `s${queues}`, uid: `uid-s${queues}` };
      return env.client.workflow.signalWithStart('storageWidgetWorkflow', {
        workflowId: `widget/${ref.namespace}/${ref.name}/${ref.uid}`,
        taskQueue,
        args: [{ ref, options }],
        signal: objectChangedSignal,
        signalArgs: [first],
      });
    }),
  );
}

async function until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Activities scheduled, timers started and signals received (by name), in order. */
async function steps(handle: WorkflowHandle): Promise<string[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  return events.flatMap((e): string[] => {
    if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
      return [e.activityTaskScheduledEventAttributes?.activityType?.name ?? ''];
    if (e.eventType === EventType.EVENT_TYPE_TIMER_STARTED)
      return [`timer ${Number(e.timerStartedEventAttributes?.startToFireTimeout?.seconds ?? 0)}s`];
    if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
      return [`signal ${e.workflowExecutionSignaledEventAttributes?.signalName ?? ''}`];
    return [];
  });
}

const storageCalls = [
  'publishStorageClass',
  'withdrawStorageClass',
  'ensureNoVolumes',
  'ensureOwnedMountTargets',
  'removeOwnedMountTargets',
  'availableMountTargets',
  'writeStorageClassStatus',
];

describe('a kind that publishes a StorageClass', () => {
  it('publishes once a mount target is available, looking again on a timer with no other call; an annotation change alone replaces it', async () => {
    const world = new FakeWorld();
    let looks = 0;
    world.behaviour.availableMountTargets = async () => (++looks < 3 ? 0 : 1);
    const asked = { [sc]: 'shared', [`${prefix}basePath`]: '/dynamic' };
    await withWorker(world, async (start) => {
      const handle = await start(snapshot(1, asked));
      await until('published', () => world.named('publishStorageClass').length === 1);
      await until('the Published status', () =>
        world.storageStatuses.some((s) => (s as { reason?: string } | undefined)?.reason === 'Published'),
      );
      const all = await steps(handle);
      // After the object's own pass: look, say it waits, look again after a timer, then publish.
      const first = all.indexOf('availableMountTargets');
      expect(all.slice(first, all.indexOf('publishStorageClass') + 1)).toEqual([
        'availableMountTargets',
        'writeStorageClassStatus',
        'timer 1s',
        'availableMountTargets',
        'timer 1s',
        'availableMountTargets',
        'publishStorageClass',
      ]);
      expect(world.storageStatuses[0]).toMatchObject({ name: 'shared', ready: false, reason: 'WaitingForMountTarget' });
      expect(world.named('publishStorageClass')[0]?.args[1]).toEqual({
        name: 'shared',
        parameters: {
          provisioningMode: 'efs-ap',
          fileSystemId: 'widget-1',
          directoryPerms: '700',
          basePath: '/dynamic',
        },
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'Immediate',
      });
      expect(world.events.map((e) => e.reason)).toContain('StorageClassCreated');
      expect((await handle.query(stateQuery)).handledGeneration).toBe(1);

      // Same generation, another parameter: a pass runs for it, and the StorageClass is replaced.
      world.behaviour.publishStorageClass = async () => ({
        outcome: 'replaced',
        changes: ['basePath /dynamic -> /other'],
      });
      await handle.signal(objectChangedSignal, snapshot(1, { ...asked, [`${prefix}basePath`]: '/other' }));
      await until('replaced', () => world.events.some((e) => e.reason === 'StorageClassReplaced'));
      expect(world.events.find((e) => e.reason === 'StorageClassReplaced')?.message).toBe(
        'StorageClass shared replaced, since a StorageClass cannot change in place: basePath /dynamic -> /other',
      );
      expect(world.named('createWidget')).toHaveLength(1);
      await handle.terminate();
    });
  });

  it('an invalid annotation is said in status and an Event, with nothing made; the object itself stays Synced', async () => {
    const world = new FakeWorld();
    await withWorker(world, async (start) => {
      const handle = await start(snapshot(1, { [sc]: 'shared', [`${prefix}directoryPerms`]: 'rwx' }));
      await until('the InvalidAnnotation Event', () => world.events.some((e) => e.reason === 'InvalidAnnotation'));
      expect(world.storageStatuses[0]).toMatchObject({ name: 'shared', ready: false, reason: 'InvalidAnnotation' });
      expect(world.events.find((e) => e.reason === 'InvalidAnnotation')?.message).toContain(
        `${prefix}directoryPerms must be octal permissions`,
      );
      expect(world.named('publishStorageClass')).toHaveLength(0);
      expect(world.named('availableMountTargets')).toHaveLength(0);
      expect(world.lastStatus()?.view.state).toBe(SyncState.synced);
      await handle.terminate();
    });
  });

  it('deletion removes the StorageClass first, waits while PersistentVolumes use it (Recoverable, naming them), removes owned mount targets, then deletes', async () => {
    const world = new FakeWorld();
    let checks = 0;
    world.behaviour.ensureNoVolumes = async () => {
      if (++checks < 3)
        throw new RecoverableError('VolumesInUse', 'PersistentVolumes pv-a use StorageClass shared', 5_000);
    };
    const asked = { [sc]: 'shared', [storageAnnotations.mountTargetSubnets]: 'subnet-0123abcd1a' };
    await withWorker(world, async (start) => {
      const handle = await start(snapshot(1, asked));
      await until('the Published status', () =>
        world.storageStatuses.some((s) => (s as { reason?: string } | undefined)?.reason === 'Published'),
      );
      expect(world.named('ensureOwnedMountTargets')[0]?.args[1]).toEqual({ subnets: ['subnet-0123abcd1a'] });
      await handle.signal(objectChangedSignal, snapshot(1, asked, true));
      await handle.result();
      const all = await steps(handle);
      const deletion = all.slice(all.lastIndexOf(`signal ${objectChangedSignal.name}`));
      const order = deletion.filter((s) => [...storageCalls, 'deleteWidget', 'removeFinalizer'].includes(s));
      expect(order).toEqual([
        'withdrawStorageClass',
        'writeStorageClassStatus',
        'ensureNoVolumes',
        'ensureNoVolumes',
        'ensureNoVolumes',
        'removeOwnedMountTargets',
        'deleteWidget',
        'removeFinalizer',
      ]);
      expect(world.named('ensureNoVolumes')[0]?.args).toEqual(['widget-1', 'shared']);
      const blocked = world.statuses.find((s) => s.view.state === SyncState.recoverable);
      expect(blocked?.view).toMatchObject({ reason: 'VolumesInUse' });
      expect(blocked?.view.message).toContain('pv-a');
      expect(world.events.map((e) => e.reason)).toEqual(expect.arrayContaining(['StorageClassDeleted', 'Recoverable']));
    });
  });

  it('without storage annotations a sync makes no storage call; deletion still checks volumes by the resource id', async () => {
    const world = new FakeWorld();
    await withWorker(world, async (start) => {
      const handle = await start(snapshot(1, {}));
      await until('synced', () => world.statuses.some((s) => s.view.state === SyncState.synced));
      await until('handled', async () => (await handle.query(stateQuery)).handledGeneration === 1);
      expect(world.calls.filter((c) => storageCalls.includes(c.name))).toEqual([]);
      await handle.signal(objectChangedSignal, snapshot(1, {}, true));
      await handle.result();
      expect(world.calls.filter((c) => storageCalls.includes(c.name))).toEqual([
        { name: 'ensureNoVolumes', args: ['widget-1', undefined] },
      ]);
    });
  });
});
