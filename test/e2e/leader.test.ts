import { CoordinationV1Api } from '@kubernetes/client-node';
import { ConditionType } from '../../src/api/filesystem';
import { createLogger } from '../../src/shared/log';
import { LeaderElector, type LeaderWork } from '../../src/watcher/leader';
import {
  applyFileSystem,
  createE2eContext,
  eventually,
  fileSystemsOfRun,
  startOrchestrator,
  waitForCondition,
  type E2eContext,
} from './harness';
import { noMetricsPorts } from './ops-helpers';

/**
 * Leader election of the watchers over a real Lease: exactly one leads, a graceful leader hands
 * over at once, and a killed one is replaced within seconds without losing or duplicating work.
 */
jest.setTimeout(240_000);

let ctx: E2eContext;
afterEach(async () => {
  await ctx?.close();
});

async function leaseHolder(c: E2eContext, name: string): Promise<string | undefined> {
  const lease = await c.kc.makeApiClient(CoordinationV1Api).readNamespacedLease({ name, namespace: c.namespace });
  return lease.spec?.holderIdentity;
}

test('two electors in one process: exactly one leads; stopping it hands the Lease over without waiting for expiry', async () => {
  ctx = await createE2eContext('elect');
  const lines: string[] = [];
  const log = createLogger('leader-test', { write: (line) => lines.push(line) });
  const leaseName = 'efs-orchestrator-watcher';
  let leading = 0;
  let mostAtOnce = 0;
  const work =
    (id: string, terms: string[]): LeaderWork =>
    async (lost) => {
      leading++;
      mostAtOnce = Math.max(mostAtOnce, leading);
      terms.push(id);
      await new Promise<void>((resolve) => lost.addEventListener('abort', () => resolve()));
      leading--;
    };
  const terms: string[] = [];
  const electors = ['a', 'b'].map((id) => ({
    id,
    elector: new LeaderElector({
      kc: ctx.kc,
      namespace: ctx.namespace,
      name: leaseName,
      identity: `elector-${id}`,
      log,
    }),
    shutdown: new AbortController(),
  }));
  const runs = electors.map((e) => e.elector.run(work(e.id, terms), e.shutdown.signal));
  try {
    await eventually('one elector to lead', async () => electors.some((e) => e.elector.isLeader()), 10_000);
    // Several renewals and retries later, still exactly one.
    await new Promise((r) => setTimeout(r, 6_000));
    const leaders = electors.filter((e) => e.elector.isLeader());
    expect(leaders).toHaveLength(1);
    const [leader] = leaders as [(typeof electors)[number]];
    const standby = electors.find((e) => e !== leader) as (typeof electors)[number];
    expect(mostAtOnce).toBe(1);
    expect(terms).toEqual([leader.id]);
    expect(await leaseHolder(ctx, leaseName)).toBe(`elector-${leader.id}`);

    const stoppedAt = Date.now();
    leader.shutdown.abort();
    await runs[electors.indexOf(leader)];
    await eventually('the standby to take over', async () => standby.elector.isLeader(), 8_000);
    // A released Lease is taken at the standby's next retry (RetryPeriod 2 s, jittered), not after LeaseDuration (15 s).
    expect(Date.now() - stoppedAt).toBeLessThan(6_000);
    expect(await leaseHolder(ctx, leaseName)).toBe(`elector-${standby.id}`);
    expect(terms).toEqual([leader.id, standby.id]);
    expect(mostAtOnce).toBe(1);
  } finally {
    electors.forEach((e) => e.shutdown.abort());
    await Promise.all(runs);
  }
  expect(await leaseHolder(ctx, leaseName)).toBe('');
  expect(lines.join('\n')).toContain('"released the leader lease"');
});

test('kill -9 of the leading watcher: a standby takes over within seconds and later objects converge, one file system each', async () => {
  ctx = await createE2eContext('failover');
  const env = { ...noMetricsPorts, LEADER_ELECTION_NAMESPACE: ctx.namespace };
  startOrchestrator(ctx, 'worker', noMetricsPorts);
  const first = startOrchestrator(ctx, 'watcher', env);
  await first.waitForLog('"became leader"');
  const second = startOrchestrator(ctx, 'watcher', env);
  await second.waitForLog('"waiting for the leader lease"');

  await applyFileSystem(ctx, 'before');
  await waitForCondition(ctx, 'before', ConditionType.synced, 'True');

  await first.kill('SIGKILL');
  const killedAt = Date.now();
  // Applied while no watcher leads: the standby's first list must pick them up.
  await applyFileSystem(ctx, 'after-1');
  await applyFileSystem(ctx, 'after-2');
  await second.waitForLog('"became leader"', 40_000);
  const takeoverMs = Date.now() - killedAt;
  // LeaseDuration (15 s) after the standby last saw a renewal, plus at most one jittered retry.
  expect(takeoverMs).toBeLessThan(25_000);

  await waitForCondition(ctx, 'after-1', ConditionType.synced, 'True');
  await waitForCondition(ctx, 'after-2', ConditionType.synced, 'True');
  const found = await fileSystemsOfRun(ctx);
  expect(found).toHaveLength(3);
  expect(new Set(found.map((f) => f.CreationToken)).size).toBe(3);
  expect(await leaseHolder(ctx, 'efs-orchestrator-watcher')).toMatch(new RegExp(`_${second.child.pid}_[0-9a-f]{8}$`));
});

test('SIGTERM of the leading watcher releases the Lease: the standby leads within a few seconds', async () => {
  ctx = await createE2eContext('handover');
  const env = { ...noMetricsPorts, LEADER_ELECTION_NAMESPACE: ctx.namespace };
  startOrchestrator(ctx, 'worker', noMetricsPorts);
  const first = startOrchestrator(ctx, 'watcher', env);
  await first.waitForLog('"became leader"');
  const second = startOrchestrator(ctx, 'watcher', env);
  await second.waitForLog('"waiting for the leader lease"');

  const stoppedAt = Date.now();
  await first.kill('SIGTERM');
  expect(first.child.exitCode).toBe(0);
  await first.waitForLog('"released the leader lease"', 1_000);
  await second.waitForLog('"became leader"', 10_000);
  expect(Date.now() - stoppedAt).toBeLessThan(8_000);

  await applyFileSystem(ctx, 'after-handover');
  await waitForCondition(ctx, 'after-handover', ConditionType.synced, 'True');
  expect(await fileSystemsOfRun(ctx)).toHaveLength(1);
});
