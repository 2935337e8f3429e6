import * as wf from '@temporalio/workflow';
import { type MountTargetSpec } from '../api/mounttarget';
import { type ObjectSnapshot } from '../api/workflow-contract';
import { SyncState } from '../domain/conditions';
import { describeFieldErrors } from '../domain/validate';
import { activitiesFor, ObjectLifecycle, type LifecycleInput } from './lifecycle';

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

  async function sync(snapshot: ObjectSnapshot): Promise<void> {
    life.beginPass(snapshot);
    const invalid = await activitiesFor('validating the spec').recorded.validateMountTargetSpec(
      spec(snapshot),
      ref.namespace,
    );
    if (invalid.length > 0) await life.stopTerminal('InvalidSpec', describeFieldErrors(invalid));
    await life.ensureFinalizer();
    await life.createInFileSystem(
      spec(snapshot),
      'CreateMountTarget',
      (a, fileSystemId) => a.efs.createMountTarget(ref, fileSystemId, spec(snapshot)),
      (created) => created.mountTargetID as string | undefined,
    );
    let observed = await life.step('waiting until available', (a) =>
      life.cancellableWait(() => a.waits.waitUntilMountTargetAvailable(life.waitArgs())),
    );
    const changed = await life.step('ModifyMountTargetSecurityGroups', (a) =>
      a.efs.syncMountTargetSecurityGroups(st.resourceId ?? '', spec(snapshot)),
    );
    if (changed)
      observed = await life.step('waiting until available', (a) =>
        life.cancellableWait(() => a.waits.waitUntilMountTargetAvailable(life.waitArgs())),
      );
    await life.report({ state: SyncState.synced, message: `mount target ${st.resourceId} is available` }, observed);
    life.completePass(snapshot);
  }

  async function deletion(snapshot: ObjectSnapshot | undefined): Promise<void> {
    const retain = await life.retains(snapshot);
    if (!retain && st.resourceId) {
      const id = st.resourceId;
      await life.report({ state: SyncState.deleting, message: `deleting mount target ${id}` });
      await life.step('DeleteMountTarget', (a) => a.efs.deleteMountTarget(id), false);
      await life.step('waiting until deleted', (a) => a.waits.waitUntilMountTargetDeleted(life.waitArgs()), false);
      life.lifeCycleState = 'deleted';
    }
    await life.releaseObject(
      retain ? 'finalizer removed; mount target retained' : 'mount target deleted; finalizer removed',
    );
  }

  await life.run({ sync, delete: deletion }, (next: LifecycleInput) =>
    wf.continueAsNew<typeof mountTargetWorkflow>(next),
  );
}
