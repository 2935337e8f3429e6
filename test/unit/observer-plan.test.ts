import { describe, expect, it } from '@jest/globals';
import { type Watch } from '../../src/api/observer-contract';
import { answerWatch, fingerprintOf, pagesFor, planRound } from '../../src/domain/observer';

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
