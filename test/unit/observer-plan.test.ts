import { describe, expect, it } from '@jest/globals';
import { type Watch } from '../../src/api/observer-contract';
import {
  answerSlowRead,
  answerWatch,
  fingerprintOf,
  pagesFor,
  planRound,
  planSlowReads,
  slowTurnOffset,
} from '../../src/domain/observer';

const states = { readyStates: ['available'], goneStates: ['deleted'], failedStates: ['error'] };

function watch(n: number, extra: Partial<Watch> = {}): Watch {
  return {
    workflowId: `filesystem/ns/o${n}/uid-${n}`,
    kind: 'FileSystem',
    resourceId: `fs-${n}`,
    fileSystemId: `fs-${n}`,
    until: 'ready',
    ticket: 1,
    ...extra,
  };
}

const none = { fileSystems: 0, accessPoints: 0 };

describe('planRound: the fewest requests that see every watched resource', () => {
  it('a single wait is described by id, not listed', () => {
    expect(planRound({ watches: [watch(1)], known: { fileSystems: 250, accessPoints: 0 }, sweepDue: false })).toEqual({
      list: [],
      describe: [{ kind: 'FileSystem', id: 'fs-1' }],
      mountTargetsOf: [],
      requests: 1,
    });
  });

  it('a burst lists the account when its pages cost less than describing each', () => {
    const burst = Array.from({ length: 50 }, (_, i) => watch(i));
    const plan = planRound({ watches: burst, known: { fileSystems: 150, accessPoints: 0 }, sweepDue: false });
    expect(plan).toEqual({ list: ['fileSystems'], describe: [], mountTargetsOf: [], requests: 2 });
  });

  it('describes by id up to as many waits as the listing has pages, lists beyond', () => {
    const known = { fileSystems: 301, accessPoints: 0 };
    expect(pagesFor(301)).toBe(4);
    const four = Array.from({ length: 4 }, (_, i) => watch(i));
    expect(planRound({ watches: four, known, sweepDue: false }).list).toEqual([]);
    expect(planRound({ watches: [...four, watch(9)], known, sweepDue: false })).toMatchObject({
      list: ['fileSystems'],
      requests: 4,
    });
  });

  it('never-listed collections count as one page', () => {
    expect(planRound({ watches: [watch(1), watch(2)], known: none, sweepDue: false })).toMatchObject({
      list: ['fileSystems'],
      requests: 1,
    });
  });

  it('changed watches are looked at only when their sweep is due', () => {
    const drift = Array.from({ length: 3 }, (_, i) => watch(i, { until: 'changed', seen: 'x' }));
    expect(planRound({ watches: drift, known: none, sweepDue: false }).requests).toBe(0);
    expect(planRound({ watches: drift, known: none, sweepDue: true })).toMatchObject({
      list: ['fileSystems'],
      requests: 1,
    });
  });

  it('mount targets are described once per file system, access points like file systems', () => {
    const plan = planRound({
      watches: [
        watch(1, { kind: 'MountTarget', resourceId: 'fsmt-1', fileSystemId: 'fs-1' }),
        watch(2, { kind: 'MountTarget', resourceId: 'fsmt-2', fileSystemId: 'fs-1' }),
        watch(3, { kind: 'MountTarget', resourceId: 'fsmt-3', fileSystemId: 'fs-2' }),
        watch(4, { kind: 'AccessPoint', resourceId: 'fsap-4', fileSystemId: 'fs-2' }),
      ],
      known: none,
      sweepDue: false,
    });
    expect(plan).toEqual({
      list: [],
      describe: [{ kind: 'AccessPoint', id: 'fsap-4' }],
      mountTargetsOf: ['fs-1', 'fs-2'],
      requests: 3,
    });
  });
});

describe('answerWatch: what one look answers', () => {
  const fs = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    FileSystemId: 'fs-1',
    LifeCycleState: 'available',
    ThroughputMode: 'bursting',
    Tags: [
      { Key: 'b', Value: '2' },
      { Key: 'a', Value: '1' },
    ],
    SizeInBytes: { Value: 6144 },
    ...extra,
  });

  it('ready once available; nothing while creating; failed and gone said as such', () => {
    expect(answerWatch(watch(1), fs({ LifeCycleState: 'creating' }), states)).toBeUndefined();
    expect(answerWatch(watch(1), fs(), states)).toMatchObject({ outcome: 'ready', lifeCycleState: 'available' });
    expect(answerWatch(watch(1), fs({ LifeCycleState: 'error' }), states)).toMatchObject({ outcome: 'failed' });
    expect(answerWatch(watch(1), undefined, states)).toEqual({ outcome: 'gone' });
  });

  it('gone once AWS has no such resource or says deleted', () => {
    const gone = watch(1, { until: 'gone' });
    expect(answerWatch(gone, fs({ LifeCycleState: 'deleting' }), states)).toBeUndefined();
    expect(answerWatch(gone, fs({ LifeCycleState: 'deleted' }), states)).toMatchObject({ outcome: 'gone' });
    expect(answerWatch(gone, undefined, states)).toEqual({ outcome: 'gone' });
  });

  it('changed only when a watched field changed: sizes and tag order do not count', () => {
    const seen = fingerprintOf('FileSystem', fs());
    const drift = watch(1, { until: 'changed', seen });
    expect(answerWatch(drift, fs({ SizeInBytes: { Value: 1 << 20 } }), states)).toBeUndefined();
    expect(
      answerWatch(
        drift,
        fs({
          Tags: [
            { Key: 'a', Value: '1' },
            { Key: 'b', Value: '2' },
          ],
        }),
        states,
      ),
    ).toBeUndefined();
    expect(answerWatch(drift, fs({ ThroughputMode: 'elastic' }), states)).toMatchObject({ outcome: 'changed' });
    expect(answerWatch(drift, fs({ Tags: [{ Key: 'a', Value: '1' }] }), states)).toMatchObject({ outcome: 'changed' });
    expect(answerWatch(drift, undefined, states)).toEqual({ outcome: 'gone' });
  });
});

describe('a released watch', () => {
  it('is never looked at nor answered', () => {
    const released = watch(1, { until: 'released' });
    expect(planRound({ watches: [released], known: none, sweepDue: true }).requests).toBe(0);
    expect(answerWatch(released, undefined, states)).toBeUndefined();
  });
});

describe('planSlowReads: each watch read once an interval, at its own turn', () => {
  const hour = 3_600_000;
  const slow = { settings: { lifecycle: false, backup: true, policy: false }, seen: '{"backup":"ENABLED"}' };
  const changed = (n: number): Watch => watch(n, { until: 'changed', slow });

  it('spreads the turns of many watches over the interval', () => {
    const offsets = Array.from({ length: 1000 }, (_, i) => slowTurnOffset(changed(i).workflowId, hour));
    const perTenth = new Array(10).fill(0);
    for (const o of offsets) perTenth[Math.floor(o / (hour / 10))]++;
    for (const count of perTenth) expect(count).toBeGreaterThan(50);
  });

  it('reads a watch once its turn came, and not again within the interval', () => {
    const w = changed(1);
    const turn = slowTurnOffset(w.workflowId, hour) + 10 * hour;
    const before = planSlowReads({
      watches: [w],
      memory: { upTo: turn - 5000, pending: [] },
      now: turn - 1,
      intervalMs: hour,
      requestBudget: 4,
    });
    expect(before.read).toEqual([]);
    const at = planSlowReads({
      watches: [w],
      memory: before.memory,
      now: turn + 500,
      intervalMs: hour,
      requestBudget: 4,
    });
    expect(at.read).toEqual([w]);
    const later = planSlowReads({
      watches: [w],
      memory: at.memory,
      now: turn + hour - 1,
      intervalMs: hour,
      requestBudget: 4,
    });
    expect(later.read).toEqual([]);
  });

  it('a lost memory reads every watch (earlier, never missed), within the budget, the rest pending', () => {
    const watches = [changed(1), changed(2), changed(3), watch(4, { until: 'changed' }), watch(5)];
    const first = planSlowReads({ watches, memory: undefined, now: 5 * hour, intervalMs: hour, requestBudget: 2 });
    expect(first.read.map((w) => w.resourceId)).toEqual(['fs-1', 'fs-2']);
    expect(first.memory).toEqual({ upTo: 5 * hour, pending: [changed(3).workflowId] });
    const next = planSlowReads({
      watches,
      memory: first.memory,
      now: 5 * hour + 1,
      intervalMs: hour,
      requestBudget: 2,
    });
    expect(next.read.map((w) => w.resourceId)).toEqual(['fs-3']);
  });

  it('answers changed only when the read differs from what the object last left', () => {
    const w = changed(1);
    expect(answerSlowRead(w, { lifecyclePolicies: [], backupStatus: 'ENABLING', policy: null })).toBeUndefined();
    expect(answerSlowRead(w, { lifecyclePolicies: [], backupStatus: undefined, policy: null })).toEqual({
      outcome: 'changed',
    });
  });
});
