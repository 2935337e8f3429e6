import { Context } from '@temporalio/activity';
import { classified } from '../../../src/activities/failures';
import { observedSignal, type Observation, type Watch } from '../../../src/api/observer-contract';
import { classifyError } from '../../../src/domain/errors';
import { type ObjectRef } from '../../../src/api/workflow-contract';
import { type StatusWrite } from '../../../src/kube/status';
import { widgetDescriptor } from './descriptor';

/** One call the workflow made, in order. */
export interface Call {
  name: string;
  args: unknown[];
}

type Handler = (...args: never[]) => Promise<unknown>;

/**
 * Fake activities for the fake kind and for the Kubernetes side: every call is logged, and a test
 * replaces any behaviour it needs (a failure, a wait that blocks until cancelled).
 */
export class FakeWorld {
  readonly calls: Call[] = [];
  readonly statuses: StatusWrite[] = [];
  readonly events: { reason: string; message: string }[] = [];
  /** status.storageClass as written (undefined: removed). */
  readonly storageStatuses: unknown[] = [];
  namespacePolicy: string | undefined = undefined;
  /** Every watch handed to the (fake) observer, in order. */
  readonly watches: Watch[] = [];
  /** Whether the fake observer answers watches itself (false: the test signals the answers). */
  observerAnswers = true;
  private nextId = 1;
  readonly behaviour: Record<string, Handler> = {};

  named(name: string): Call[] {
    return this.calls.filter((c) => c.name === name);
  }

  lastStatus(): StatusWrite | undefined {
    return this.statuses[this.statuses.length - 1];
  }

  activities(): Record<string, (...args: unknown[]) => Promise<unknown>> {
    const t = widgetDescriptor.activityTypes;
    const defaults: Record<string, Handler> = {
      ensureFinalizer: async () => 'added',
      removeFinalizer: async () => 'removed',
      writeStatus: async (_ref: ObjectRef, write: StatusWrite) => {
        this.statuses.push(write);
        return 'written';
      },
      recordEvent: async (_ref: ObjectRef, event: { reason: string; message: string }) => {
        this.events.push(event);
      },
      namespaceDeletionPolicy: async () => this.namespacePolicy,
      [t.validate]: async () => [],
      [t.create]: async () => {
        const id = `widget-${this.nextId++}`;
        return { id, status: { widgetID: id, lifeCycleState: 'creating' } };
      },
      findWidget: async () => undefined,
      [t.adopt]: async () => undefined,
      [t.waitUntilReady]: async () => ({ lifeCycleState: 'available' }),
      [t.apply]: async () => ({ applied: [] }),
      [t.delete]: async () => undefined,
      [t.waitUntilGone]: async () => undefined,
      resourceOwnership: async () => ({ kind: 'ours' }),
      claimResource: async () => ({ kind: 'adoptable-unowned' }),
      // What a kind that publishes a StorageClass adds (src/activities/storage-class.ts).
      publishStorageClass: async () => ({ outcome: 'created' }),
      withdrawStorageClass: async () => 'deleted',
      ensureNoVolumes: async () => undefined,
      ensureOwnedMountTargets: async () => ({ created: [], removed: [] }),
      removeOwnedMountTargets: async () => [],
      availableMountTargets: async () => 1,
      writeStorageClassStatus: async (_ref: ObjectRef, status: unknown) => {
        this.storageStatuses.push(status);
      },
    };
    const all: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
    /**
     * The observer, faked: a watch is answered by the kind's wait behaviour (so a test sets one
     * behaviour for either path), signalled to the workflow as the real observer does. A
     * `changed` watch is answered only by the test (signalChange).
     */
    defaults.watchResource = async (watch: Watch) => {
      this.watches.push(watch);
      if (watch.until === 'changed' || watch.until === 'released' || !this.observerAnswers) return;
      const waitName = watch.until === 'ready' ? t.waitUntilReady : t.waitUntilGone;
      const waitArgs = { resourceId: watch.resourceId };
      this.calls.push({ name: waitName, args: [waitArgs] });
      const wait = (this.behaviour[waitName] ?? defaults[waitName]) as (...a: unknown[]) => Promise<unknown>;
      let answer: Omit<Observation, 'ticket'>;
      try {
        const status = (await wait(waitArgs)) as Record<string, unknown> | undefined;
        answer =
          watch.until === 'ready'
            ? {
                outcome: 'ready',
                status,
                lifeCycleState: String(status?.lifeCycleState),
                fingerprint: JSON.stringify(status),
              }
            : { outcome: 'gone' };
      } catch (err) {
        const failure = classifyError(err);
        if (failure.code === `${widgetDescriptor.kind}NotFound`) answer = { outcome: 'gone' };
        else if (failure.code === `${widgetDescriptor.kind}InErrorState`)
          answer = { outcome: 'failed', lifeCycleState: 'error' };
        else throw err;
      }
      await Context.current()
        .client.workflow.getHandle(watch.workflowId)
        .signal(observedSignal, { ...answer, ticket: watch.ticket });
    };
    for (const name of Object.keys(defaults)) {
      all[name] = async (...args: unknown[]) => {
        this.calls.push({ name, args });
        const handler = (this.behaviour[name] ?? defaults[name]) as (...a: unknown[]) => Promise<unknown>;
        // Failures leave the activity classified, as the real activities' do.
        return classified(() => handler(...args));
      };
    }
    return all;
  }
}

/** A wait that lasts until the workflow cancels it (heartbeats deliver the cancellation). */
export async function waitUntilCancelled(): Promise<never> {
  const ctx = Context.current();
  for (;;) {
    ctx.heartbeat();
    await ctx.sleep(200);
  }
}
