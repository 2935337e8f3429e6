import { describe, expect, it } from '@jest/globals';
import { apiVersion, ConditionType, type FileSystemObject, type FileSystemStatus } from '../../src/api/filesystem';
import { SyncState, type SyncView } from '../../src/domain/conditions';
import { statusFromDescription } from '../../src/domain/filesystem';
import { nextStatus, type StatusWrite } from '../../src/kube/status';

const workflowId = 'filesystem/team-a/shared-data/6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const t0 = '2026-03-01T12:00:00Z';
const t1 = '2026-03-01T12:00:05Z';

const object = (status?: FileSystemStatus): FileSystemObject => ({
  apiVersion,
  kind: 'FileSystem',
  metadata: { namespace: 'team-a', name: 'shared-data', uid: '6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b', generation: 2 },
  spec: { encrypted: true },
  ...(status ? { status } : {}),
});

const write = (sequence: number, view: Partial<SyncView> = {}, fields?: FileSystemStatus): StatusWrite => ({
  sequence,
  workflowId,
  view: { state: SyncState.creating, message: 'EFS reports lifeCycleState "creating"', generation: 2, ...view },
  ...(fields ? { fields } : {}),
});

/** What a status looks like after a round trip through the API server: JSON, map keys sorted (Go's encoding/json). */
function asStored<T>(value: T): T {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return sortKeys(JSON.parse(JSON.stringify(value))) as T;
}

/** Applies a write the way the guarded writer would, and returns the object as the API server then holds it. */
function applied(current: FileSystemObject, w: StatusWrite, now: string): FileSystemObject {
  const next = nextStatus(current, w, now);
  if (next === 'stale' || next === 'unchanged') throw new Error(`expected a write, got ${next}`);
  return asStored({ ...current, status: next });
}

describe('nextStatus: the ordering guard', () => {
  it('drops a write whose sequence is lower than the one the object carries (stale)', () => {
    const current = applied(object(), write(5), t0);
    expect(nextStatus(current, write(4, { state: SyncState.synced, message: '' }), t1)).toBe('stale');
    expect(nextStatus(current, write(0, { state: SyncState.terminal, reason: 'BadRequest' }), t1)).toBe('stale');
  });

  it('accepts a write with the same sequence (the same write retried after a crash or a conflict)', () => {
    const current = applied(object(), write(5), t0);
    const retried = nextStatus(current, write(5, { state: SyncState.synced, message: '' }), t1);
    expect(retried).not.toBe('stale');
    expect(retried).not.toBe('unchanged');
  });

  it('accepts any sequence on an object without status, or without a sequence yet', () => {
    expect(nextStatus(object(), write(0), t0)).toMatchObject({ statusSequence: 0 });
    expect(nextStatus(object({ fileSystemID: 'fs-0123456789abcdef0' }), write(0), t0)).toMatchObject({
      statusSequence: 0,
    });
  });
});

describe('nextStatus: what it writes', () => {
  it('writes conditions, observedGeneration, the workflow id and the sequence onto a fresh object', () => {
    const next = nextStatus(object(), write(1), t0);
    if (typeof next === 'string') throw new Error(next);
    expect(next.observedGeneration).toBe(2);
    expect(next.workflowID).toBe(workflowId);
    expect(next.statusSequence).toBe(1);
    expect(next.conditions?.map((c) => c.type).sort()).toEqual(
      [ConditionType.recoverable, ConditionType.synced, ConditionType.terminal, ConditionType.ready].sort(),
    );
    for (const c of next.conditions ?? []) expect(c.lastTransitionTime).toBe(t0);
  });

  it('merges fields: keeps what the write does not mention, overrides what it does', () => {
    const current = applied(
      object(),
      write(
        1,
        {},
        {
          fileSystemID: 'fs-0123456789abcdef0',
          lifeCycleState: 'creating',
          ownerID: '123456789012',
          numberOfMountTargets: 0,
        },
      ),
      t0,
    );
    const next = nextStatus(
      current,
      write(2, { state: SyncState.synced, message: '' }, { lifeCycleState: 'available', sizeInBytes: { value: 6144 } }),
      t1,
    );
    if (typeof next === 'string') throw new Error(next);
    expect(next).toMatchObject({
      fileSystemID: 'fs-0123456789abcdef0',
      ownerID: '123456789012',
      numberOfMountTargets: 0,
      lifeCycleState: 'available',
      sizeInBytes: { value: 6144 },
      statusSequence: 2,
    });
    expect(next.conditions?.find((c) => c.type === ConditionType.synced)).toMatchObject({
      status: 'True',
      lastTransitionTime: t1,
    });
  });

  it('keeps the guard fields its own: a write’s fields cannot set conditions, the sequence or the workflow id', () => {
    const next = nextStatus(
      object(),
      write(3, {}, { statusSequence: 99, workflowID: 'someone-else', observedGeneration: 42, conditions: [] }),
      t0,
    );
    if (typeof next === 'string') throw new Error(next);
    expect(next.statusSequence).toBe(3);
    expect(next.workflowID).toBe(workflowId);
    expect(next.observedGeneration).toBe(2);
    expect(next.conditions).toHaveLength(4);
  });

  it('keeps condition types written by others', () => {
    const current = object({
      conditions: [
        {
          type: 'ACK.Adopted',
          status: 'True',
          reason: 'Adopted',
          message: '',
          lastTransitionTime: '2025-01-01T00:00:00Z',
        },
      ],
    });
    const next = nextStatus(current, write(1), t0);
    if (typeof next === 'string') throw new Error(next);
    expect(next.conditions?.map((c) => c.type)).toContain('ACK.Adopted');
  });
});

describe('nextStatus: unchanged detection', () => {
  it('reports "unchanged" when the same write comes again, even with a higher sequence', () => {
    const fields: FileSystemStatus = { fileSystemID: 'fs-0123456789abcdef0', lifeCycleState: 'creating' };
    const current = applied(object(), write(1, {}, fields), t0);
    expect(nextStatus(current, write(1, {}, fields), t1)).toBe('unchanged');
    expect(nextStatus(current, write(2, {}, fields), t1)).toBe('unchanged');
  });

  it('notices a change in one field only, in the conditions only, or in the generation only', () => {
    const fields: FileSystemStatus = {
      fileSystemID: 'fs-0123456789abcdef0',
      lifeCycleState: 'creating',
      sizeInBytes: { value: 0 },
    };
    const current = applied(object(), write(1, {}, fields), t0);
    expect(nextStatus(current, write(2, {}, { ...fields, sizeInBytes: { value: 6144 } }), t1)).not.toBe('unchanged');
    expect(nextStatus(current, write(2, { message: 'still creating' }, fields), t1)).not.toBe('unchanged');
    expect(nextStatus(current, write(2, { generation: 3 }, fields), t1)).not.toBe('unchanged');
    expect(nextStatus(current, write(2, {}, { ...fields, name: 'shared-data' }), t1)).not.toBe('unchanged');
  });

  it('does not see a change where the API server merely returned the same status with its keys in another order', () => {
    const description = {
      OwnerId: '123456789012',
      CreationToken: 'efs-orchestrator-6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
      FileSystemId: 'fs-0123456789abcdef0',
      FileSystemArn: 'arn:aws:elasticfilesystem:eu-central-1:123456789012:file-system/fs-0123456789abcdef0',
      CreationTime: new Date('2026-03-01T12:00:00Z'),
      LifeCycleState: 'available' as const,
      NumberOfMountTargets: 0,
      SizeInBytes: {
        Value: 6144,
        Timestamp: new Date('2026-03-01T13:00:00Z'),
        ValueInIA: 0,
        ValueInStandard: 6144,
        ValueInArchive: 0,
      },
      PerformanceMode: 'generalPurpose' as const,
      Tags: [],
    };
    const synced: Partial<SyncView> = { state: SyncState.synced, message: '' };
    const fields = statusFromDescription(description, 'eu-central-1');
    const current = applied(object(), write(1, synced, fields), t0);
    // The stored sizeInBytes has its keys sorted; ours come in the order the SDK's shape suggests.
    expect(Object.keys(current.status?.sizeInBytes ?? {})).not.toEqual(Object.keys(fields.sizeInBytes ?? {}));
    expect(nextStatus(current, write(2, synced, statusFromDescription(description, 'eu-central-1')), t1)).toBe(
      'unchanged',
    );
  });
});
