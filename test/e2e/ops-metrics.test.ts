import * as net from 'node:net';
import { ConditionType } from '../../src/api/filesystem';
import { serveMetrics } from '../../src/metrics/server';
import { createLogger } from '../../src/shared/log';
import {
  applyFileSystem,
  createE2eContext,
  eventually,
  startOrchestrator,
  waitForCondition,
  type E2eContext,
} from './harness';
import { freePorts } from '../support/free-port';
import { injectOwnFault, removeOwnFaults, sample, scrape } from './ops-helpers';

/**
 * Prometheus metrics of a real worker and watcher after a sync on the stack: the orchestrator's
 * own series on --metrics-port and the Temporal SDK's on --temporal-metrics-bind.
 */
jest.setTimeout(180_000);

let ctx: E2eContext;
afterEach(async () => {
  if (ctx) await removeOwnFaults(ctx);
  await ctx?.close();
});

test('after a sync, /metrics shows EFS calls, throttles, time to synced, objects by state, watcher events and the leader', async () => {
  ctx = await createE2eContext('metrics');
  const [workerPort, watcherPort, sdkPort] = (await freePorts(3)) as [number, number, number];
  startOrchestrator(ctx, 'worker', {
    METRICS_PORT: String(workerPort),
    TEMPORAL_METRICS_BIND: `127.0.0.1:${sdkPort}`,
  });
  const watcher = startOrchestrator(ctx, 'watcher', {
    METRICS_PORT: String(watcherPort),
    LEADER_ELECTION_NAMESPACE: ctx.namespace,
  });
  await watcher.waitForLog('"became leader"');
  // One throttled CreateFileSystem: retried at once by the activity, and counted. The fault matches
  // only this run's requests, but another run may clear all faults first: then try a new object.
  const startedAt = Date.now();
  let objects = 0;
  let worker = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    await injectOwnFault(ctx, { kind: 'throttling', operation: 'CreateFileSystem', times: 1 });
    await applyFileSystem(ctx, `measured-${attempt}`);
    objects++;
    await waitForCondition(ctx, `measured-${attempt}`, ConditionType.synced, 'True');
    worker = await scrape(workerPort);
    if (sample(worker, 'efs_orchestrator_efs_throttles_total{operation="CreateFileSystem"}') !== undefined) break;
  }
  const elapsedSeconds = (Date.now() - startedAt) / 1000;

  const calls = (operation: string, outcome: string): number =>
    sample(worker, `efs_orchestrator_efs_calls_total{operation="${operation}",outcome="${outcome}"}`) ?? 0;
  expect(sample(worker, 'efs_orchestrator_efs_throttles_total{operation="CreateFileSystem"}')).toBe(1);
  expect(calls('CreateFileSystem', 'ThrottlingException')).toBe(1);
  expect(calls('CreateFileSystem', 'success')).toBe(objects);
  expect(calls('DescribeFileSystems', 'success')).toBeGreaterThanOrEqual(objects);
  expect(sample(worker, 'efs_orchestrator_efs_call_duration_seconds_count{operation="CreateFileSystem"}')).toBe(
    objects + 1,
  );
  // One first sync per object of this worker, none longer than the test waited.
  expect(sample(worker, 'efs_orchestrator_time_to_synced_seconds_count{kind="FileSystem"}')).toBe(objects);
  const timeToSynced = sample(worker, 'efs_orchestrator_time_to_synced_seconds_sum{kind="FileSystem"}') as number;
  expect(timeToSynced).toBeGreaterThan(0);
  expect(timeToSynced).toBeLessThanOrEqual(objects * (elapsedSeconds + 1));
  expect(worker).toMatch(/^process_resident_memory_bytes \d+/m);

  // The watcher's cache follows the object's conditions as the status writes come in.
  let watcherText = '';
  await eventually(
    'the watcher to count the object as Synced',
    async () => {
      watcherText = await scrape(watcherPort);
      return sample(watcherText, 'efs_orchestrator_objects{kind="FileSystem",sync_state="Synced"}') === objects;
    },
    15_000,
    200,
    () =>
      watcherText
        .split('\n')
        .filter((l) => l.startsWith('efs_orchestrator_objects'))
        .join('; '),
  );
  expect(sample(watcherText, 'efs_orchestrator_objects{kind="FileSystem",sync_state="Creating"}')).toBe(0);
  expect(sample(watcherText, 'efs_orchestrator_watcher_events_total{kind="FileSystem"}')).toBeGreaterThanOrEqual(3);
  expect(sample(watcherText, 'efs_orchestrator_watcher_lists_total{kind="FileSystem"}')).toBeGreaterThanOrEqual(1);
  expect(sample(watcherText, 'efs_orchestrator_watcher_signals_total{kind="FileSystem"}')).toBeGreaterThanOrEqual(1);
  expect(sample(watcherText, 'efs_orchestrator_watcher_restarts_total{kind="FileSystem"}')).toBe(0);
  expect(sample(watcherText, `efs_orchestrator_leader{lease="${ctx.namespace}/efs-orchestrator-watcher"}`)).toBe(1);

  // The Temporal SDK's own metrics, on the second port.
  const sdk = await scrape(sdkPort);
  expect(sdk).toMatch(/^temporal_worker_task_slots_available\{.*task_queue="[^"]+".*\} \d+/m);
  expect(sdk).toContain(`task_queue="${ctx.taskQueue}"`);
  expect(sdk).toMatch(/^temporal_activity_execution_latency_(bucket|count|sum)\{/m);

  const health = await fetch(`http://127.0.0.1:${workerPort}/healthz`);
  expect(health.status).toBe(200);
});

test('a metrics port already in use is logged and the process serves on without metrics', async () => {
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as net.AddressInfo).port;
  const lines: string[] = [];
  try {
    const server = await serveMetrics({
      host: '127.0.0.1',
      port,
      log: createLogger('metrics-test', { write: (line) => lines.push(line) }),
    });
    expect(server).toBeUndefined();
    expect(lines.join('\n')).toMatch(/metrics not served: cannot listen; choose another port with --metrics-port/);
    expect(lines.join('\n')).toContain('EADDRINUSE');
  } finally {
    await new Promise<void>((resolve) => taken.close(() => resolve()));
  }
  expect(await serveMetrics({ host: '127.0.0.1', port: 0, log: createLogger('metrics-test') })).toBeUndefined();
});
