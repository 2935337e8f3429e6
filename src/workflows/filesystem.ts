import * as wf from '@temporalio/workflow';
import type { Activities, WaitArgs } from '../activities/filesystem';
import { type FileSystemStatus } from '../api/filesystem';
import { searchAttributes } from '../api/search-attributes';
import {
  deletionPolicyAnnotation,
  objectChangedSignal,
  resyncSignal,
  stateQuery,
  type CarriedState,
  type FileSystemWorkflowInput,
  type ObjectSnapshot,
  type WorkflowState,
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

  wf.setHandler(objectChangedSignal, (snapshot: ObjectSnapshot) => {
    // Signals may arrive out of order or twice; only a snapshot at least as new as ours counts.
    if (!st.latest || snapshot.generation >= st.latest.generation) st.latest = snapshot;
  });
  wf.setHandler(resyncSignal, () => {
    st.resyncRequested = true;
  });
  wf.setHandler(
    stateQuery,
    (): WorkflowState => ({
      ref,
      fileSystemId: st.fileSystemId,
      lifeCycleState,
      syncState: view.state,
      message: view.message,
      handledGeneration: st.handledGeneration,
      latestGeneration: st.latest?.generation,
      statusSequence: st.statusSequence,
      nextRetryAt,
    }),
  );

  const deletionRequested = (): boolean => objectGone || st.latest?.deletionRequested === true;
  const needsSync = (): boolean => (st.latest?.generation ?? 0) > st.handledGeneration || st.resyncRequested;
  const superseded = (): boolean => deletionRequested() || (st.latest?.generation ?? 0) > passGeneration;

  /** Records where the sync stands: on the object (status + conditions), in search attributes and in the UI. */
  async function report(next: Omit<SyncView, 'generation'>, fields?: FileSystemStatus): Promise<void> {
    view = { ...next, generation: passGeneration };
    if (fields?.lifeCycleState) lifeCycleState = fields.lifeCycleState;
    publish();
    st.statusSequence++;
    try {
      const result = await kube.writeStatus(ref, { sequence: st.statusSequence, workflowId, view, fields });
      if (result === 'gone') objectGone = true;
    } catch (err) {
      // The object cannot be told right now (the API server may be down); the next report will.
      wf.log.warn('status write failed', { error: classificationOf(err).message });
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
        await report({ state: SyncState.recoverable, reason: failure.code, message: `${what}: ${failure.message} (next retry at ${nextRetryAt})` });
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

  const waitArgs = (): WaitArgs => ({
    ref,
    workflowId,
    fileSystemId: st.fileSystemId ?? '',
    generation: passGeneration,
    sequence: st.statusSequence,
  });

  async function syncPass(snapshot: ObjectSnapshot): Promise<void> {
    passGeneration = snapshot.generation;
    st.resyncRequested = false;
    const invalid = validateFileSystemSpec(snapshot.spec);
    if (invalid.length > 0) {
      await report({ state: SyncState.terminal, reason: 'InvalidSpec', message: describeFieldErrors(invalid) });
      throw new StoppedTerminal('invalid spec');
    }
    const finalizer = await step('adding the finalizer', () => kube.ensureFinalizer(ref));
    if (finalizer === 'gone') {
      objectGone = true;
      throw new Superseded();
    }
    if (!st.fileSystemId) {
      const created = await step('CreateFileSystem', () => efs.createFileSystem(ref, snapshot.spec));
      st.fileSystemId = created.fileSystemId;
      await report(
        { state: SyncState.creating, message: `EFS file system ${created.fileSystemId} is ${created.status.lifeCycleState}; waiting until it is available` },
        created.status,
      );
    }
    const observed = await step('waiting until available', () => cancellableWait(() => waits.waitUntilAvailable(waitArgs())));
    await report({ state: SyncState.synced, message: `EFS file system ${st.fileSystemId} is available` }, observed);
    st.handledGeneration = snapshot.generation;
  }

  /** Honours the deletion policy, waits until AWS reports the file system gone, then lets the object go. */
  async function deletionPass(snapshot: ObjectSnapshot | undefined): Promise<void> {
    const retain = snapshot?.annotations[deletionPolicyAnnotation] === 'retain';
    if (!retain) {
      // A crash may have hidden a file system created for this object: look it up by its token.
      const fileSystemId = st.fileSystemId ?? (await step('looking for a file system to delete', () => efs.findFileSystem(ref), false));
      if (fileSystemId) {
        st.fileSystemId = fileSystemId;
        await report({ state: SyncState.deleting, message: `deleting EFS file system ${fileSystemId}` });
        await step('DeleteFileSystem', () => efs.deleteFileSystem(fileSystemId), false);
        await step('waiting until deleted', () => waits.waitUntilDeleted(waitArgs()), false);
        lifeCycleState = 'deleted';
      }
    }
    await step('removing the finalizer', () => kube.removeFinalizer(ref), false);
    view = { state: SyncState.deleting, message: retain ? 'finalizer removed; file system retained' : 'file system deleted; finalizer removed', generation: passGeneration };
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
      options.resyncIntervalSeconds * 1000,
    );
    // An idle period without news ends in a drift check, unless the last pass was terminal.
    if (!woke && view.state !== SyncState.terminal) st.resyncRequested = true;
  }
}
