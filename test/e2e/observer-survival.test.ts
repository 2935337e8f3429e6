import { restartStackTemporal } from '../../dev/stack/temporal';
import { observerWorkflowId } from '../../src/api/observer-contract';
import { ConditionType } from '../../src/api/filesystem';
import { partitionKey } from '../../src/aws/partition';
import { creationTokenFor } from '../../src/domain/filesystem';
import { stackDir } from '../../src/shared/paths';
import {
  applyFileSystem,
  createE2eContext,
  deleteFileSystem,
  eventually,
  fileSystemsOfRun,
  startOrchestrator,
  waitForCondition,
  waitForGone,
  type E2eContext,
  type OrchestratorProcess,
} from './harness';

/**
 * The observer of the account and Region survives what the orchestrator survives: a burst of 50
 * objects, each file system `creating` for 20 s, while the worker that runs the observation loop
 * is killed (kill -9), or while the Temporal server restarts. Every object syncs, with exactly one
 * file system each, and deleting them leaves nothing behind.
 */
jest.setTimeout(900_000);

const burst = 50;
const creatingMs = 20_000;

let ctx: E2eContext;
afterEach(async () => {
  await ctx?.close();
});

/** Applies the burst, each file system held in `creating`; returns the objects' creation tokens. */
async function applyBurst(c: E2eContext): Promise<{ names: string[]; tokens: string[] }> {
  const names = Array.from({ length: burst }, (_, i) => `fs-${i}`);
  await c.admin.holdInCreating({ next: burst }, creatingMs);
  const objects = await Promise.all(names.map((name) => applyFileSystem(c, name)));
  return { names, tokens: objects.map((o) => creationTokenFor(o.metadata.uid)) };
}

/** Every object synced, one file system each; then deleted, nothing of them left in AWS. */
async function expectSyncedThenGone(c: E2eContext, names: string[], tokens: string[]): Promise<void> {
  for (const name of names) await waitForCondition(c, name, ConditionType.synced, 'True', 600_000);
  const found = await fileSystemsOfRun(c);
  expect(found).toHaveLength(burst);
  expect(new Set(found.map((f) => f.CreationToken))).toEqual(new Set(tokens));
  await Promise.all(names.map((name) => deleteFileSystem(c, name)));
  for (const name of names) await waitForGone(c, 'FileSystem', name, 600_000);
  const left = (await c.admin.fileSystems()).filter(
    (fs) => tokens.includes(fs.CreationToken) && fs.LifeCycleState !== 'deleted',
  );
  expect(left).toEqual([]);
}

/** The observer's workflow id for this run (its own task queue) and the worker running its loop. */
async function observerWorker(c: E2eContext, workers: OrchestratorProcess[]): Promise<OrchestratorProcess> {
  const observer = c.temporal.workflow.getHandle(
    observerWorkflowId(partitionKey({ region: c.env.AWS_REGION ?? 'us-east-1' }), c.taskQueue),
  );
  let running: OrchestratorProcess | undefined;
  await eventually(
    'a worker to run the observation loop',
    async () => {
      const description = await observer.describe();
      const identity = description.raw.pendingActivities?.[0]?.lastWorkerIdentity ?? '';
      running = workers.find((w) => identity.startsWith(`${w.child.pid}@`));
      return running !== undefined;
    },
    // Workers bundle their workflows and the burst's first creates must land first: minutes on a loaded machine.
    300_000,
    500,
  );
  return running as OrchestratorProcess;
}

test('kill -9 of the worker running the observer during a 50-object burst: all synced, one file system each, nothing left', async () => {
  ctx = await createE2eContext('obskill');
  const workers = [startOrchestrator(ctx, 'worker'), startOrchestrator(ctx, 'worker')];
  startOrchestrator(ctx, 'watcher');
  const { names, tokens } = await applyBurst(ctx);
  const victim = await observerWorker(ctx, workers);
  await victim.kill('SIGKILL');
  const survivor = workers.find((w) => w !== victim) as OrchestratorProcess;
  // The loop resumes on the surviving worker once the heartbeat timeout notices the dead one.
  expect(await observerWorker(ctx, [survivor])).toBe(survivor);
  workers.push(startOrchestrator(ctx, 'worker'));
  await expectSyncedThenGone(ctx, names, tokens);
});

test('the Temporal server restarted during a 50-object burst: all synced, one file system each, nothing left', async () => {
  ctx = await createE2eContext('obstemporal');
  startOrchestrator(ctx, 'worker');
  startOrchestrator(ctx, 'watcher');
  const { names, tokens } = await applyBurst(ctx);
  await eventually('some file systems created', async () => (await fileSystemsOfRun(ctx)).length >= burst / 2, 120_000);
  await restartStackTemporal(stackDir(), { downtimeMs: 3_000 });
  await expectSyncedThenGone(ctx, names, tokens);
});
