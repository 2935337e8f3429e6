import * as wf from '@temporalio/workflow';
import type { WaitArgs } from '../activities';
import type { createObjectActivities } from '../activities/objects';
import type { createObserverActivities } from '../activities/observer';
import type { createOwnershipActivities } from '../activities/ownership';
import { observedSignal, type Observation, type Watch, type WatchUntil } from '../api/observer-contract';
import { type StatusFields } from '../api/status';
import { searchAttributes } from '../api/search-attributes';
import {
  annotations,
  efsTaskQueueFor,
  objectChangedSignal,
  resyncSignal,
  stateQuery,
  workflowPatches,
  type CarriedState,
  type ObjectRef,
  type ObjectSnapshot,
  type WorkflowOptions,
  type WorkflowState,
} from '../api/workflow-contract';
import { SyncState, type SyncView } from '../domain/conditions';
import { type ClassifiedError } from '../domain/errors';
import { notOursToDelete, ownershipReasons } from '../domain/ownership';
import { retryDelayMs } from '../domain/polling';
import { classificationOf } from './failures';

/**
 * The lifecycle every kind shares: one workflow per object that receives snapshots from the
 * watcher, runs a sync pass when there is news (a new generation, a resync request, the drift
 * timer), a deletion pass when the object is being deleted, and reports where it stands on the
 * object, in search attributes and in the Temporal UI. A kind supplies only its two passes.
 */

/** Kubernetes reads and writes: quick, retried a few times, then handed to the workflow's own backoff. */
const kubeOptions: wf.ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 4 },
};

/**
 * Single EFS calls. Only retryable errors are retried here (the others are non-retryable failures).
 * They wait for the account's budget on the EFS task queue, before they start: no schedule-to-start
 * timeout, so a queued call is never timed out or retried for waiting.
 */
const efsOptions: wf.ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 4 },
};

/** Histories recorded before the EFS task queue ran their EFS calls on the workflow's own queue. */
function efsQueue(): Pick<wf.ActivityOptions, 'taskQueue'> {
  return wf.patched(workflowPatches.efsTaskQueue) ? { taskQueue: efsTaskQueueFor(wf.workflowInfo().taskQueue) } : {};
}

/**
 * Long waits: one heartbeating activity polls (cheap in history); a dead worker is noticed by the
 * heartbeat timeout and the retry resumes from the last heartbeat. No fixed timeout gives up on a
 * resource that is still being created.
 */
const waitOptions: wf.ActivityOptions = {
  startToCloseTimeout: '24 hours',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
};

/** Pure checks whose answers must be recorded (see validateSpec). */
const recordedOptions: wf.LocalActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds' },
};

type KubeActivities = ReturnType<typeof createObjectActivities>;
type OwnershipActivities = ReturnType<typeof createOwnershipActivities>;
type ObserverActivities = ReturnType<typeof createObserverActivities>;

/**
 * A wait the observer has not answered for this long hands it over again (an observer reset
 * loses its watches); the observer answers in seconds, so this only bounds a lost watch.
 */
const unansweredWatchMs = 10 * 60_000;
/** A kind's generic activities, called by the names its descriptor gives them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KindActivities = Record<string, (...args: any[]) => Promise<any>>;

/** The activities, as one step calls them: each call carries the step's words as its summary in the Temporal UI. */
export interface StepActivities {
  kube: wf.ActivityInterfaceFor<KubeActivities>;
  /** Who owns a resource (EFS reads, Kubernetes lookups, and the tags of a claim). */
  ownership: wf.ActivityInterfaceFor<OwnershipActivities>;
  /** Hands a watch to the observer of the account and Region. */
  observer: wf.ActivityInterfaceFor<ObserverActivities>;
  efs: KindActivities;
  waits: KindActivities;
  recorded: KindActivities;
}

export function activitiesFor(summary: string): StepActivities {
  return {
    kube: wf.proxyActivities<KubeActivities>({ ...kubeOptions, summary }),
    // Read when a step calls AWS, so the patch marker lands where the first EFS call is scheduled.
    get ownership() {
      return wf.proxyActivities<OwnershipActivities>({ ...efsOptions, ...efsQueue(), summary });
    },
    get efs() {
      return wf.proxyActivities<KindActivities>({ ...efsOptions, ...efsQueue(), summary });
    },
    observer: wf.proxyActivities<ObserverActivities>({ ...kubeOptions, summary }),
    waits: wf.proxyActivities<KindActivities>({ ...waitOptions, summary }),
    recorded: wf.proxyLocalActivities<KindActivities>({ ...recordedOptions, summary }),
  };
}

/** Newer work arrived (a newer generation or a deletion): abandon the pass and start over. */
export class Superseded extends Error {}
/** A terminal error was reported: nothing more to do until the spec changes or a resync is requested. */
export class StoppedTerminal extends Error {}

export interface LifecycleInput {
  ref: ObjectRef;
  options: WorkflowOptions;
  carried?: CarriedState;
}

export interface KindPasses {
  sync(snapshot: ObjectSnapshot): Promise<void>;
  /** Resolves once AWS no longer has the resource (or it is retained) and our finalizer is gone. */
  delete(snapshot: ObjectSnapshot | undefined): Promise<void>;
}

export class ObjectLifecycle {
  readonly ref: ObjectRef;
  readonly workflowId = wf.workflowInfo().workflowId;
  readonly st: CarriedState;
  objectGone = false;
  passGeneration: number;
  lifeCycleState: string | undefined;
  view: SyncView;
  nextRetryAt: string | undefined;
  /** The latest status fields read from AWS (this run's): every status write carries them. */
  observed: StatusFields | undefined;
  /** The resync-request annotation value of the pass in progress, echoed in status. */
  handlingResyncRequest: string | undefined;
  /** The take-over annotation value the pass in progress saw. */
  takeOverAtPass: string | undefined;
  /** News a kind's own additions wait for (e.g. a FileSystem's storage annotations changed): it starts a pass too. */
  otherNews: () => boolean = () => false;
  /** The observer's answer to the current watch, once it arrived. */
  observation: Observation | undefined;
  /** While a wait is the observer's to answer: what it waits for, in words. */
  awaitingObserver: string | undefined;

  constructor(
    readonly kind: string,
    readonly input: LifecycleInput,
    /** The resource's own words in the UI, e.g. "file system fs-1" or "mount target (not created yet)". */
    private readonly describeResource: () => string,
  ) {
    this.ref = input.ref;
    this.st = input.carried ?? { handledGeneration: 0, statusSequence: 0, resyncRequested: false };
    this.passGeneration = this.st.latest?.generation ?? 0;
    this.view = { state: SyncState.pending, message: 'waiting for the object', generation: this.passGeneration };

    wf.setHandler(objectChangedSignal, (snapshot: ObjectSnapshot) => {
      // Signals may arrive out of order or twice; only a snapshot at least as new as ours counts.
      if (!this.st.latest || snapshot.generation >= this.st.latest.generation) this.st.latest = snapshot;
    });
    wf.setHandler(observedSignal, (observation: Observation) => {
      // Only the answer to the current watch counts; a late answer to an older one is dropped.
      if (observation.ticket === this.st.watchTicket) this.observation = observation;
    });
    wf.setHandler(resyncSignal, () => {
      this.st.resyncRequested = true;
    });
    wf.setHandler(stateQuery, (): WorkflowState => ({
      ref: this.ref,
      fileSystemId: this.st.fileSystemId,
      resourceId: this.st.resourceId,
      lifeCycleState: this.lifeCycleState,
      syncState: this.view.state,
      message: this.view.message,
      handledGeneration: this.st.handledGeneration,
      latestGeneration: this.st.latest?.generation,
      statusSequence: this.st.statusSequence,
      nextRetryAt: this.nextRetryAt,
      ...(this.awaitingObserver ? { awaitingObserver: this.awaitingObserver } : {}),
    }));
  }

  deletionRequested(): boolean {
    return this.objectGone || this.st.latest?.deletionRequested === true;
  }

  resyncRequestOf(snapshot: ObjectSnapshot | undefined): string | undefined {
    return snapshot?.annotations[annotations.resyncRequestedAt];
  }

  needsSync(): boolean {
    const st = this.st;
    return (
      (st.latest?.generation ?? 0) > st.handledGeneration ||
      st.resyncRequested ||
      this.resyncRequestOf(st.latest) !== st.handledResyncRequest ||
      this.takeOverAnswered() ||
      this.otherNews()
    );
  }

  /** A pass refused for ownership runs again once the take-over annotation changes. */
  takeOverAnswered(): boolean {
    const refused: readonly string[] = Object.values(ownershipReasons);
    return (
      this.view.state === SyncState.terminal &&
      refused.includes(this.view.reason ?? '') &&
      this.st.latest?.annotations[annotations.takeOver] !== this.takeOverAtPass
    );
  }

  superseded(): boolean {
    return this.deletionRequested() || (this.st.latest?.generation ?? 0) > this.passGeneration;
  }

  /** Starts a sync pass: what generation and resync request it answers. Returns whether it is a drift check. */
  beginPass(snapshot: ObjectSnapshot): boolean {
    this.passGeneration = snapshot.generation;
    const driftCheck = snapshot.generation <= this.st.handledGeneration;
    this.st.resyncRequested = false;
    this.handlingResyncRequest = this.resyncRequestOf(snapshot);
    this.takeOverAtPass = snapshot.annotations[annotations.takeOver];
    return driftCheck;
  }

  /** Ends a sync pass that reached the desired state. */
  completePass(snapshot: ObjectSnapshot): void {
    this.st.handledGeneration = snapshot.generation;
    this.st.handledResyncRequest = this.handlingResyncRequest;
  }

  /** Records where the sync stands: on the object (status + conditions), in search attributes and in the UI. */
  async report(next: Omit<SyncView, 'generation'>, observed?: StatusFields): Promise<void> {
    const transition = next.state !== this.view.state;
    this.view = { ...next, generation: this.passGeneration };
    if (observed) this.observe(observed);
    // Every write carries what AWS last said, so a failure report never leaves an older state shown.
    const fields = this.observed;
    if (typeof fields?.lifeCycleState === 'string') this.lifeCycleState = fields.lifeCycleState;
    this.publish();
    this.st.statusSequence++;
    const withResync =
      this.handlingResyncRequest !== undefined
        ? { ...fields, resyncRequestHandled: this.handlingResyncRequest }
        : fields;
    try {
      const result = await activitiesFor(`status: ${this.view.state}`).kube.writeStatus(
        this.ref,
        { sequence: this.st.statusSequence, workflowId: this.workflowId, view: this.view, fields: withResync },
        this.kind,
      );
      if (result === 'gone') this.objectGone = true;
    } catch (err) {
      // The object cannot be told right now (the API server may be down); the next report will.
      wf.log.warn('status write failed', { error: classificationOf(err).message });
    }
    if (transition && this.view.state !== SyncState.pending && wf.patched(workflowPatches.fullManagement)) {
      const warning = this.view.state === SyncState.terminal || this.view.state === SyncState.recoverable;
      await this.emit({ type: warning ? 'Warning' : 'Normal', reason: this.view.state, message: this.view.message });
    }
  }

  /** Remembers what AWS said of the resource; the next status write carries it. */
  observe(fields: StatusFields): void {
    this.observed = { ...this.observed, ...fields };
  }

  /** Events are for people reading `kubectl describe`; failing to record one never stops a sync. */
  async emit(event: { type: 'Normal' | 'Warning'; reason: string; message: string }): Promise<void> {
    try {
      await activitiesFor(`event: ${event.reason}`).kube.recordEvent(this.ref, event, this.kind);
    } catch (err) {
      wf.log.warn('event not recorded', { reason: event.reason, error: classificationOf(err).message });
    }
  }

  publish(): void {
    wf.upsertSearchAttributes([
      { key: searchAttributes.syncState, value: this.view.state },
      ...(this.st.fileSystemId ? [{ key: searchAttributes.fileSystemId, value: this.st.fileSystemId }] : []),
      ...(this.lifeCycleState ? [{ key: searchAttributes.lifeCycleState, value: this.lifeCycleState }] : []),
    ]);
    wf.setCurrentDetails(
      [
        `**${this.view.state}**: ${this.view.message}`,
        `- ${this.describeResource()}${this.lifeCycleState ? ` (${this.lifeCycleState})` : ''}`,
        // A synced report comes just before the pass is marked complete: it already answers its generation.
        `- generation handled: ${this.view.state === SyncState.synced ? this.passGeneration : this.st.handledGeneration}, latest seen: ${this.st.latest?.generation ?? '-'}`,
        ...(this.nextRetryAt ? [`- next retry: ${this.nextRetryAt}`] : []),
      ].join('\n'),
    );
  }

  /** Reports a terminal state and stops the pass. */
  async stopTerminal(reason: string, message: string): Promise<never> {
    await this.report({ state: SyncState.terminal, reason, message });
    throw new StoppedTerminal(message);
  }

  /**
   * Runs one step until it succeeds. A retryable or recoverable failure is shown as
   * ACK.Recoverable and retried after a backoff (or the time the error names); a terminal one is
   * shown as ACK.Terminal and stops the pass. Newer work interrupts the wait.
   */
  async step<T>(what: string, run: (activities: StepActivities) => Promise<T>, interruptible = true): Promise<T> {
    const activities = activitiesFor(what);
    for (let failures = 1; ; failures++) {
      try {
        const result = await run(activities);
        this.nextRetryAt = undefined;
        return result;
      } catch (err) {
        if (err instanceof Superseded) throw err;
        const failure: ClassifiedError = classificationOf(err);
        if (failure.lifeCycleState !== undefined) this.observe({ lifeCycleState: failure.lifeCycleState });
        if (failure.class === 'terminal') {
          await this.report({
            state: SyncState.terminal,
            reason: failure.code,
            message: `${what}: ${failure.message}`,
          });
          throw new StoppedTerminal(failure.message);
        }
        const delay = Math.min(failure.retryAfterMs ?? retryDelayMs(failures), this.longestRetryDelayMs());
        this.nextRetryAt = new Date(Date.now() + delay).toISOString();
        await this.report({
          state: SyncState.recoverable,
          reason: failure.code,
          message: `${what}: ${failure.message} (next retry at ${this.nextRetryAt})`,
        });
        const woke = await wf.condition(() => interruptible && this.superseded(), delay);
        if (woke) throw new Superseded();
      }
    }
  }

  /** Runs a long activity that newer work may cancel. */
  async cancellableWait<T>(run: () => Promise<T>): Promise<T> {
    const scope = new wf.CancellationScope();
    let settled = false;
    const pending = scope.run(run).finally(() => {
      settled = true;
    });
    await wf.condition(() => settled || this.superseded());
    if (!settled) {
      scope.cancel();
      pending.catch(() => undefined);
      throw new Superseded();
    }
    return pending;
  }

  /** Adds our finalizer before anything is made in AWS; an object already gone ends the pass. */
  async ensureFinalizer(): Promise<void> {
    const finalizer = await this.step('adding the finalizer', (a) => a.kube.ensureFinalizer(this.ref, this.kind));
    if (finalizer === 'gone') {
      this.objectGone = true;
      throw new Superseded();
    }
  }

  /**
   * Hands a watch of the resource to the observer and waits for its answer (a signal). The
   * observer looks only after the watch arrived, so a resource already ready is answered at its
   * next look; a watch unanswered for long is handed over again.
   */
  async awaitObservation(until: WatchUntil, resourceId: string, activities: StepActivities): Promise<Observation> {
    const watch = this.nextWatch(until, resourceId);
    this.awaitingObserver = `${resourceId} ${until === 'ready' ? 'available' : 'gone'} (watch ${watch.ticket})`;
    try {
      for (;;) {
        await activities.observer.watchResource(watch);
        if (await wf.condition(() => this.observation?.ticket === watch.ticket, unansweredWatchMs)) {
          const answer = this.observation as Observation;
          if (answer.fingerprint !== undefined) this.st.seenFingerprint = answer.fingerprint;
          return answer;
        }
      }
    } finally {
      this.awaitingObserver = undefined;
    }
  }

  /** After a sync: asks the observer to say when the resource changes from what this pass saw (drift). */
  async watchForChanges(resourceId: string): Promise<void> {
    const watch = this.nextWatch('changed', resourceId);
    try {
      await activitiesFor('watching for changes').observer.watchResource(watch);
    } catch (err) {
      // The idle timer's drift check still comes; the next pass hands the watch over again.
      wf.log.warn('watch not handed to the observer', { error: classificationOf(err).message });
    }
  }

  /** Withdraws the workflow's watch, if it handed one: its object lets go of a resource AWS keeps. */
  async releaseWatch(resourceId: string): Promise<void> {
    if (this.st.watchTicket === undefined) return;
    await this.step(
      'withdrawing the watch',
      (a) => a.observer.watchResource(this.nextWatch('released', resourceId)),
      false,
    );
  }

  /** Whether the observer said the resource changed since the last sync. */
  changeObserved(): boolean {
    return this.st.watchUntil === 'changed' && this.observation?.ticket === this.st.watchTicket;
  }

  private nextWatch(until: WatchUntil, resourceId: string): Watch {
    const ticket = (this.st.watchTicket ?? 0) + 1;
    this.st.watchTicket = ticket;
    this.st.watchUntil = until;
    this.observation = undefined;
    return {
      workflowId: this.workflowId,
      kind: this.kind,
      resourceId,
      fileSystemId: this.st.fileSystemId ?? '',
      until,
      ticket,
      ...(until === 'changed' && this.st.seenFingerprint !== undefined ? { seen: this.st.seenFingerprint } : {}),
      ...(until === 'changed' && this.st.slowWatch ? { slow: this.st.slowWatch } : {}),
    };
  }

  /** What the long waits need to report on the object while they poll. */
  waitArgs(): WaitArgs {
    return {
      ref: this.ref,
      kind: this.kind,
      workflowId: this.workflowId,
      fileSystemId: this.st.fileSystemId ?? '',
      resourceId: this.st.resourceId,
      generation: this.passGeneration,
      sequence: this.st.statusSequence,
    };
  }

  /**
   * Whether deleting the object keeps the AWS resource: the object's deletion-policy annotation,
   * else its namespace's default, else delete.
   */
  async retains(snapshot: ObjectSnapshot | undefined): Promise<boolean> {
    const own = snapshot?.annotations[annotations.deletionPolicy];
    if (own !== undefined) return own === 'retain';
    if (!wf.patched(workflowPatches.namespaceDeletionPolicy)) return false;
    const inherited = await this.step(
      'reading the namespace default deletion policy',
      (a) => a.kube.namespaceDeletionPolicy(this.ref.namespace),
      false,
    );
    return inherited === 'retain';
  }

  /**
   * Deletion deletes only what this object owns. Returns why the resource is left (its tags name
   * another owner, or none), also said in an Event; undefined when it is ours to delete.
   */
  async notOursToDelete(resourceId: string, resource: string): Promise<string | undefined> {
    if (!wf.patched(workflowPatches.ownership)) return undefined;
    const decision = await this.step(
      `checking who owns ${resourceId}`,
      (a) => a.ownership.resourceOwnership(this.ref, this.kind, resourceId),
      false,
    );
    const why = decision && notOursToDelete(decision, resource);
    if (why) await this.emit({ type: 'Warning', reason: 'NotDeleted', message: why });
    return why;
  }

  /** The last step of a deletion: let the object go and say so. */
  async releaseObject(message: string): Promise<void> {
    await this.step('removing the finalizer', (a) => a.kube.removeFinalizer(this.ref, this.kind), false);
    this.view = { state: SyncState.deleting, message, generation: this.passGeneration };
    this.publish();
  }

  /** The longest a failed step waits before it is tried again (the workflow options may shorten it). */
  longestRetryDelayMs(): number {
    const cap = this.input.options.longestRetryDelaySeconds;
    return cap !== undefined && cap > 0 ? cap * 1000 : Number.POSITIVE_INFINITY;
  }

  /** Temporal suggests it when the history grows long; the workflow options may ask for it sooner. */
  continueAsNewDue(): boolean {
    const info = wf.workflowInfo();
    const limit = this.input.options.continueAsNewAtHistoryLength;
    return info.continueAsNewSuggested || (limit !== undefined && limit > 0 && info.historyLength >= limit);
  }

  /** The object's own drift-check interval when it sets one (a positive number of seconds), else the default. */
  resyncIntervalMs(): number {
    const own = Number(this.st.latest?.annotations[annotations.resyncInterval]);
    return (Number.isFinite(own) && own > 0 ? own : this.input.options.resyncIntervalSeconds) * 1000;
  }

  /** The entity loop: sync when there is news, delete when asked, idle in between, continue-as-new when long. */
  async run(passes: KindPasses, continueAsNew: (input: LifecycleInput) => Promise<never>): Promise<void> {
    const st = this.st;
    await wf.condition(() => st.latest !== undefined || this.objectGone);
    for (;;) {
      try {
        if (this.deletionRequested()) {
          await passes.delete(st.latest);
          return;
        }
        if (this.needsSync() && st.latest) {
          await passes.sync(st.latest);
          continue;
        }
      } catch (err) {
        if (err instanceof StoppedTerminal) {
          // Terminal: wait for a spec change, a resync request or a deletion.
          st.handledGeneration = Math.max(st.handledGeneration, this.passGeneration);
          st.handledResyncRequest = this.handlingResyncRequest;
          st.resyncRequested = false;
        } else if (!(err instanceof Superseded)) {
          throw err;
        }
        if (err instanceof Superseded) continue;
      }
      if (this.continueAsNewDue()) {
        await wf.condition(wf.allHandlersFinished);
        await continueAsNew({ ref: this.ref, options: this.input.options, carried: st });
      }
      const woke = await wf.condition(
        () => this.needsSync() || this.deletionRequested() || this.continueAsNewDue() || this.changeObserved(),
        this.resyncIntervalMs(),
      );
      // An idle period without news ends in a drift check, unless the last pass was terminal; so does a change the observer saw.
      const changed = this.changeObserved();
      if (changed) this.observation = undefined;
      if ((!woke && this.view.state !== SyncState.terminal) || changed) st.resyncRequested = true;
    }
  }
}
