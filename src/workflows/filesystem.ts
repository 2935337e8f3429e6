import * as wf from '@temporalio/workflow';
import type { Activities, WaitArgs } from '../activities/filesystem';
import { type FileSystemStatus } from '../api/filesystem';
import { searchAttributes } from '../api/search-attributes';
import {
  annotations,
  objectChangedSignal,
  resyncSignal,
  stateQuery,
  type CarriedState,
  type FileSystemWorkflowInput,
  type ObjectSnapshot,
  type WorkflowState,
  workflowPatches,
} from '../api/workflow-contract';
import { SyncState, type SyncView } from '../domain/conditions';
import { type ClassifiedError } from '../domain/errors';
import { retryDelayMs } from '../domain/polling';
import { describeFieldErrors, validateFileSystemSpec } from '../domain/validate';
import { classificationOf } from './failures';

/** Kubernetes reads and writes: quick, retried a few times, then handed to the workflow's own backoff. */
const kube = wf.proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 4 },
});

/** Single EFS calls. Only retryable errors are retried here (the others are non-retryable failures). */
const efs = wf.proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 4 },
});

/**
 * Long waits: one heartbeating activity polls (cheap in history); a dead worker is noticed by the
 * heartbeat timeout and the retry resumes from the last heartbeat. No fixed timeout gives up on a
 * file system that is still being created.
 */
const waits = wf.proxyActivities<Activities>({
  startToCloseTimeout: '24 hours',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** Pure checks whose answers must be recorded (see validateSpec). */
const recorded = wf.proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds' },
});

/** Newer work arrived (a newer generation or a deletion): abandon the pass and start over. */
class Superseded extends Error {}
/** A terminal error was reported: nothing more to do until the spec changes or a resync is requested. */
class StoppedTerminal extends Error {}

export async function fileSystemWorkflow(input: FileSystemWorkflowInput): Promise<void> {
  const { ref, options } = input;
  const workflowId = wf.workflowInfo().workflowId;
  const st: CarriedState = input.carried ?? { handledGeneration: 0, statusSequence: 0, resyncRequested: false };
  let objectGone = false;
  let passGeneration = st.latest?.generation ?? 0;
  let lifeCycleState: string | undefined;
  let view: SyncView = { state: SyncState.pending, message: 'waiting for the object', generation: passGeneration };
  let nextRetryAt: string | undefined;
  /** The resync-request annotation value of the pass in progress, echoed in status. */
  let handlingResyncRequest: string | undefined;

  wf.setHandler(objectChangedSignal, (snapshot: ObjectSnapshot) => {
    // Signals may arrive out of order or twice; only a snapshot at least as new as ours counts.
    if (!st.latest || snapshot.generation >= st.latest.generation) st.latest = snapshot;
  });
  wf.setHandler(resyncSignal, () => {
    st.resyncRequested = true;
  });
  wf.setHandler(stateQuery, (): WorkflowState => ({
    ref,
    fileSystemId: st.fileSystemId,
    lifeCycleState,
    syncState: view.state,
    message: view.message,
    handledGeneration: st.handledGeneration,
    latestGeneration: st.latest?.generation,
    statusSequence: st.statusSequence,
    nextRetryAt,
  }));

  const deletionRequested = (): boolean => objectGone || st.latest?.deletionRequested === true;
  const resyncRequestOf = (snapshot: ObjectSnapshot | undefined): string | undefined =>
    snapshot?.annotations[annotations.resyncRequestedAt];
  const needsSync = (): boolean =>
    (st.latest?.generation ?? 0) > st.handledGeneration ||
    st.resyncRequested ||
    resyncRequestOf(st.latest) !== st.handledResyncRequest;
  const superseded = (): boolean => deletionRequested() || (st.latest?.generation ?? 0) > passGeneration;

  /** Records where the sync stands: on the object (status + conditions), in search attributes and in the UI. */
  async function report(next: Omit<SyncView, 'generation'>, fields?: FileSystemStatus): Promise<void> {
    const transition = next.state !== view.state;
    view = { ...next, generation: passGeneration };
    if (fields?.lifeCycleState) lifeCycleState = fields.lifeCycleState;
    publish();
    st.statusSequence++;
    const withResync =
      handlingResyncRequest !== undefined ? { ...fields, resyncRequestHandled: handlingResyncRequest } : fields;
    try {
      const result = await kube.writeStatus(ref, { sequence: st.statusSequence, workflowId, view, fields: withResync });
      if (result === 'gone') objectGone = true;
    } catch (err) {
      // The object cannot be told right now (the API server may be down); the next report will.
      wf.log.warn('status write failed', { error: classificationOf(err).message });
    }
    if (transition && view.state !== SyncState.pending && wf.patched(workflowPatches.fullManagement)) {
      const warning = view.state === SyncState.terminal || view.state === SyncState.recoverable;
      await emit({ type: warning ? 'Warning' : 'Normal', reason: view.state, message: view.message });
    }
  }

  /** Events are for people reading `kubectl describe`; failing to record one never stops a sync. */
  async function emit(event: { type: 'Normal' | 'Warning'; reason: string; message: string }): Promise<void> {
    try {
      await kube.recordEvent(ref, event);
    } catch (err) {
      wf.log.warn('event not recorded', { reason: event.reason, error: classificationOf(err).message });
    }
  }

  function publish(): void {
    wf.upsertSearchAttributes([
      { key: searchAttributes.syncState, value: view.state },
      ...(st.fileSystemId ? [{ key: searchAttributes.fileSystemId, value: st.fileSystemId }] : []),
      ...(lifeCycleState ? [{ key: searchAttributes.lifeCycleState, value: lifeCycleState }] : []),
    ]);
    wf.setCurrentDetails(
      [
        `**${view.state}**: ${view.message}`,
        `- file system: ${st.fileSystemId ?? '(not created yet)'}${lifeCycleState ? ` (${lifeCycleState})` : ''}`,
        `- generation handled: ${st.handledGeneration}, latest seen: ${st.latest?.generation ?? '-'}`,
        ...(nextRetryAt ? [`- next retry: ${nextRetryAt}`] : []),
      ].join('\n'),
    );
  }

  /**
   * Runs one step until it succeeds. A retryable or recoverable failure is shown as
   * ACK.Recoverable and retried after a backoff (or the time the error names); a terminal one is
   * shown as ACK.Terminal and stops the pass. Newer work interrupts the wait.
   */
  async function step<T>(what: string, run: () => Promise<T>, interruptible = true): Promise<T> {
    for (let failures = 1; ; failures++) {
      try {
        const result = await run();
        nextRetryAt = undefined;
        return result;
      } catch (err) {
        if (err instanceof Superseded) throw err;
        const failure: ClassifiedError = classificationOf(err);
        if (failure.class === 'terminal') {
          await report({ state: SyncState.terminal, reason: failure.code, message: `${what}: ${failure.message}` });
          throw new StoppedTerminal(failure.message);
        }
        const delay = failure.retryAfterMs ?? retryDelayMs(failures);
        nextRetryAt = new Date(Date.now() + delay).toISOString();
        await report({
          state: SyncState.recoverable,
          reason: failure.code,
          message: `${what}: ${failure.message} (next retry at ${nextRetryAt})`,
        });
        const woke = await wf.condition(() => interruptible && superseded(), delay);
        if (woke) throw new Superseded();
      }
    }
  }

  /** Runs a long activity that newer work may cancel. */
  async function cancellableWait<T>(run: () => Promise<T>): Promise<T> {
    const scope = new wf.CancellationScope();
    let settled = false;
    const pending = scope.run(run).finally(() => {
      settled = true;
    });
    await wf.condition(() => settled || superseded());
    if (!settled) {
      scope.cancel();
      pending.catch(() => undefined);
      throw new Superseded();
    }
    return pending;
  }

  /** The object's own drift-check interval when it sets one (a positive number of seconds), else the default. */
  const resyncIntervalMs = (): number => {
    const own = Number(st.latest?.annotations[annotations.resyncInterval]);
    return (Number.isFinite(own) && own > 0 ? own : options.resyncIntervalSeconds) * 1000;
  };

  const waitArgs = (): WaitArgs => ({
    ref,
    workflowId,
    fileSystemId: st.fileSystemId ?? '',
    generation: passGeneration,
    sequence: st.statusSequence,
  });

  async function syncPass(snapshot: ObjectSnapshot): Promise<void> {
    passGeneration = snapshot.generation;
    const driftCheck = snapshot.generation <= st.handledGeneration;
    st.resyncRequested = false;
    handlingResyncRequest = resyncRequestOf(snapshot);
    const managed = wf.patched(workflowPatches.fullManagement);
    const invalid = managed ? await recorded.validateSpec(snapshot.spec) : validateFileSystemSpec(snapshot.spec);
    if (invalid.length > 0) {
      await report({ state: SyncState.terminal, reason: 'InvalidSpec', message: describeFieldErrors(invalid) });
      throw new StoppedTerminal('invalid spec');
    }
    const readOnly = managed && snapshot.annotations[annotations.readOnly] === 'true';
    if (!readOnly) {
      const finalizer = await step('adding the finalizer', () => kube.ensureFinalizer(ref));
      if (finalizer === 'gone') {
        objectGone = true;
        throw new Superseded();
      }
    }
    if (!st.fileSystemId && managed) await adopt(snapshot, readOnly);
    if (!st.fileSystemId) {
      const created = await step('CreateFileSystem', () => efs.createFileSystem(ref, snapshot.spec));
      st.fileSystemId = created.fileSystemId;
      await report(
        {
          state: SyncState.creating,
          message: `EFS file system ${created.fileSystemId} is ${created.status.lifeCycleState}; waiting until it is available`,
        },
        created.status,
      );
    }
    let observed = await step('waiting until available', () =>
      cancellableWait(() => waits.waitUntilAvailable(waitArgs())),
    );
    if (managed && !readOnly) {
      // Apply, let AWS settle, read back: synced only once a read shows nothing left to change.
      for (let round = 1; ; round++) {
        const { applied } = await step('applying the spec', () =>
          efs.syncSettings(ref, st.fileSystemId ?? '', snapshot.spec),
        );
        if (applied.length === 0) break;
        if (driftCheck)
          await emit({
            type: 'Warning',
            reason: 'DriftCorrected',
            message: `changed outside Kubernetes, now corrected: ${applied.join('; ')}`,
          });
        if (round >= 5) {
          await report({
            state: SyncState.recoverable,
            reason: 'NotConverged',
            message: `AWS does not keep the spec: still applying ${applied.join('; ')}`,
          });
          throw new StoppedTerminal('not converged');
        }
        await report({
          state: SyncState.updating,
          message: `applied ${applied.join('; ')}; waiting until the file system is available`,
        });
        observed = await step('waiting until available', () =>
          cancellableWait(() => waits.waitUntilAvailable(waitArgs())),
        );
      }
    }
    const summary = readOnly
      ? `EFS file system ${st.fileSystemId} is available (read-only: observed, never changed)`
      : `EFS file system ${st.fileSystemId} is available`;
    await report({ state: SyncState.synced, message: summary }, observed);
    st.handledGeneration = snapshot.generation;
    st.handledResyncRequest = handlingResyncRequest;
  }

  /** Takes over an existing file system named by the adoption annotations, or explains why not. */
  async function adopt(snapshot: ObjectSnapshot, readOnly: boolean): Promise<void> {
    const policy = snapshot.annotations[annotations.adoptionPolicy];
    if (policy === undefined) {
      if (readOnly) {
        await report({
          state: SyncState.terminal,
          reason: 'NothingToObserve',
          message: `read-only objects never create a file system: name one with ${annotations.adoptionPolicy} and ${annotations.adoptionFields}`,
        });
        throw new StoppedTerminal('read-only without adoption');
      }
      return;
    }
    const fileSystemId = adoptionTarget(snapshot.annotations[annotations.adoptionFields]);
    if (policy !== 'adopt' && policy !== 'adopt-or-create') {
      await report({
        state: SyncState.terminal,
        reason: 'InvalidAnnotation',
        message: `${annotations.adoptionPolicy} must be "adopt" or "adopt-or-create", not "${policy}"`,
      });
      throw new StoppedTerminal('bad adoption policy');
    }
    if (!fileSystemId) {
      await report({
        state: SyncState.terminal,
        reason: 'InvalidAnnotation',
        message: `${annotations.adoptionFields} must be JSON naming the file system, e.g. {"fileSystemID": "fs-0123456789abcdef0"}`,
      });
      throw new StoppedTerminal('bad adoption fields');
    }
    const found = await step(`adopting ${fileSystemId}`, () => efs.describeForAdoption(fileSystemId));
    if (found) {
      st.fileSystemId = found.fileSystemId;
      await emit({ type: 'Normal', reason: 'Adopted', message: `adopted existing EFS file system ${fileSystemId}` });
    } else if (policy === 'adopt' || readOnly) {
      await report({
        state: SyncState.terminal,
        reason: 'FileSystemNotFound',
        message: `cannot adopt ${fileSystemId}: AWS has no such file system`,
      });
      throw new StoppedTerminal('adoption target missing');
    }
  }

  /** Honours the deletion policy, waits until AWS reports the file system gone, then lets the object go. */
  async function deletionPass(snapshot: ObjectSnapshot | undefined): Promise<void> {
    const snapshotAnnotations = snapshot?.annotations ?? {};
    const retain =
      snapshotAnnotations[annotations.deletionPolicy] === 'retain' ||
      (snapshotAnnotations[annotations.readOnly] === 'true' && wf.patched(workflowPatches.fullManagement));
    if (!retain) {
      // A crash may have hidden a file system created for this object: look it up by its token.
      const fileSystemId =
        st.fileSystemId ?? (await step('looking for a file system to delete', () => efs.findFileSystem(ref), false));
      if (fileSystemId) {
        st.fileSystemId = fileSystemId;
        await report({ state: SyncState.deleting, message: `deleting EFS file system ${fileSystemId}` });
        await step('DeleteFileSystem', () => efs.deleteFileSystem(fileSystemId), false);
        await step('waiting until deleted', () => waits.waitUntilDeleted(waitArgs()), false);
        lifeCycleState = 'deleted';
      }
    }
    await step('removing the finalizer', () => kube.removeFinalizer(ref), false);
    view = {
      state: SyncState.deleting,
      message: retain ? 'finalizer removed; file system retained' : 'file system deleted; finalizer removed',
      generation: passGeneration,
    };
    publish();
  }

  await wf.condition(() => st.latest !== undefined || objectGone);
  for (;;) {
    try {
      if (deletionRequested()) {
        await deletionPass(st.latest);
        return;
      }
      if (needsSync() && st.latest) {
        await syncPass(st.latest);
        continue;
      }
    } catch (err) {
      if (err instanceof StoppedTerminal) {
        // Terminal: wait for a spec change, a resync request or a deletion.
        st.handledGeneration = Math.max(st.handledGeneration, passGeneration);
        st.handledResyncRequest = handlingResyncRequest;
        st.resyncRequested = false;
      } else if (!(err instanceof Superseded)) {
        throw err;
      }
      if (err instanceof Superseded) continue;
    }
    if (wf.workflowInfo().continueAsNewSuggested) {
      await wf.condition(wf.allHandlersFinished);
      await wf.continueAsNew<typeof fileSystemWorkflow>({ ref, options, carried: st });
    }
    const woke = await wf.condition(
      () => needsSync() || deletionRequested() || wf.workflowInfo().continueAsNewSuggested,
      resyncIntervalMs(),
    );
    // An idle period without news ends in a drift check, unless the last pass was terminal.
    if (!woke && view.state !== SyncState.terminal) st.resyncRequested = true;
  }
}

/** The file system id in the adoption-fields annotation, if it names one. */
function adoptionTarget(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    const fields = JSON.parse(raw) as Record<string, unknown>;
    const id = fields.fileSystemID ?? fields.fileSystemId;
    return typeof id === 'string' && id.length > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}
