/**
 * The FieldExport router against a fake Temporal client: a change of a source object (its status
 * included) asks exactly the FieldExports that read it to export again, once per change.
 */
import { describe, expect, it } from '@jest/globals';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { type KubeObject } from '../../src/api/object';
import { createLogger } from '../../src/shared/log';
import { FieldExportRouter } from '../../src/watcher/field-exports';

function fakeTemporal(missing: string[] = []) {
  const signalled: string[] = [];
  const client = {
    workflow: {
      getHandle: (workflowId: string) => ({
        async signal(signal: { name: string }) {
          if (missing.includes(workflowId)) throw new WorkflowNotFoundError('not found', workflowId, undefined);
          signalled.push(`${workflowId} ${signal.name}`);
        },
      }),
    },
  } as unknown as Client;
  return { client, signalled };
}

const fieldExport = (name: string, kind: string, source: string): KubeObject =>
  ({
    apiVersion: 'services.k8s.aws/v1alpha1',
    kind: 'FieldExport',
    metadata: { namespace: 'team-a', name, uid: `uid-${name}` },
    spec: { from: { resource: { group: 'efs.services.k8s.aws', kind, name: source }, path: '.status.fileSystemID' } },
  }) as KubeObject;

const fileSystem = (name: string, status: Record<string, unknown>, namespace = 'team-a'): KubeObject =>
  ({
    apiVersion: 'efs.services.k8s.aws/v1alpha1',
    kind: 'FileSystem',
    metadata: { namespace, name, uid: `fs-${namespace}-${name}` },
    spec: {},
    status,
  }) as KubeObject;

const settle = () => new Promise((resolve) => setImmediate(resolve));
const log = createLogger('test', { level: 'error' });

describe('FieldExportRouter', () => {
  it('signals resync to the FieldExports of a changed source, matching its kind case-insensitively', async () => {
    const { client, signalled } = fakeTemporal();
    const router = new FieldExportRouter({ client, log });
    router.observeFieldExport('sync', fieldExport('id', 'filesystem', 'data'));
    router.observeFieldExport('sync', fieldExport('other', 'FileSystem', 'logs'));
    router.observeSource('FileSystem', 'sync', fileSystem('data', { lifeCycleState: 'creating' }));
    // Unchanged (a relist), another namespace's object of that name, and a source nobody exports: no signal.
    router.observeSource('FileSystem', 'sync', fileSystem('data', { lifeCycleState: 'creating' }));
    router.observeSource('FileSystem', 'sync', fileSystem('data', { lifeCycleState: 'available' }, 'team-b'));
    router.observeSource('MountTarget', 'sync', fileSystem('data', { lifeCycleState: 'available' }));
    await settle();
    expect(signalled).toEqual(['fieldexport/team-a/id/uid-id resync']);
    // A status-only change signals again.
    router.observeSource(
      'FileSystem',
      'sync',
      fileSystem('data', { lifeCycleState: 'available', fileSystemID: 'fs-1' }),
    );
    await settle();
    expect(signalled).toHaveLength(2);
  });

  it('forgets a deleted FieldExport, and a workflow not started yet is no error', async () => {
    const { client, signalled } = fakeTemporal(['fieldexport/team-a/late/uid-late']);
    const router = new FieldExportRouter({ client, log });
    router.observeFieldExport('sync', fieldExport('gone', 'FileSystem', 'data'));
    router.observeFieldExport('deleted', fieldExport('gone', 'FileSystem', 'data'));
    router.observeFieldExport('sync', fieldExport('late', 'FileSystem', 'data'));
    router.observeSource('FileSystem', 'sync', fileSystem('data', { fileSystemID: 'fs-1' }));
    await settle();
    expect(signalled).toEqual([]);
    expect(router.stats).toEqual({ signals: 0, signalFailures: 0 });
  });
});
