import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Context } from '@temporalio/activity';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import {
  observerWorkflowId,
  watchesQuery,
  watchSignal,
  type ObserverRound,
  type Watch,
} from '../../src/api/observer-contract';
import { quietLogger } from '../../src/history/replay';
import { startTestEnvironment } from './temporal-server';

/**
 * The observer's workflow on a real Temporal dev server, its loop activity faked: the watches it
 * holds (a newer ticket replaces an older one, a late older one does not) and the rounds that drop
 * exactly the watches they answered.
 */
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await startTestEnvironment();
}, 120_000);

afterAll(async () => {
  await env?.teardown();
});

const watch = (n: number, ticket: number): Watch => ({
  workflowId: `widget/ns/w${n}/uid-${n}`,
  kind: 'Widget',
  resourceId: `widget-${n}`,
  fileSystemId: '',
  until: 'ready',
  ticket,
});

async function until(what: string, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('holds one watch per workflow, the newest ticket; a round drops exactly the watches it answered', async () => {
  const rounds: ObserverRound[] = [{ settled: [] }];
  let released = false;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'observer-tests',
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: require.resolve('./fake-kind/workflows'),
      logger: quietLogger,
    }),
    activities: {
      // The loop, faked: the first round ends once the test has sent its watches.
      runObserver: async (): Promise<ObserverRound> => {
        const ctx = Context.current();
        while (!released) await ctx.sleep(50);
        const round = rounds.shift();
        if (round) return round;
        // Later rounds last until the worker shuts down (its cancellation ends them).
        await ctx.cancelled;
        return { settled: [] };
      },
    },
  });
  await worker.runUntil(async () => {
    const start = (w: Watch) =>
      env.client.workflow.signalWithStart('observerWorkflow', {
        workflowId: observerWorkflowId('own-account/test-1', 'observer-tests'),
        taskQueue: 'observer-tests',
        args: [{ partition: { region: 'test-1' } }],
        signal: watchSignal,
        signalArgs: [w],
      });
    const handle = await start(watch(1, 1));
    await start(watch(1, 3));
    await start(watch(1, 2)); // late: older than the one held
    await start(watch(2, 1));
    const held = async (): Promise<Watch[]> =>
      (await handle.query(watchesQuery)).sort((a, b) => a.workflowId.localeCompare(b.workflowId));
    await until('both watches held', async () => (await held()).length === 2);
    expect(await held()).toEqual([watch(1, 3), watch(2, 1)]);
    // The round answered widget 2 and an older ticket of widget 1: only widget 2's watch goes.
    rounds[0] = {
      settled: [
        { workflowId: watch(1, 1).workflowId, ticket: 1 },
        { workflowId: watch(2, 1).workflowId, ticket: 1 },
      ],
    };
    released = true;
    await until('the round applied', async () => (await held()).length === 1);
    expect(await held()).toEqual([watch(1, 3)]);
    expect(handle.workflowId).toBe('efs-observer/own-account/test-1/observer-tests');
    await handle.terminate();
  });
});

it("hands each round the slow reads' memory the last round returned", async () => {
  const memory = { upTo: 1_000, pending: ['widget/ns/w1'] };
  const given: unknown[] = [];
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'observer-slow-tests',
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: require.resolve('./fake-kind/workflows'),
      logger: quietLogger,
    }),
    activities: {
      runObserver: async (_partition: unknown, slowReads: unknown): Promise<ObserverRound> => {
        given.push(slowReads);
        if (given.length === 1) return { settled: [], slowReads: memory };
        await Context.current().cancelled;
        return { settled: [] };
      },
    },
  });
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start('observerWorkflow', {
      workflowId: observerWorkflowId('own-account/test-2', 'observer-slow-tests'),
      taskQueue: 'observer-slow-tests',
      args: [{ partition: { region: 'test-2' } }],
    });
    await until('the second round', async () => given.length === 2);
    expect(given).toEqual([undefined, memory]);
    await handle.terminate();
  });
});
