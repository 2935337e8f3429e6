import * as wf from '@temporalio/workflow';
import { type AccessPointSpec } from '../api/accesspoint';
import { annotations, type ObjectSnapshot } from '../api/workflow-contract';
import { SyncState } from '../domain/conditions';
import { describeFieldErrors } from '../domain/validate';
import { activitiesFor, ObjectLifecycle, Superseded, type LifecycleInput } from './lifecycle';

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
    const driftCheck = life.beginPass(snapshot);
    const invalid = await activitiesFor('validating the spec').recorded.validateAccessPointSpec(
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
      const created = await life.step('CreateAccessPoint', (a) =>
        a.efs.createAccessPoint(ref, st.fileSystemId ?? '', spec(snapshot)),
      );
      st.resourceId = created.accessPointID;
      await life.report(
        {
          state: SyncState.creating,
          message: `access point ${st.resourceId} is ${created.lifeCycleState}; waiting until it is available`,
        },
        created,
      );
    }
    const observed = await life.step('waiting until available', (a) =>
      life.cancellableWait(() => a.waits.waitUntilAccessPointAvailable(waitArgs())),
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
    const retain = snapshot?.annotations[annotations.deletionPolicy] === 'retain';
    if (!retain && st.resourceId) {
      const id = st.resourceId;
      await life.report({ state: SyncState.deleting, message: `deleting access point ${id}` });
      await life.step('DeleteAccessPoint', (a) => a.efs.deleteAccessPoint(id), false);
      life.lifeCycleState = 'deleted';
    }
    await life.step('removing the finalizer', (a) => a.kube.removeFinalizer(ref, kind), false);
    life.view = {
      state: SyncState.deleting,
      message: retain ? 'finalizer removed; access point retained' : 'access point deleted; finalizer removed',
      generation: life.passGeneration,
    };
    life.publish();
  }

  await life.run({ sync, delete: deletion }, (next: LifecycleInput) =>
    wf.continueAsNew<typeof accessPointWorkflow>(next),
  );
}
