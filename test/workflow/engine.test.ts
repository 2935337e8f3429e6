import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type WorkflowHandle, type WorkflowHandleWithSignaledRunId } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import {
  annotations,
  efsTaskQueueFor,
  objectChangedSignal,
  resyncSignal,
  stateQuery,
  type ObjectSnapshot,
  type WorkflowOptions,
} from '../../src/api/workflow-contract';
import { observedSignal, type Watch } from '../../src/api/observer-contract';
import { SyncState } from '../../src/domain/conditions';
import { RecoverableError, TerminalError } from '../../src/domain/errors';
import { deletedOutside } from '../../src/kinds/kind';
import { ownershipRefusal } from '../../src/domain/ownership';
import { quietLogger } from '../../src/history/replay';
import { FakeWorld, waitUntilCancelled } from './fake-kind/activities';
import { runWithFakeKindWorkers } from './fake-kind/worker';
import { widgetDescriptor } from './fake-kind/descriptor';
import { startTestEnvironment } from './temporal-server';

/**
 * The engine, once, against a fake kind: the real workflow body on a real Temporal dev server (the
 * stack's own binary), with fake activities that log every call. What happens between two calls
 * is read from the workflow's history, so "nothing happened meanwhile" is asserted exactly.
 */

const EventType = temporal.api.enums.v1.EventType;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let queues = 0;

beforeAll(async () => {
  env = await startTestEnvironment();
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./fake-kind/workflows'), logger: quietLogger });
}, 120_000);

afterAll(async () => {
  await env?.teardown();
});

const defaults: WorkflowOptions = { resyncIntervalSeconds: 3600 };

function snapshot(
  generation: number,
  spec: Record<string, unknown>,
  extra: Partial<ObjectSnapshot> = {},
): ObjectSnapshot {
  return { generation, spec: spec as ObjectSnapshot['spec'], annotations: {}, deletionRequested: false, ...extra };
}

/** Runs `body` with a worker for the fake kind on a queue of its own; returns what the fake saw. */
async function withWorker(
  world: FakeWorld,
  body: (
    start: (first: ObjectSnapshot, options?: WorkflowOptions) => Promise<WorkflowHandleWithSignaledRunId>,
  ) => Promise<void>,
): Promise<void> {
  const taskQueue = `widgets-${++queues}`;
  await runWithFakeKindWorkers({ connection: env.nativeConnection, bundle, world, taskQueue }, () =>
    body(async (first, options = defaults) => {
      const ref = { namespace: 'team-a', name: `w${queues}`, uid: `uid-${queues}` };
      return env.client.workflow.signalWithStart('widgetWorkflow', {
        workflowId: `widget/${ref.namespace}/${ref.name}/${ref.uid}`,
        taskQueue,
        args: [{ ref, options }],
        signal: objectChangedSignal,
        signalArgs: [first],
      });
    }),
  );
}

/** Waits (without asserting on time) until the condition holds. */
async function until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function history(handle: WorkflowHandle): Promise<HistoryEvent[]> {
  return (await handle.fetchHistory()).events ?? [];
}

/** The history in words: activity types scheduled, timers (with their duration), signals, continue-as-new. */
function steps(events: HistoryEvent[]): string[] {
  return events.flatMap((e): string[] => {
    switch (e.eventType) {
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        return [`activity ${e.activityTaskScheduledEventAttributes?.activityType?.name}`];
      case EventType.EVENT_TYPE_MARKER_RECORDED:
        return e.markerRecordedEventAttributes?.markerName === 'core_local_activity' ? ['local activity'] : [];
      case EventType.EVENT_TYPE_TIMER_STARTED:
        return [`timer ${Number(e.timerStartedEventAttributes?.startToFireTimeout?.seconds ?? 0)}s`];
      case EventType.EVENT_TYPE_TIMER_FIRED:
        return ['timer fired'];
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        return [`signal ${e.workflowExecutionSignaledEventAttributes?.signalName}`];
      case EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED:
        return ['cancel requested'];
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
        return ['continued as new'];
      default:
        return [];
    }
  });
}

/** The steps after the last occurrence of `marker` (inclusive of nothing before it). */
function after(all: string[], marker: string): string[] {
  const i = all.lastIndexOf(marker);
  return i < 0 ? [] : all.slice(i + 1);
}

/** Waits until a pass is marked handled: after its Synced report and that report's Event, so nothing of it is still to come. */
async function passHandled(handle: WorkflowHandle, generation: number): Promise<void> {
  await until(
    `generation ${generation} handled`,
    async () => (await handle.query(stateQuery)).handledGeneration === generation,
  );
}

const synced = (world: FakeWorld, generation: number): boolean =>
  world.statuses.some((s) => s.view.state === SyncState.synced && s.view.generation === generation);

describe('the engine, on a fake kind', () => {
  it("EFS calls run on the EFS task queue (the account's budget); Kubernetes calls and watches on the workflow's own", async () => {
    const world = new FakeWorld();
    await withWorker(world, async (start) => {
      const handle = await start(snapshot(1, { size: 1 }));
      await until('generation 1 synced', () => synced(world, 1));
      const queueOf = new Map(
        (await history(handle))
          .map((e) => e.activityTaskScheduledEventAttributes)
          .filter((a) => a !== null && a !== undefined)
          .map((a) => [a.activityType?.name, a.taskQueue?.name]),
      );
      const own = (await handle.describe()).taskQueue;
      expect(queueOf.get('createWidget')).toBe(efsTaskQueueFor(own));
      expect(queueOf.get('applyWidget')).toBe(efsTaskQueueFor(own));
      expect(queueOf.get('ensureFinalizer')).toBe(own);
      // The wait is the observer's: a watch handed to it, no polling activity.
      expect(queueOf.get('watchResource')).toBe(own);
      expect(queueOf.has('waitUntilWidgetReady')).toBe(false);
      await handle.terminate();
    });
  });

  it('a newer generation supersedes a pass in progress: its wait is cancelled and only the newer spec is applied', async () => {
    const world = new FakeWorld();
    world.behaviour.waitUntilWidgetReady = async () =>
      world.named('waitUntilWidgetReady').length === 1 ? waitUntilCancelled() : { lifeCycleState: 'available' };
    await withWorker(world, async (start) => {
      const handle = await start(snapshot(1, { size: 1 }));
      await until('the first wait', () => world.named('waitUntilWidgetReady').length === 1);
      await handle.signal(objectChangedSignal, snapshot(2, { size: 2 }));
      await until('generation 2 synced', () => synced(world, 2));
      const all = steps(await history(handle));
      expect(all).toContain('cancel requested');
      expect(world.named('createWidget')).toHaveLength(1);
      expect(world.named('applyWidget').map((c) => c.args[2])).toEqual([{ size: 2 }]);
      expect(synced(world, 1)).toBe(false);
      // The pass is marked handled just after its Synced report (and its Event).
      await until('generation 2 handled', async () => (await handle.query(stateQuery)).handledGeneration === 2);
      await handle.terminate();
    });
  });

  it('Terminal stays so, with no call at all, until a resync request; then the pass runs again', async () => {
    const world = new FakeWorld();
    world.behaviour.createWidget = async () => {
      if (world.named('createWidget').length === 1) throw new TerminalError('WidgetLimitExceeded', 'no more widgets');
      return { id: 'widget-9', status: { widgetID: 'widget-9', lifeCycleState: 'creating' } };
    };
    await withWorker(world, async (start) => {
      const handle = await start(snapshot(1, { size: 1 }));
      await until('Terminal', () => world.lastStatus()?.view.state === SyncState.terminal);
      // Idle: the workflow waits on its drift timer, which a Terminal pass does not act on.
      await until(
        'the idle wait',
        async () => (await history(handle)).length > 0 && steps(await history(handle)).at(-1) === 'timer 3600s',
      );
      expect(world.lastStatus()?.view).toMatchObject({
        reason: 'WidgetLimitExceeded',
        message: 'CreateWidget: no more widgets',
      });
      const callsWhileTerminal = world.calls.length;

      await handle.signal(resyncSignal);
      await until('synced after the resync', () => synced(world, 1));
      const all = steps(await history(handle));
      // Between the Terminal report and the resync signal: only its Event, then the idle timer.
      const terminalAt = all.lastIndexOf('activity createWidget', all.indexOf('signal resync'));
      expect(all.slice(terminalAt + 1, all.indexOf('signal resync'))).toEqual([
        'activity writeStatus',
        'activity recordEvent',
        'timer 3600s',
      ]);
      expect(world.calls.slice(0, callsWhileTerminal).filter((c) => c.name === 'createWidget')).toHaveLength(1);
      expect(world.named('createWidget')).toHaveLength(2);
      await handle.terminate();
    });
  });

  it('Recoverable waits as long as the error says, with no call meanwhile (the wait shortened by the options)', async () => {
    const day = 24 * 60 * 60 * 1000;
    const world = new FakeWorld();
    world.behaviour.createWidget = async () => {
      if (world.named('createWidget').length === 1)
        throw new RecoverableError('WidgetBusy', 'busy until tomorrow', day);
      return { id: 'widget-1', status: { widgetID: 'widget-1', lifeCycleState: 'creating' } };
    };
    await withWorker(world, async (start) => {
      const handle = await start(snapshot(1, { size: 1 }), { ...defaults, longestRetryDelaySeconds: 1 });
      await until('synced', () => synced(world, 1));
      const all = steps(await history(handle));
      const first = all.indexOf('activity createWidget');
      expect(all.slice(first + 1, all.lastIndexOf('activity createWidget'))).toEqual([
        'activity writeStatus',
        'activity recordEvent',
        'timer 1s',
        'timer fired',
      ]);
      const recoverable = world.statuses.find((s) => s.view.state === SyncState.recoverable);
      expect(recoverable?.view).toMatchObject({ reason: 'WidgetBusy' });
      expect(recoverable?.view.message).toMatch(/^CreateWidget: busy until tomorrow \(next retry at \S+Z\)$/);
      await handle.terminate();
    });

    // Without the shortening, the wait is the error's own day, and nothing is called while it lasts.
    const waiting = new FakeWorld();
    waiting.behaviour.createWidget = async () => {
      throw new RecoverableError('WidgetBusy', 'busy until tomorrow', day);
    };
    await withWorker(waiting, async (start) => {
      const handle = await start(snapshot(1, { size: 1 }));
      await until('the long wait', async () => steps(await history(handle)).includes('timer 86400s'));
      expect(after(steps(await history(handle)), 'activity createWidget')).toEqual([
        'activity writeStatus',
        'activity recordEvent',
        'timer 86400s',
      ]);
      expect((await handle.query(stateQuery)).nextRetryAt).toBeDefined();
      await handle.terminate();
    });
  });

  it('the drift timer re-reads the resource, corrects drift and says so', async () => {
    const world = new FakeWorld();
    world.behaviour.applyWidget = async () => ({
      applied: world.named('applyWidget').length === 2 ? ['SetColour red'] : [],
    });
    await withWorker(world, async (start) => {
      const handle = await start(snapshot(1, { size: 1 }), { resyncIntervalSeconds: 1 });
      await until('DriftCorrected', () => world.events.some((e) => e.reason === 'DriftCorrected'));
      await until(
        'synced again',
        () => world.named('applyWidget').length >= 3 && world.lastStatus()?.view.state === SyncState.synced,
      );
      expect(world.events.find((e) => e.reason === 'DriftCorrected')?.message).toBe(
        'changed outside Kubernetes, now corrected: SetColour red',
      );
      const all = steps(await history(handle));
      expect(all).toContain('timer 1s');
      expect(all.slice(all.indexOf('timer fired'))).toEqual(
        expect.arrayContaining(['activity watchResource', 'signal observed', 'activity applyWidget']),
      );
      expect(world.named('createWidget')).toHaveLength(1);
      await handle.terminate();
    });
  });

  it('a create that made the resource exactly as the spec asks ends its pass once ready, with no apply; the drift check applies', async () => {
    const world = new FakeWorld();
    world.behaviour.createWidget = async () => ({
      id: 'widget-9',
      status: { widgetID: 'widget-9', lifeCycleState: 'creating' },
      settled: true,
    });
    await withWorker(world, async (start) => {
      const handle = await start(snapshot(1, { size: 1 }), { resyncIntervalSeconds: 2 });
      await passHandled(handle, 1);
      expect(synced(world, 1)).toBe(true);
      const firstPass = steps(await history(handle));
      expect(firstPass).toContain('activity createWidget');
      expect(firstPass).not.toContain('activity applyWidget');
      expect(world.named('applyWidget')).toHaveLength(0);
      // Only the create's own pass skips the read-back: the next one (here the drift timer) applies.
      await until('the drift check applied', () => world.named('applyWidget').length >= 1);
      expect(world.named('createWidget')).toHaveLength(1);
      await handle.terminate();
    });
  });

  it('a wait is a watch handed to the observer and a condition on its signal: no polling, an older answer ignored', async () => {
    const world = new FakeWorld();
    // The observer does not answer by itself here: the test is the observer.
    world.observerAnswers = false;
    await withWorker(world, async (start) => {
      const handle = await start(snapshot(1, { size: 1 }));
      await until('the watch', () => world.watches.length === 1);
      const watch = world.watches[0] as Watch;
      expect(watch).toMatchObject({
        workflowId: handle.workflowId,
        kind: 'Widget',
        resourceId: 'widget-1',
        until: 'ready',
        ticket: 1,
      });
      // An answer to another ticket (a late one to an older watch) changes nothing.
      await handle.signal(observedSignal, { ticket: 0, outcome: 'ready', status: { lifeCycleState: 'available' } });
      await new Promise((r) => setTimeout(r, 1_000));
      expect(world.lastStatus()?.view.state).toBe(SyncState.creating);
      await handle.signal(observedSignal, {
        ticket: watch.ticket,
        outcome: 'ready',
        lifeCycleState: 'available',
        status: { widgetID: 'widget-1', lifeCycleState: 'available' },
        fingerprint: 'seen-1',
      });
      await passHandled(handle, 1);
      expect(world.lastStatus()?.view.state).toBe(SyncState.synced);
      expect(world.lastStatus()?.fields).toMatchObject({ lifeCycleState: 'available' });
      const all = steps(await history(handle));
      // Between the watch and the apply: only the two signals and the safety timer; no polling activity.
      const waited = all.slice(all.indexOf('activity watchResource') + 1, all.indexOf('activity applyWidget'));
      expect([...waited].sort()).toEqual(['signal observed', 'signal observed', 'timer 600s']);
      expect(all).not.toContain('activity waitUntilWidgetReady');
      // After the sync: a watch for changes from what was seen.
      expect(world.watches[1]).toMatchObject({ until: 'changed', ticket: 2, seen: 'seen-1' });
      await handle.terminate();
    });
  });

  it('a change the observer reports runs a drift check at once, with no drift timer', async () => {
    const world = new FakeWorld();
    world.behaviour.applyWidget = async () => ({
      applied: world.named('applyWidget').length === 2 ? ['SetColour red'] : [],
    });
    await withWorker(world, async (start) => {
      const handle = await start(snapshot(1, { size: 1 }), { resyncIntervalSeconds: 3600 });
      await passHandled(handle, 1);
      await until('the watch for changes', () => world.watches.some((w) => w.until === 'changed'));
      const changed = world.watches.find((w) => w.until === 'changed') as Watch;
      await handle.signal(observedSignal, { ticket: changed.ticket, outcome: 'changed', lifeCycleState: 'available' });
      await until('DriftCorrected', () => world.events.some((e) => e.reason === 'DriftCorrected'));
      await until('watching again', () => world.watches.filter((w) => w.until === 'changed').length === 2);
      const all = steps(await history(handle));
      expect(all).not.toContain('timer fired');
      expect(world.named('applyWidget').length).toBeGreaterThanOrEqual(2);
      expect(world.named('createWidget')).toHaveLength(1);
      await handle.terminate();
    });
  });

  it("the watch for changes carries the slow settings the apply read and their fingerprint; a settled create's too", async () => {
    const slow = { settings: { lifecycle: false, backup: true, policy: false }, seen: '{"backup":"ENABLED"}' };
    const world = new FakeWorld();
    world.behaviour.applyWidget = async () => ({ applied: [], slow });
    await withWorker(world, async (start) => {
      const handle = await start(snapshot(1, { size: 1 }));
      await passHandled(handle, 1);
      await until('the watch for changes', () => world.watches.some((w) => w.until === 'changed'));
      expect(world.watches.find((w) => w.until === 'changed')).toMatchObject({ slow });
      await handle.terminate();
    });
    const created = new FakeWorld();
    created.behaviour.createWidget = async () => ({
      id: 'widget-9',
      status: { widgetID: 'widget-9', lifeCycleState: 'creating' },
      settled: true,
      slow,
    });
    await withWorker(created, async (start) => {
      const handle = await start(snapshot(1, { size: 1 }));
      await passHandled(handle, 1);
      await until('the watch for changes', () => created.watches.some((w) => w.until === 'changed'));
      expect(created.named('applyWidget')).toHaveLength(0);
      expect(created.watches.find((w) => w.until === 'changed')).toMatchObject({ slow });
      await handle.terminate();
    });
  });

  it('continue-as-new carries the state: the next run knows its resource and creates nothing', async () => {
    const world = new FakeWorld();
    await withWorker(world, async (start) => {
      const handle = await start(snapshot(1, { size: 1 }), { ...defaults, continueAsNewAtHistoryLength: 20 });
      const firstRun = handle.signaledRunId;
      await until('continued as new', async () =>
        steps(await history(env.client.workflow.getHandle(handle.workflowId, firstRun))).includes('continued as new'),
      );
      const latest = env.client.workflow.getHandle(handle.workflowId);
      await until('the next run answers', async () => (await latest.describe()).runId !== firstRun);
      const state = await latest.query(stateQuery);
      expect(state).toMatchObject({ fileSystemId: 'widget-1', handledGeneration: 1, latestGeneration: 1 });
      expect(state.statusSequence).toBeGreaterThan(0);
      await latest.signal(objectChangedSignal, snapshot(1, { size: 1 }, { deletionRequested: true }));
      await latest.result();
      expect(world.named('createWidget')).toHaveLength(1);
      expect(world.named('deleteWidget').map((c) => c.args[0])).toEqual(['widget-1']);
    });
  });

  it('a Terminal failure after the resource became available says so: every status write carries the latest observed state', async () => {
    const world = new FakeWorld();
    world.behaviour.applyWidget = async () => {
      throw new TerminalError('WidgetRefused', 'AWS refuses the colour');
    };
    await withWorker(world, async (start) => {
      const handle = await start(snapshot(1, { size: 1 }));
      await until('Terminal', () => world.lastStatus()?.view.state === SyncState.terminal);
      expect(world.statuses[0]?.fields?.lifeCycleState).toBe('creating');
      expect(world.lastStatus()?.view).toMatchObject({ reason: 'WidgetRefused' });
      expect(world.lastStatus()?.fields).toMatchObject({ widgetID: 'widget-1', lifeCycleState: 'available' });
      expect((await handle.query(stateQuery)).lifeCycleState).toBe('available');
      await handle.terminate();
    });
  });

  it('each drift check re-reads AWS and reports what it says; a resource gone is "deleted outside Kubernetes"', async () => {
    const world = new FakeWorld();
    world.behaviour.waitUntilWidgetReady = async () => {
      const checks = world.named('waitUntilWidgetReady').length;
      if (checks === 3) throw deletedOutside(widgetDescriptor, 'widget-1');
      return { lifeCycleState: 'available', numberOfParts: checks };
    };
    await withWorker(world, async (start) => {
      const handle = await start(snapshot(1, { size: 1 }), { resyncIntervalSeconds: 1 });
      await until('Terminal', () => world.lastStatus()?.view.state === SyncState.terminal);
      const syncedWrites = world.statuses.filter((s) => s.view.state === SyncState.synced);
      expect(syncedWrites.map((s) => s.fields?.numberOfParts)).toEqual([1, 2]);
      expect(world.lastStatus()?.view).toMatchObject({ reason: 'WidgetNotFound' });
      expect(world.lastStatus()?.view.message).toBe(
        'waiting until available: EFS widget widget-1 no longer exists in AWS: it was deleted outside Kubernetes. No replacement is created; delete this object, then apply it again to create a new widget',
      );
      expect(world.lastStatus()?.fields?.lifeCycleState).toBe('deleted');
      expect(world.named('createWidget')).toHaveLength(1);
      await handle.terminate();
    });
  });

  it('adoption takes over the resource the annotations name, for any kind; read-only never changes it', async () => {
    const world = new FakeWorld();
    world.behaviour.adoptWidget = async (id: string) => ({ id, status: { widgetID: id, lifeCycleState: 'available' } });
    const adopting = {
      [annotations.adoptionPolicy]: 'adopt',
      [annotations.adoptionFields]: JSON.stringify({ widgetID: 'widget-77' }),
    };
    await withWorker(world, async (start) => {
      const handle = await start(snapshot(1, { size: 1 }, { annotations: adopting }));
      await until('synced', () => synced(world, 1));
      expect(world.named('adoptWidget').map((c) => c.args[0])).toEqual(['widget-77']);
      expect(world.named('claimResource').map((c) => c.args.slice(1, 4))).toEqual([['Widget', 'widget-77', false]]);
      expect(world.named('createWidget')).toHaveLength(0);
      expect(world.events.map((e) => e.reason)).toContain('Adopted');
      expect((await handle.query(stateQuery)).fileSystemId).toBe('widget-77');
      await handle.terminate();
    });

    const observing = new FakeWorld();
    observing.behaviour.adoptWidget = world.behaviour.adoptWidget;
    await withWorker(observing, async (start) => {
      const handle = await start(
        snapshot(1, { size: 1 }, { annotations: { ...adopting, [annotations.readOnly]: 'true' } }),
      );
      await until('synced', () => synced(observing, 1));
      expect(observing.lastStatus()?.view.message).toBe(
        'EFS widget widget-77 is available (read-only: observed, never changed)',
      );
      for (const never of ['ensureFinalizer', 'createWidget', 'applyWidget', 'claimResource'])
        expect(observing.named(never)).toHaveLength(0);
      await handle.signal(
        objectChangedSignal,
        snapshot(
          1,
          { size: 1 },
          { annotations: { ...adopting, [annotations.readOnly]: 'true' }, deletionRequested: true },
        ),
      );
      await handle.result();
      expect(observing.named('deleteWidget')).toHaveLength(0);
    });
  });

  it('adoption refused for ownership is Terminal until the take-over annotation is added; then it takes over', async () => {
    const world = new FakeWorld();
    world.behaviour.adoptWidget = async (id: string) => ({ id, status: { widgetID: id, lifeCycleState: 'available' } });
    world.behaviour.claimResource = async (_ref: unknown, _kind: string, id: string, takeOver: boolean) => {
      const owner = { by: 'object', kind: 'Widget', namespace: 'default', name: 'gone', uid: 'uid-gone' } as const;
      const decision = { kind: 'take-over-needed', owner, why: 'owner-gone' } as const;
      if (!takeOver) throw ownershipRefusal(decision, `EFS widget ${id}`, annotations.takeOver);
      return decision;
    };
    const adopting = {
      [annotations.adoptionPolicy]: 'adopt',
      [annotations.adoptionFields]: JSON.stringify({ widgetID: 'widget-77' }),
    };
    await withWorker(world, async (start) => {
      const handle = await start(snapshot(1, { size: 1 }, { annotations: adopting }));
      await until('terminal', () => world.lastStatus()?.view.state === SyncState.terminal);
      expect(world.lastStatus()?.view.reason).toBe('TakeOverRequired');
      expect(world.lastStatus()?.view.message).toContain(`add the annotation ${annotations.takeOver}: "true"`);
      const refusedAt = world.calls.length;
      // Any other annotation change leaves it Terminal; the take-over annotation runs the pass again.
      await handle.signal(objectChangedSignal, snapshot(1, { size: 1 }, { annotations: { ...adopting, team: 'a' } }));
      await handle.signal(
        objectChangedSignal,
        snapshot(1, { size: 1 }, { annotations: { ...adopting, [annotations.takeOver]: 'true' } }),
      );
      await until('synced', () => synced(world, 1));
      expect(world.calls.slice(refusedAt).filter((c) => c.name === 'claimResource')).toHaveLength(1);
      expect(world.events.map((e) => e.reason)).toContain('TakenOver');
      expect(world.named('createWidget')).toHaveLength(0);
      await handle.terminate();
    });
  });

  it('deletion deletes only what the object owns: a resource another object owns stays, and an Event says why', async () => {
    const world = new FakeWorld();
    world.behaviour.resourceOwnership = async () => ({
      kind: 'refused',
      owner: { by: 'object', kind: 'Widget', namespace: 'default', name: 'other', uid: 'uid-other' },
    });
    await withWorker(world, async (start) => {
      const handle = await start(snapshot(1, { size: 1 }));
      await passHandled(handle, 1);
      await handle.signal(objectChangedSignal, snapshot(1, { size: 1 }, { deletionRequested: true }));
      await handle.result();
      const all = after(steps(await history(handle)), 'signal objectChanged');
      expect(all).toEqual([
        'activity namespaceDeletionPolicy',
        'activity resourceOwnership',
        'activity recordEvent',
        'activity watchResource',
        'activity removeFinalizer',
      ]);
      expect(world.named('deleteWidget')).toHaveLength(0);
      expect(world.events.find((e) => e.reason === 'NotDeleted')?.message).toBe(
        'EFS widget widget-1 now belongs to Widget default/other (uid uid-other); it is not deleted',
      );
    });
  });

  describe('deletion policies', () => {
    async function deleteWith(world: FakeWorld, deletionAnnotations: Record<string, string>): Promise<string[]> {
      let all: string[] = [];
      await withWorker(world, async (start) => {
        const handle = await start(snapshot(1, { size: 1 }, { annotations: deletionAnnotations }));
        await passHandled(handle, 1);
        await handle.signal(
          objectChangedSignal,
          snapshot(1, { size: 1 }, { annotations: deletionAnnotations, deletionRequested: true }),
        );
        await handle.result();
        all = after(steps(await history(handle)), 'signal objectChanged');
      });
      return all;
    }

    it('delete (the default): deletes, waits until AWS reports it gone, then lets the object go', async () => {
      const world = new FakeWorld();
      const all = await deleteWith(world, {});
      expect(all).toEqual([
        'activity namespaceDeletionPolicy',
        'activity resourceOwnership',
        'activity writeStatus',
        'activity recordEvent',
        'activity deleteWidget',
        'activity watchResource',
        'signal observed',
        'activity removeFinalizer',
      ]);
      expect(world.named('deleteWidget')[0]?.args[0]).toBe('widget-1');
      expect(world.lastStatus()?.view.message).toBe('deleting EFS widget widget-1');
    });

    it('retain on the object: the resource stays, the finalizer goes, the namespace is not asked', async () => {
      const world = new FakeWorld();
      const all = await deleteWith(world, { [annotations.deletionPolicy]: 'retain' });
      // The watch for changes is withdrawn: the observer no longer looks at a resource nobody manages.
      expect(all).toEqual(['activity watchResource', 'activity removeFinalizer']);
      expect(world.watches[world.watches.length - 1]).toMatchObject({ until: 'released', resourceId: 'widget-1' });
    });

    it("the namespace's default applies to objects that name none", async () => {
      const retaining = new FakeWorld();
      retaining.namespacePolicy = 'retain';
      expect(await deleteWith(retaining, {})).toEqual([
        'activity namespaceDeletionPolicy',
        'activity watchResource',
        'activity removeFinalizer',
      ]);

      const deleting = new FakeWorld();
      deleting.namespacePolicy = 'delete';
      expect(await deleteWith(deleting, {})).toContain('activity deleteWidget');
      // The object's own policy wins over the namespace's.
      const own = new FakeWorld();
      own.namespacePolicy = 'retain';
      expect(await deleteWith(own, { [annotations.deletionPolicy]: 'delete' })).toContain('activity deleteWidget');
    });
  });
});
