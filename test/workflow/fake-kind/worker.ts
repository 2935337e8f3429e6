import { type NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { efsTaskQueueFor } from '../../../src/api/workflow-contract';
import { type FakeWorld } from './activities';

/**
 * Runs `body` while the fake kind's workers poll, as the orchestrator's do: one on the workflow's
 * task queue, one on its EFS task queue (here without a rate limit).
 */
export async function runWithFakeKindWorkers<T>(
  setup: { connection: NativeConnection; bundle: WorkflowBundleWithSourceMap; world: FakeWorld; taskQueue: string },
  body: () => Promise<T>,
): Promise<T> {
  const worker = await Worker.create({
    connection: setup.connection,
    taskQueue: setup.taskQueue,
    workflowBundle: setup.bundle,
    activities: setup.world.activities(),
  });
  const efsWorker = await Worker.create({
    connection: setup.connection,
    taskQueue: efsTaskQueueFor(setup.taskQueue),
    activities: setup.world.activities(),
  });
  return efsWorker.runUntil(worker.runUntil(body()));
}
