import * as wf from '@temporalio/workflow';
import {
  type FileSystemWorkflowInput,
  type ObjectSnapshot,
  annotations,
  workflowPatches,
} from '../api/workflow-contract';
import { SyncState } from '../domain/conditions';
import { describeFieldErrors, validateFileSystemSpec } from '../domain/validate';
import { activitiesFor, ObjectLifecycle, StoppedTerminal, type LifecycleInput } from './lifecycle';

/**
 * One FileSystem object, from creation to deletion: create the file system (or adopt one), wait
 * until it is available, bring its settings to the spec and read them back, then idle until the
 * spec changes, a resync is requested or the drift timer fires; on deletion honour the deletion
 * policy and let the object go only once AWS reports the file system gone.
 */
export async function fileSystemWorkflow(input: FileSystemWorkflowInput): Promise<void> {
  const life: ObjectLifecycle = new ObjectLifecycle(
    'FileSystem',
    input,
    (): string => `file system: ${life.st.fileSystemId ?? '(not created yet)'}`,
  );
  const { ref, st } = life;

  async function sync(snapshot: ObjectSnapshot): Promise<void> {
    const driftCheck = life.beginPass(snapshot);
    const managed = wf.patched(workflowPatches.fullManagement);
    const invalid = managed
      ? await activitiesFor('validating the spec').recorded.validateSpec(snapshot.spec)
      : validateFileSystemSpec(snapshot.spec);
    if (invalid.length > 0) await life.stopTerminal('InvalidSpec', describeFieldErrors(invalid));
    const readOnly = managed && snapshot.annotations[annotations.readOnly] === 'true';
    if (!readOnly) await life.ensureFinalizer();
    if (!st.fileSystemId && managed) await adopt(snapshot, readOnly);
    if (!st.fileSystemId) {
      const created = await life.step('CreateFileSystem', (a) => a.efs.createFileSystem(ref, snapshot.spec));
      st.fileSystemId = created.fileSystemId;
      await life.report(
        {
          state: SyncState.creating,
          message: `EFS file system ${created.fileSystemId} is ${created.status.lifeCycleState}; waiting until it is available`,
        },
        created.status,
      );
    }
    let observed = await life.step('waiting until available', (a) =>
      life.cancellableWait(() => a.waits.waitUntilAvailable(life.waitArgs())),
    );
    if (managed && !readOnly) {
      // Apply, let AWS settle, read back: synced only once a read shows nothing left to change.
      for (let round = 1; ; round++) {
        const { applied } = await life.step('applying the spec', (a) =>
          a.efs.syncSettings(ref, st.fileSystemId ?? '', snapshot.spec),
        );
        if (applied.length === 0) break;
        if (driftCheck) {
          await life.emit({
            type: 'Warning',
            reason: 'DriftCorrected',
            message: `changed outside Kubernetes, now corrected: ${applied.join('; ')}`,
          });
        }
        if (round >= 5) {
          await life.report({
            state: SyncState.recoverable,
            reason: 'NotConverged',
            message: `AWS does not keep the spec: still applying ${applied.join('; ')}`,
          });
          throw new StoppedTerminal('not converged');
        }
        await life.report({
          state: SyncState.updating,
          message: `applied ${applied.join('; ')}; waiting until the file system is available`,
        });
        observed = await life.step('waiting until available', (a) =>
          life.cancellableWait(() => a.waits.waitUntilAvailable(life.waitArgs())),
        );
      }
    }
    const summary = readOnly
      ? `EFS file system ${st.fileSystemId} is available (read-only: observed, never changed)`
      : `EFS file system ${st.fileSystemId} is available`;
    await life.report({ state: SyncState.synced, message: summary }, observed);
    life.completePass(snapshot);
  }

  /** Takes over an existing file system named by the adoption annotations, or explains why not. */
  async function adopt(snapshot: ObjectSnapshot, readOnly: boolean): Promise<void> {
    const policy = snapshot.annotations[annotations.adoptionPolicy];
    if (policy === undefined) {
      if (readOnly) {
        await life.stopTerminal(
          'NothingToObserve',
          `read-only objects never create a file system: name one with ${annotations.adoptionPolicy} and ${annotations.adoptionFields}`,
        );
      }
      return;
    }
    const fileSystemId = adoptionTarget(snapshot.annotations[annotations.adoptionFields]);
    if (policy !== 'adopt' && policy !== 'adopt-or-create') {
      await life.stopTerminal(
        'InvalidAnnotation',
        `${annotations.adoptionPolicy} must be "adopt" or "adopt-or-create", not "${policy}"`,
      );
    }
    if (!fileSystemId) {
      await life.stopTerminal(
        'InvalidAnnotation',
        `${annotations.adoptionFields} must be JSON naming the file system, e.g. {"fileSystemID": "fs-0123456789abcdef0"}`,
      );
      return;
    }
    const found = await life.step(`adopting ${fileSystemId}`, (a) => a.efs.describeForAdoption(fileSystemId));
    if (found) {
      st.fileSystemId = found.fileSystemId;
      await life.emit({
        type: 'Normal',
        reason: 'Adopted',
        message: `adopted existing EFS file system ${fileSystemId}`,
      });
    } else if (policy === 'adopt' || readOnly) {
      await life.stopTerminal('FileSystemNotFound', `cannot adopt ${fileSystemId}: AWS has no such file system`);
    }
  }

  /** Honours the deletion policy, waits until AWS reports the file system gone, then lets the object go. */
  async function deletion(snapshot: ObjectSnapshot | undefined): Promise<void> {
    const snapshotAnnotations = snapshot?.annotations ?? {};
    const retain =
      (await life.retains(snapshot)) ||
      (snapshotAnnotations[annotations.readOnly] === 'true' && wf.patched(workflowPatches.fullManagement));
    if (!retain) {
      // A crash may have hidden a file system created for this object: look it up by its token.
      const fileSystemId =
        st.fileSystemId ??
        (await life.step('looking for a file system to delete', (a) => a.efs.findFileSystem(ref), false));
      if (fileSystemId) {
        st.fileSystemId = fileSystemId;
        await life.report({ state: SyncState.deleting, message: `deleting EFS file system ${fileSystemId}` });
        await life.step('DeleteFileSystem', (a) => a.efs.deleteFileSystem(fileSystemId), false);
        await life.step('waiting until deleted', (a) => a.waits.waitUntilDeleted(life.waitArgs()), false);
        life.lifeCycleState = 'deleted';
      }
    }
    await life.releaseObject(
      retain ? 'finalizer removed; file system retained' : 'file system deleted; finalizer removed',
    );
  }

  await life.run({ sync, delete: deletion }, (next: LifecycleInput) =>
    wf.continueAsNew<typeof fileSystemWorkflow>(next),
  );
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
