import * as wf from '@temporalio/workflow';
import type { FieldExportActivities } from '../activities/fieldexport';
import { type FieldExportSpec } from '../api/fieldexport';
import { type ObjectSnapshot } from '../api/workflow-contract';
import { SyncState } from '../domain/conditions';
import { ObjectLifecycle, type LifecycleInput } from './lifecycle';

/** Kubernetes reads and one patch: quick, retried a few times, then handed to the lifecycle's backoff. */
const exportOptions: wf.ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 4 },
};

/**
 * One workflow per FieldExport: export the field whenever there is news (a spec change, a change
 * of the source object that the watcher signals as a resync, the periodic drift check), and say
 * on the FieldExport how it went. Deleting a FieldExport leaves the exported key where it is and
 * ends the workflow, as ACK does (it only drops its finalizer; this one never adds any).
 */
export async function runFieldExport(input: LifecycleInput): Promise<void> {
  const life = new ObjectLifecycle('FieldExport', input, () => 'field export');
  const { ref } = life;

  async function sync(snapshot: ObjectSnapshot): Promise<void> {
    life.beginPass(snapshot);
    const spec = snapshot.spec as FieldExportSpec | undefined;
    const result = await life.step('exporting the field', () =>
      wf
        .proxyActivities<FieldExportActivities>({ ...exportOptions, summary: 'exporting the field' })
        .exportField(ref, spec),
    );
    // Another ACK controller's export: its status is that controller's to write.
    if (result.outcome !== 'not-ours') await life.report({ state: SyncState.synced, message: result.message });
    life.completePass(snapshot);
  }

  await life.run({ sync, delete: async () => undefined }, (next: LifecycleInput) => wf.continueAsNew(next));
}
