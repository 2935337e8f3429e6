import * as wf from '@temporalio/workflow';
import { type SlowWatch } from '../api/observer-contract';
import { resolvedReferencesField, type ResolvedReferences } from '../api/references';
import { type StatusFields } from '../api/status';
import { annotations, workflowPatches, type ObjectSnapshot } from '../api/workflow-contract';
import { SyncState } from '../domain/conditions';
import { takeOverMessage } from '../domain/ownership';
import { usesReferences } from '../domain/references';
import { describeFieldErrors, type FieldError } from '../domain/validate';
import { deletedOutside, type KindDescriptor } from '../kinds/kind';
import {
  activitiesFor,
  ObjectLifecycle,
  StoppedTerminal,
  type LifecycleInput,
  type KindActivities,
  type StepActivities,
} from './lifecycle';
import { StoragePublisher } from './storage-class';

/** How many apply-and-read-back rounds a sync makes before it says AWS does not keep the spec. */
const maxApplyRounds = 5;

/**
 * The one workflow body every kind runs, driven by its descriptor: validate, add the finalizer,
 * adopt or find-or-create the resource (inside its parent, once the parent can take it), wait
 * until it is ready, apply the spec until a read-back shows nothing left to change, report; on
 * deletion honour the deletion policy and let the object go once AWS reports the resource gone.
 * Activities are called by the names the descriptor gives, so every recorded history replays.
 */
export async function runKind(kind: KindDescriptor, input: LifecycleInput): Promise<void> {
  const types = kind.activityTypes;
  const legacy = kind.legacy ?? {};
  const life: ObjectLifecycle = new ObjectLifecycle(
    kind.kind,
    input,
    (): string => `${kind.noun}: ${ownId() ?? '(not created yet)'}`,
  );
  const { ref, st } = life;
  const storage = kind.publishesStorageClass ? new StoragePublisher(life) : undefined;
  const words = (id: string | undefined): string => `EFS ${kind.noun} ${id}`;
  /** Kinds inside a file system keep their own id apart from the file system's. */
  const ownId = (): string | undefined => (kind.parent ? st.resourceId : st.fileSystemId);
  const setOwnId = (id: string): void => {
    if (kind.parent) st.resourceId = id;
    else st.fileSystemId = id;
  };
  const waitUntilReady = async (): Promise<StatusFields> => {
    const observed = wf.patched(workflowPatches.observer)
      ? await observedReady()
      : await life.step('waiting until available', (a) =>
          life.cancellableWait(() => call(a.waits, types.waitUntilReady, life.waitArgs()) as Promise<StatusFields>),
        );
    life.observe(observed);
    return observed;
  };
  /** The observer's answer to "tell me when it is ready": gone or failed stops the pass as Terminal. */
  const observedReady = async (): Promise<StatusFields> => {
    const id = ownId() ?? '';
    const what = 'waiting until available';
    const answer = await life.step(what, (a) => life.cancellableWait(() => life.awaitObservation('ready', id, a)));
    if (answer.lifeCycleState !== undefined) life.observe({ lifeCycleState: answer.lifeCycleState });
    if (answer.outcome === 'gone') {
      const gone = deletedOutside(kind, id);
      life.observe({ lifeCycleState: gone.lifeCycleState });
      await life.stopTerminal(gone.reason, `${what}: ${gone.message}`);
    }
    if (answer.outcome === 'failed') {
      await life.stopTerminal(
        `${kind.kind}InErrorState`,
        `${what}: ${words(id)} is in the "${answer.lifeCycleState}" state; AWS cannot recover it`,
      );
    }
    return answer.status ?? {};
  };

  async function sync(snapshot: ObjectSnapshot): Promise<void> {
    const driftCheck = life.beginPass(snapshot);
    const managed = legacy.validatedInWorkflow ? wf.patched(workflowPatches.fullManagement) : true;
    const invalid: FieldError[] = managed
      ? await call(activitiesFor('validating the spec').recorded, types.validate, snapshot.spec, ref.namespace)
      : (legacy.validatedInWorkflow?.(snapshot.spec) ?? []);
    if (invalid.length > 0) await life.stopTerminal('InvalidSpec', describeFieldErrors(invalid));
    const readOnly = managed && snapshot.annotations[annotations.readOnly] === 'true';
    if (!readOnly) await life.ensureFinalizer();
    if (!ownId() && managed) await adopt(snapshot, readOnly);
    const desired = readOnly ? snapshot : await resolveReferences(snapshot);
    // What the observer's slow reads compare against is what this pass leaves: a settled create's or the apply's.
    st.slowWatch = undefined;
    const settledByCreate = !ownId() && (await create(desired));
    let observed = await waitUntilReady();
    if (managed && !readOnly && !settledByCreate) observed = await applySpec(desired, driftCheck, observed);
    const id = ownId();
    const summary = readOnly
      ? `${words(id)} is available (read-only: observed, never changed)`
      : `${words(id)} is available`;
    await life.report({ state: SyncState.synced, message: summary }, observed);
    life.completePass(snapshot);
    if (storage && id) await storage.publish(snapshot, id, readOnly);
    if (id && wf.patched(workflowPatches.observer)) await life.watchForChanges(id);
  }

  /**
   * The spec as AWS should see it: each reference to another ACK controller's object replaced by
   * the value that object's status offers, once it is synced (the step waits until then). The
   * values are shown in status. Every pass resolves again, so a changed value is seen at the
   * next spec change, resync request or drift check.
   */
  async function resolveReferences(snapshot: ObjectSnapshot): Promise<ObjectSnapshot> {
    const resolve = types.resolveReferences;
    if (!resolve || !usesReferences(kind.references, snapshot.spec) || !wf.patched(workflowPatches.references)) {
      return snapshot;
    }
    const resolved = await life.step('resolving references', (a) =>
      call<ResolvedReferences>(a.efs, resolve, snapshot.spec, ref.namespace, ownId()),
    );
    life.observe({ [resolvedReferencesField]: resolved.values });
    return { ...snapshot, spec: resolved.spec as ObjectSnapshot['spec'] };
  }

  /**
   * Finds or creates the resource (inside its parent, once the parent can take it) and reports it
   * creating. True when the create made it exactly as the spec asks: nothing is left to apply.
   */
  async function create(snapshot: ObjectSnapshot): Promise<boolean> {
    if (kind.parent && types.resolveParent) {
      const resolveParent = types.resolveParent;
      st.fileSystemId = await life.step('waiting for the file system', (a) =>
        call(a.efs, resolveParent, snapshot.spec ?? {}, ref.namespace),
      );
    }
    const created = createdResource(
      await life.step(`Create${kind.kind}`, (a) => call(a.efs, types.create, ref, snapshot.spec, st.fileSystemId)),
      kind.idField,
    );
    setOwnId(created.id);
    if (created.settled) st.slowWatch = created.slow;
    await life.report(
      {
        state: SyncState.creating,
        message: `${words(created.id)} is ${created.status.lifeCycleState}; waiting until it is available`,
      },
      created.status,
    );
    // Histories recorded before `settled` existed never call patched here, so they replay as they ran.
    return created.settled && wf.patched(workflowPatches.settledByCreate);
  }

  /** Apply, let AWS settle, read back: synced only once a read shows nothing left to change. */
  async function applySpec(
    snapshot: ObjectSnapshot,
    driftCheck: boolean,
    observed: StatusFields,
  ): Promise<StatusFields> {
    const apply = (a: StepActivities): Promise<unknown> => call(a.efs, types.apply, ref, ownId() ?? '', snapshot.spec);
    const correctedDrift = (applied: string[]): Promise<void> =>
      life.emit({
        type: 'Warning',
        reason: 'DriftCorrected',
        message: `changed outside Kubernetes, now corrected: ${applied.join('; ')}`,
      });
    if (legacy.appliedOnce && !wf.patched(workflowPatches.applyUntilConverged)) {
      const applied = appliedChanges(await life.step('applying the spec', apply));
      if (applied.length > 0 && legacy.appliedOnce === 'once' && driftCheck) await correctedDrift(applied);
      if (applied.length > 0 && legacy.appliedOnce === 'wait-if-changed') return waitUntilReady();
      return observed;
    }
    for (let round = 1; ; round++) {
      const result = await life.step('applying the spec', apply);
      // What only the apply's reads see (a file system's replication) is reported with the rest.
      const reported = appliedStatus(result);
      if (reported) life.observe(reported);
      st.slowWatch = appliedSlow(result);
      const applied = appliedChanges(result);
      if (applied.length === 0) return observed;
      if (driftCheck) await correctedDrift(applied);
      if (round >= maxApplyRounds) {
        await life.report({
          state: SyncState.recoverable,
          reason: 'NotConverged',
          message: `AWS does not keep the spec: still applying ${applied.join('; ')}`,
        });
        throw new StoppedTerminal('not converged');
      }
      await life.report({
        state: SyncState.updating,
        message: `applied ${applied.join('; ')}; waiting until the ${kind.noun} is available`,
      });
      observed = await waitUntilReady();
    }
  }

  /**
   * Takes over an existing resource named by the adoption annotations, or explains why not. Which
   * resources may be taken over is the resource manager's decision (its adopt).
   */
  async function adopt(snapshot: ObjectSnapshot, readOnly: boolean): Promise<void> {
    const policy = snapshot.annotations[annotations.adoptionPolicy];
    if (policy === undefined) {
      if (readOnly) {
        await life.stopTerminal(
          'NothingToObserve',
          `read-only objects never create a ${kind.noun}: name one with ${annotations.adoptionPolicy} and ${annotations.adoptionFields}`,
        );
      }
      return;
    }
    const id = adoptionTarget(snapshot.annotations[annotations.adoptionFields], kind.adoptionFields);
    if (policy !== 'adopt' && policy !== 'adopt-or-create') {
      await life.stopTerminal(
        'InvalidAnnotation',
        `${annotations.adoptionPolicy} must be "adopt" or "adopt-or-create", not "${policy}"`,
      );
    }
    if (!id) {
      await life.stopTerminal(
        'InvalidAnnotation',
        `${annotations.adoptionFields} must be JSON naming the ${kind.noun}, e.g. {"${kind.adoptionFields[0]}": "..."}`,
      );
      return;
    }
    const found = await life.step(`adopting ${id}`, (a) => call(a.efs, types.adopt, id));
    if (found) {
      // Refuse a resource another object owns; take over from a gone owner or ACK only when asked.
      const claimed =
        !readOnly && wf.patched(workflowPatches.ownership)
          ? await life.step(`adopting ${id}`, (a) =>
              a.ownership.claimResource(
                ref,
                kind.kind,
                id,
                snapshot.annotations[annotations.takeOver] === 'true',
                words(id),
              ),
            )
          : undefined;
      const adopted = createdResource(found, kind.idField);
      setOwnId(adopted.id || id);
      if (kind.parent && typeof adopted.status.fileSystemID === 'string') st.fileSystemId = adopted.status.fileSystemID;
      await life.emit(
        claimed?.kind === 'take-over-needed'
          ? { type: 'Normal', reason: 'TakenOver', message: takeOverMessage(claimed, words(id), annotations.takeOver) }
          : { type: 'Normal', reason: 'Adopted', message: `adopted existing ${words(id)}` },
      );
    } else if (policy === 'adopt' || readOnly) {
      await life.stopTerminal(`${kind.kind}NotFound`, `cannot adopt ${id}: AWS has no such ${kind.noun}`);
    }
  }

  /** Honours the deletion policy, waits until AWS reports the resource gone, then lets the object go. */
  async function deletion(snapshot: ObjectSnapshot | undefined): Promise<void> {
    const readOnly = snapshot?.annotations[annotations.readOnly] === 'true';
    const retain =
      (await life.retains(snapshot)) ||
      (readOnly && (legacy.validatedInWorkflow ? wf.patched(workflowPatches.fullManagement) : true));
    let notOurs: string | undefined;
    let storageWithdrawn = false;
    if (!retain) {
      // A crash may have hidden a resource created for this object: look it up by its token.
      const find = types.find;
      const id =
        ownId() ??
        (find
          ? await life.step(
              `looking for a ${kind.noun} to delete`,
              (a) => call(a.efs, find, ref) as Promise<string | undefined>,
              false,
            )
          : undefined);
      if (id) {
        setOwnId(id);
        notOurs = await life.notOursToDelete(id, words(id));
      }
      if (id && !notOurs) {
        if (storage) {
          await storage.beforeDeletion(snapshot, id, true);
          storageWithdrawn = true;
        }
        await life.report({ state: SyncState.deleting, message: `deleting ${words(id)}` });
        await life.step(`Delete${kind.kind}`, (a) => call(a.efs, types.delete, id), false);
        if (!legacy.deletionDidNotWait || wf.patched(workflowPatches.deletionWaitsUntilGone)) {
          if (wf.patched(workflowPatches.observer)) {
            await life.step('waiting until deleted', (a) => life.awaitObservation('gone', id, a), false);
          } else {
            await life.step('waiting until deleted', (a) => call(a.waits, types.waitUntilGone, life.waitArgs()), false);
          }
        }
        life.lifeCycleState = 'deleted';
      }
    }
    if (storage && !storageWithdrawn) await storage.beforeDeletion(snapshot, ownId(), false);
    const kept = ownId();
    if (kept && life.lifeCycleState !== 'deleted' && wf.patched(workflowPatches.observer))
      await life.releaseWatch(kept);
    await life.releaseObject(
      notOurs
        ? `finalizer removed; ${notOurs}`
        : retain
          ? `finalizer removed; ${kind.noun} retained`
          : `${kind.noun} deleted; finalizer removed`,
    );
  }

  await life.run({ sync, delete: deletion }, (next: LifecycleInput) => wf.continueAsNew(next));
}

/** Calls a kind's activity by the name its descriptor gives (a proxy makes any name schedulable). */
function call<T = unknown>(group: KindActivities, name: string, ...args: unknown[]): Promise<T> {
  return (group[name] as (...a: unknown[]) => Promise<T>)(...args);
}

/**
 * What a create or adopt step returned. Histories recorded before the engine was shared hold the
 * older shapes: a FileSystem's {fileSystemId, status}, another kind's bare status with its id field.
 */
function createdResource(
  result: unknown,
  idField: string,
): { id: string; status: StatusFields; settled: boolean; slow?: SlowWatch } {
  const r = (result ?? {}) as Record<string, unknown>;
  if (typeof r.status === 'object' && r.status !== null) {
    const id = r.id ?? r.fileSystemId;
    return {
      id: typeof id === 'string' ? id : '',
      status: r.status as StatusFields,
      settled: r.settled === true,
      ...(r.slow ? { slow: r.slow as SlowWatch } : {}),
    };
  }
  const id = r[idField];
  return { id: typeof id === 'string' ? id : '', status: r as StatusFields, settled: false };
}

/**
 * The calls an apply step made. Older histories hold a MountTarget's boolean (changed or not) and
 * an AccessPoint's bare list; the engine's activities return {applied}.
 */
function appliedChanges(result: unknown): string[] {
  if (typeof result === 'boolean') return result ? ['ModifyMountTargetSecurityGroups'] : [];
  if (Array.isArray(result)) return result as string[];
  const applied = (result as { applied?: unknown } | undefined)?.applied;
  return Array.isArray(applied) ? (applied as string[]) : [];
}

/** Status fields an apply step read (absent in older histories and for kinds whose apply reports none). */
function appliedStatus(result: unknown): StatusFields | undefined {
  const status = (result as { status?: unknown } | undefined)?.status;
  return typeof status === 'object' && status !== null ? (status as StatusFields) : undefined;
}

/** The slow settings an apply step read (absent in older histories and for kinds that have none). */
function appliedSlow(result: unknown): SlowWatch | undefined {
  const slow = (result as { slow?: unknown } | undefined)?.slow;
  return typeof slow === 'object' && slow !== null ? (slow as SlowWatch) : undefined;
}

/** The AWS id in the adoption-fields annotation, under any of the kind's keys. */
function adoptionTarget(raw: string | undefined, keys: string[]): string | undefined {
  if (!raw) return undefined;
  try {
    const fields = JSON.parse(raw) as Record<string, unknown>;
    const id = keys.map((k) => fields[k]).find((v) => typeof v === 'string' && v.length > 0);
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
