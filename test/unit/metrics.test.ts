import { describe, expect, it } from '@jest/globals';
import { DescribeFileSystemsCommand, EFSClient, type EFSClientConfig } from '@aws-sdk/client-efs';
import { ConditionType, type Condition } from '../../src/api/filesystem';
import { SyncState } from '../../src/domain/conditions';
import { instrumentEfsClient, isThrottle, operationOf, outcomeOf } from '../../src/metrics/efs';
import { OrchestratorMetrics, type WatcherStatsSource } from '../../src/metrics/registry';
import { parseBindAddress } from '../../src/metrics/settings';
import {
  secondsSinceCreation,
  syncStateOf,
  turnsSyncedFirstTime,
  type ObjectWithConditions,
} from '../../src/metrics/sync-state';

const condition = (type: string, status: Condition['status'], reason = 'X'): Condition => ({
  type,
  status,
  reason,
  message: '',
  lastTransitionTime: '2026-03-01T12:00:00Z',
});

const object = (
  conditions?: Condition[],
  extra: Partial<ObjectWithConditions['status']> = {},
): ObjectWithConditions => ({
  metadata: { creationTimestamp: '2026-03-01T12:00:00Z' },
  status: conditions ? { conditions, ...extra } : undefined,
});

/** One sample's value from Prometheus text output, or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('syncStateOf', () => {
  it('says Pending before any workflow reported', () => {
    expect(syncStateOf(object())).toBe(SyncState.pending);
  });

  it('reads the state from the ResourceSynced reason while not synced', () => {
    expect(syncStateOf(object([condition(ConditionType.synced, 'False', 'Creating')]))).toBe(SyncState.creating);
    expect(syncStateOf(object([condition(ConditionType.synced, 'False', 'Updating')]))).toBe(SyncState.updating);
    expect(syncStateOf(object([condition(ConditionType.synced, 'False', 'SomethingNew')]))).toBe(SyncState.pending);
  });

  it('puts Terminal and Recoverable before everything else, then deletion, then Synced', () => {
    const synced = condition(ConditionType.synced, 'True', 'Synced');
    expect(syncStateOf(object([synced]))).toBe(SyncState.synced);
    expect(syncStateOf(object([synced, condition(ConditionType.recoverable, 'True')]))).toBe(SyncState.recoverable);
    expect(
      syncStateOf(
        object([
          condition(ConditionType.synced, 'False', 'Terminal'),
          condition(ConditionType.terminal, 'True', 'BadRequest'),
        ]),
      ),
    ).toBe(SyncState.terminal);
    const deleting = { ...object([synced]), metadata: { deletionTimestamp: '2026-03-01T13:00:00Z' } };
    expect(syncStateOf(deleting)).toBe(SyncState.deleting);
  });
});

describe('turnsSyncedFirstTime', () => {
  const syncedStatus = { conditions: [condition(ConditionType.synced, 'True', 'Synced')], lifeCycleState: 'available' };

  it('is true for the first write that makes ResourceSynced True', () => {
    expect(
      turnsSyncedFirstTime(
        object([condition(ConditionType.synced, 'False', 'Creating')], { lifeCycleState: 'creating' }),
        syncedStatus,
      ),
    ).toBe(true);
    expect(turnsSyncedFirstTime(object(), syncedStatus)).toBe(true);
    // A create that failed with a recoverable error first still counts from the object's creation.
    expect(turnsSyncedFirstTime(object([condition(ConditionType.recoverable, 'True')]), syncedStatus)).toBe(true);
  });

  it('is false when already synced, when the write does not sync, and after an earlier sync', () => {
    expect(turnsSyncedFirstTime(object(syncedStatus.conditions, { lifeCycleState: 'available' }), syncedStatus)).toBe(
      false,
    );
    expect(turnsSyncedFirstTime(object(), { conditions: [condition(ConditionType.synced, 'False', 'Creating')] })).toBe(
      false,
    );
    // Recovering from an error later in life (the file system was available before) is no first sync.
    expect(
      turnsSyncedFirstTime(
        object([condition(ConditionType.recoverable, 'True')], { lifeCycleState: 'available' }),
        syncedStatus,
      ),
    ).toBe(false);
    expect(
      turnsSyncedFirstTime(
        object([condition(ConditionType.synced, 'False', 'Creating')], { lifeCycleState: 'updating' }),
        syncedStatus,
      ),
    ).toBe(false);
  });

  it('measures from the creation timestamp', () => {
    expect(secondsSinceCreation(object(), new Date('2026-03-01T12:01:30Z'))).toBe(90);
    expect(secondsSinceCreation({ metadata: {} })).toBeUndefined();
  });
});

describe('EFS call labels', () => {
  it('names operations without the Command suffix', () => {
    expect(operationOf('CreateFileSystemCommand')).toBe('CreateFileSystem');
    expect(operationOf(undefined)).toBe('Unknown');
  });

  it('uses the error name as the outcome, or a socket error code', () => {
    expect(outcomeOf(Object.assign(new Error('x'), { name: 'FileSystemNotFound' }))).toBe('FileSystemNotFound');
    expect(outcomeOf(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
    expect(outcomeOf(undefined)).toBe('Error');
  });

  it('recognizes throttling by name or by HTTP 429', () => {
    expect(isThrottle({ name: 'ThrottlingException' })).toBe(true);
    expect(isThrottle({ name: 'Whatever', $metadata: { httpStatusCode: 429 } })).toBe(true);
    expect(isThrottle({ name: 'BadRequest', $metadata: { httpStatusCode: 400 } })).toBe(false);
  });
});

describe('instrumentEfsClient', () => {
  /** A client whose HTTP layer answers from a script: the SDK's own serialization and error parsing run for real. */
  function scriptedClient(
    answers: { statusCode: number; headers?: Record<string, string>; body: unknown }[],
  ): EFSClient {
    return new EFSClient({
      region: 'us-east-1',
      endpoint: 'http://efs.invalid',
      maxAttempts: 1,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      requestHandler: {
        handle: async () => {
          const answer = answers.shift();
          if (!answer) throw new Error('no scripted answer left');
          return {
            response: {
              statusCode: answer.statusCode,
              headers: { 'content-type': 'application/json', ...answer.headers },
              body: Buffer.from(JSON.stringify(answer.body)),
            },
          };
        },
      },
    } as EFSClientConfig);
  }

  it('counts successes and errors by operation and outcome, and throttles separately', async () => {
    const metrics = new OrchestratorMetrics();
    const client = scriptedClient([
      { statusCode: 200, body: { FileSystems: [] } },
      {
        statusCode: 400,
        headers: { 'x-amzn-errortype': 'ThrottlingException' },
        body: { ErrorCode: 'ThrottlingException', Message: 'Rate exceeded' },
      },
      {
        statusCode: 404,
        headers: { 'x-amzn-errortype': 'FileSystemNotFound' },
        body: { ErrorCode: 'FileSystemNotFound', Message: 'no such file system' },
      },
    ]);
    instrumentEfsClient(client, metrics);
    await client.send(new DescribeFileSystemsCommand({}));
    await expect(client.send(new DescribeFileSystemsCommand({}))).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    await expect(client.send(new DescribeFileSystemsCommand({ FileSystemId: 'fs-1' }))).rejects.toMatchObject({
      name: 'FileSystemNotFound',
    });
    const text = await metrics.registry.metrics();
    const calls = (outcome: string): number | undefined =>
      sample(text, `efs_orchestrator_efs_calls_total{operation="DescribeFileSystems",outcome="${outcome}"}`);
    expect(calls('success')).toBe(1);
    expect(calls('ThrottlingException')).toBe(1);
    expect(calls('FileSystemNotFound')).toBe(1);
    expect(sample(text, 'efs_orchestrator_efs_throttles_total{operation="DescribeFileSystems"}')).toBe(1);
    expect(sample(text, 'efs_orchestrator_efs_call_duration_seconds_count{operation="DescribeFileSystems"}')).toBe(3);
  });
});

describe('watcher metrics', () => {
  const source = (
    kind: string,
    states: Record<string, number>,
  ): WatcherStatsSource & { stats: Record<string, number> } => ({
    kind,
    stats: { lists: 1, watchEvents: 5, restarts: 0, signals: 2, signalFailures: 0 },
    objectsBySyncState: () => states,
  });

  it('keeps counting across watchers that come and go, by kind', async () => {
    const metrics = new OrchestratorMetrics();
    const first = source('FileSystem', { Synced: 2, Terminal: 1 });
    metrics.watchers.attach(first);
    let text = await metrics.registry.metrics();
    expect(sample(text, 'efs_orchestrator_watcher_events_total{kind="FileSystem"}')).toBe(5);
    expect(sample(text, 'efs_orchestrator_objects{kind="FileSystem",sync_state="Synced"}')).toBe(2);
    expect(sample(text, 'efs_orchestrator_objects{kind="FileSystem",sync_state="Terminal"}')).toBe(1);
    expect(sample(text, 'efs_orchestrator_objects{kind="FileSystem",sync_state="Creating"}')).toBe(0);

    // Leadership lost: the cache is gone (gauges drop to zero), the counts stay.
    first.stats.watchEvents = 7;
    metrics.watchers.detach(first);
    text = await metrics.registry.metrics();
    expect(sample(text, 'efs_orchestrator_watcher_events_total{kind="FileSystem"}')).toBe(7);
    expect(sample(text, 'efs_orchestrator_objects{kind="FileSystem",sync_state="Synced"}')).toBe(0);

    // Leading again: a new watcher's counts add to the old ones.
    const second = source('FileSystem', { Synced: 3 });
    second.stats.restarts = 1;
    metrics.watchers.attach(second);
    metrics.watchers.attach(source('MountTarget', { Creating: 1 }));
    text = await metrics.registry.metrics();
    expect(sample(text, 'efs_orchestrator_watcher_events_total{kind="FileSystem"}')).toBe(12);
    expect(sample(text, 'efs_orchestrator_watcher_restarts_total{kind="FileSystem"}')).toBe(1);
    expect(sample(text, 'efs_orchestrator_watcher_events_total{kind="MountTarget"}')).toBe(5);
    expect(sample(text, 'efs_orchestrator_objects{kind="FileSystem",sync_state="Synced"}')).toBe(3);
    expect(sample(text, 'efs_orchestrator_objects{kind="MountTarget",sync_state="Creating"}')).toBe(1);
  });

  it('observes time to synced by kind', async () => {
    const metrics = new OrchestratorMetrics();
    metrics.timeToSynced.observe({ kind: 'FileSystem' }, 42);
    const text = await metrics.registry.metrics();
    expect(sample(text, 'efs_orchestrator_time_to_synced_seconds_count{kind="FileSystem"}')).toBe(1);
    expect(sample(text, 'efs_orchestrator_time_to_synced_seconds_bucket{le="60",kind="FileSystem"}')).toBe(1);
    expect(sample(text, 'efs_orchestrator_time_to_synced_seconds_bucket{le="30",kind="FileSystem"}')).toBe(0);
  });
});

describe('parseBindAddress', () => {
  it('takes host:port, or off', () => {
    expect(parseBindAddress('127.0.0.1:9465')).toBe('127.0.0.1:9465');
    expect(parseBindAddress('[::1]:9465')).toBe('[::1]:9465');
    expect(parseBindAddress('off')).toBe('');
    expect(() => parseBindAddress('9465')).toThrow(/host:port/);
    expect(() => parseBindAddress('localhost:99999')).toThrow(/host:port/);
  });
});
