import * as wf from '@temporalio/workflow';
import { type AccessPointSpec } from '../api/accesspoint';
import { type ObjectSnapshot } from '../api/workflow-contract';
import { SyncState } from '../domain/conditions';
import { describeFieldErrors } from '../domain/validate';
import { activitiesFor, ObjectLifecycle, type LifecycleInput } from './lifecycle';

const kind = 'AccessPoint';

/** One AccessPoint object: wait for its file system, create the access point, keep its tags, delete it with the object. */
export async function accessPointWorkflow(input: LifecycleInput): Promise<void> {
  const life: ObjectLifecycle = new ObjectLifecycle(
    kind,
    input,
    (): string => `access point: ${life.st.resourceId ?? '(not created yet)'}`,
  );
  const { ref, st } = life;
  const spec = (snapshot: ObjectSnapshot): AccessPointSpec | undefined => snapshot.spec as AccessPointSpec | undefined;

  async function sync(snapshot: ObjectSnapshot): Promise<void> {
    const driftCheck = life.beginPass(snapshot);
    const invalid = await activitiesFor('validating the spec').recorded.validateAccessPointSpec(
      spec(snapshot),
      ref.namespace,
    );
    if (invalid.length > 0) await life.stopTerminal('InvalidSpec', describeFieldErrors(invalid));
    await life.ensureFinalizer();
    await life.createInFileSystem(
      spec(snapshot),
      'CreateAccessPoint',
      (a, fileSystemId) => a.efs.createAccessPoint(ref, fileSystemId, spec(snapshot)),
      (created) => created.accessPointID as string | undefined,
    );
    const observed = await life.step('waiting until available', (a) =>
      life.cancellableWait(() => a.waits.waitUntilAccessPointAvailable(life.waitArgs())),
    );
    const applied = await life.step('tagging', (a) =>
      a.efs.syncAccessPointTags(ref, st.resourceId ?? '', spec(snapshot)),
    );
    if (applied.length > 0 && driftCheck) {
      await life.emit({
        type: 'Warning',
        reason: 'DriftCorrected',
        message: `changed outside Kubernetes, now corrected: ${applied.join('; ')}`,
      });
    }
    await life.report({ state: SyncState.synced, message: `access point ${st.resourceId} is available` }, observed);
    life.completePass(snapshot);
  }

  async function deletion(snapshot: ObjectSnapshot | undefined): Promise<void> {
    const retain = await life.retains(snapshot);
    if (!retain && st.resourceId) {
      const id = st.resourceId;
      await life.report({ state: SyncState.deleting, message: `deleting access point ${id}` });
      await life.step('DeleteAccessPoint', (a) => a.efs.deleteAccessPoint(id), false);
      life.lifeCycleState = 'deleted';
    }
    await life.releaseObject(
      retain ? 'finalizer removed; access point retained' : 'access point deleted; finalizer removed',
    );
  }

  await life.run({ sync, delete: deletion }, (next: LifecycleInput) =>
    wf.continueAsNew<typeof accessPointWorkflow>(next),
  );
}
