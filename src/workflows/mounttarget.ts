import * as wf from '@temporalio/workflow';
import { type MountTargetSpec } from '../api/mounttarget';
import { type ObjectSnapshot } from '../api/workflow-contract';
import { annotations } from '../api/workflow-contract';
import { SyncState } from '../domain/conditions';
import { describeFieldErrors } from '../domain/validate';
import { activitiesFor, ObjectLifecycle, Superseded, type LifecycleInput } from './lifecycle';

const kind = 'MountTarget';

/**
 * One MountTarget object: wait for its file system, create the mount target (mount targets take
 * minutes in AWS), keep its security groups as the spec says, and delete it with the object.
 */
export async function mountTargetWorkflow(input: LifecycleInput): Promise<void> {
  const life: ObjectLifecycle = new ObjectLifecycle(
    kind,
    input,
    (): string => `mount target: ${life.st.resourceId ?? '(not created yet)'}`,
  );
  const { ref, st } = life;
  const spec = (snapshot: ObjectSnapshot): MountTargetSpec | undefined => snapshot.spec as MountTargetSpec | undefined;
  const waitArgs = () => ({
    ref,
    kind,
    workflowId: life.workflowId,
    fileSystemId: st.fileSystemId ?? '',
    resourceId: st.resourceId ?? '',
    generation: life.passGeneration,
    sequence: st.statusSequence,
  });

  async function sync(snapshot: ObjectSnapshot): Promise<void> {
    life.beginPass(snapshot);
    const invalid = await activitiesFor('validating the spec').recorded.validateMountTargetSpec(
      spec(snapshot),
      ref.namespace,
    );
    if (invalid.length > 0) await life.stopTerminal('InvalidSpec', describeFieldErrors(invalid));
    const finalizer = await life.step('adding the finalizer', (a) => a.kube.ensureFinalizer(ref, kind));
    if (finalizer === 'gone') {
      life.objectGone = true;
      throw new Superseded();
    }
    if (!st.resourceId) {
      const current = spec(snapshot) ?? {};
      st.fileSystemId = await life.step('waiting for the file system', (a) =>
        a.efs.resolveFileSystem(current, ref.namespace),
      );
      const created = await life.step('CreateMountTarget', (a) =>
        a.efs.createMountTarget(ref, st.fileSystemId ?? '', spec(snapshot)),
      );
      st.resourceId = created.mountTargetID;
      await life.report(
        {
          state: SyncState.creating,
          message: `mount target ${st.resourceId} is ${created.lifeCycleState}; waiting until it is available`,
        },
        created,
      );
    }
    let observed = await life.step('waiting until available', (a) =>
      life.cancellableWait(() => a.waits.waitUntilMountTargetAvailable(waitArgs())),
    );
    const changed = await life.step('ModifyMountTargetSecurityGroups', (a) =>
      a.efs.syncMountTargetSecurityGroups(st.resourceId ?? '', spec(snapshot)),
    );
    if (changed)
      observed = await life.step('waiting until available', (a) =>
        life.cancellableWait(() => a.waits.waitUntilMountTargetAvailable(waitArgs())),
      );
    await life.report({ state: SyncState.synced, message: `mount target ${st.resourceId} is available` }, observed);
    life.completePass(snapshot);
  }

  async function deletion(snapshot: ObjectSnapshot | undefined): Promise<void> {
    const retain = snapshot?.annotations[annotations.deletionPolicy] === 'retain';
    if (!retain && st.resourceId) {
      const id = st.resourceId;
      await life.report({ state: SyncState.deleting, message: `deleting mount target ${id}` });
      await life.step('DeleteMountTarget', (a) => a.efs.deleteMountTarget(id), false);
      await life.step('waiting until deleted', (a) => a.waits.waitUntilMountTargetDeleted(waitArgs()), false);
      life.lifeCycleState = 'deleted';
    }
    await life.step('removing the finalizer', (a) => a.kube.removeFinalizer(ref, kind), false);
    life.view = {
      state: SyncState.deleting,
      message: retain ? 'finalizer removed; mount target retained' : 'mount target deleted; finalizer removed',
      generation: life.passGeneration,
    };
    life.publish();
  }

  await life.run({ sync, delete: deletion }, (next: LifecycleInput) =>
    wf.continueAsNew<typeof mountTargetWorkflow>(next),
  );
}
