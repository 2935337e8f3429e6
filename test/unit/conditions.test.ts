import { describe, expect, it } from '@jest/globals';
import { ConditionType, type Condition } from '../../src/api/filesystem';
import {
  conditionsFor,
  mergeConditions,
  sanitizeReason,
  SyncState,
  type DesiredCondition,
  type SyncView,
} from '../../src/domain/conditions';

/** metav1.Condition's reason pattern and length limit. */
const reasonPattern = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;

const byType = (conditions: readonly DesiredCondition[], type: string): DesiredCondition => {
  const found = conditions.find((c) => c.type === type);
  if (!found) throw new Error(`no ${type} condition in ${JSON.stringify(conditions)}`);
  return found;
};

/**
 * ACK runtime's Ready rule (runtime#210), written independently of the code under test: False
 * (reason ACK.Terminal) if Terminal is True, else False (reason ACK.Recoverable) if Recoverable is
 * True, else the same status as ACK.ResourceSynced.
 */
function ackReady(conditions: readonly DesiredCondition[]): { status: string; reasonMentions?: string } {
  if (byType(conditions, ConditionType.terminal).status === 'True')
    return { status: 'False', reasonMentions: 'Terminal' };
  if (byType(conditions, ConditionType.recoverable).status === 'True')
    return { status: 'False', reasonMentions: 'Recoverable' };
  return { status: byType(conditions, ConditionType.synced).status };
}

const allStates = Object.values(SyncState);
const view = (state: SyncState, extra: Partial<SyncView> = {}): SyncView => ({
  state,
  message: `message for ${state}`,
  generation: 7,
  ...extra,
});

describe('conditionsFor', () => {
  it.each(allStates)(
    '%s: the four ACK condition types, each once, for the generation acted on, with valid reasons',
    (state) => {
      const conditions = conditionsFor(view(state, { reason: 'Some.Reason-With Spaces' }));
      expect(conditions.map((c) => c.type).sort()).toEqual(
        [ConditionType.recoverable, ConditionType.synced, ConditionType.terminal, ConditionType.ready].sort(),
      );
      for (const c of conditions) {
        expect(c.observedGeneration).toBe(7);
        expect(c.reason).toMatch(reasonPattern);
        expect(['True', 'False', 'Unknown']).toContain(c.status);
      }
    },
  );

  it.each(allStates)('%s: Ready follows the ACK runtime rule', (state) => {
    const conditions = conditionsFor(view(state, { reason: 'ThrottlingException' }));
    const ready = byType(conditions, ConditionType.ready);
    const expected = ackReady(conditions);
    expect(ready.status).toBe(expected.status);
    if (expected.reasonMentions) expect(ready.reason).toContain(expected.reasonMentions);
  });

  it('Synced: ResourceSynced and Ready are True with ACK’s message, no error conditions', () => {
    const conditions = conditionsFor({ state: SyncState.synced, message: '', generation: 3 });
    expect(byType(conditions, ConditionType.synced)).toEqual({
      type: ConditionType.synced,
      status: 'True',
      reason: 'Synced',
      message: 'Resource synced successfully',
      observedGeneration: 3,
    });
    expect(byType(conditions, ConditionType.ready)).toMatchObject({
      status: 'True',
      message: 'Resource synced successfully',
    });
    expect(byType(conditions, ConditionType.recoverable)).toMatchObject({ status: 'False', message: '' });
    expect(byType(conditions, ConditionType.terminal)).toMatchObject({ status: 'False', message: '' });
  });

  it.each([SyncState.pending, SyncState.creating, SyncState.deleting])(
    '%s: not synced yet; ResourceSynced False with the state as reason, Ready mirroring it',
    (state) => {
      const conditions = conditionsFor(view(state, { message: 'EFS reports lifeCycleState "creating"' }));
      const synced = byType(conditions, ConditionType.synced);
      expect(synced).toMatchObject({
        status: 'False',
        reason: state,
        message: 'EFS reports lifeCycleState "creating"',
      });
      const ready = byType(conditions, ConditionType.ready);
      expect({ status: ready.status, reason: ready.reason, message: ready.message }).toEqual({
        status: synced.status,
        reason: synced.reason,
        message: synced.message,
      });
      expect(byType(conditions, ConditionType.recoverable).status).toBe('False');
      expect(byType(conditions, ConditionType.terminal).status).toBe('False');
    },
  );

  it('Recoverable: ResourceSynced Unknown (as ACK says it), Recoverable True with the error, Ready False', () => {
    const conditions = conditionsFor(
      view(SyncState.recoverable, { reason: 'ThrottlingException', message: 'Rate exceeded' }),
    );
    expect(byType(conditions, ConditionType.synced)).toMatchObject({
      status: 'Unknown',
      reason: 'ThrottlingException',
      message: 'Unable to determine if desired resource state matches latest observed state',
    });
    expect(byType(conditions, ConditionType.recoverable)).toMatchObject({
      status: 'True',
      reason: 'ThrottlingException',
      message: 'Rate exceeded',
    });
    expect(byType(conditions, ConditionType.ready)).toMatchObject({ status: 'False', message: 'Rate exceeded' });
    expect(byType(conditions, ConditionType.terminal).status).toBe('False');
  });

  it('Recoverable without a reason says RecoverableError', () => {
    const conditions = conditionsFor(view(SyncState.recoverable));
    expect(byType(conditions, ConditionType.recoverable).reason).toBe('RecoverableError');
  });

  it('Terminal: ResourceSynced False "resource is in terminal condition", Terminal True with the error, Ready False', () => {
    const message = 'spec.kmsKeyID needs encrypted: true (a KMS key only applies to an encrypted file system)';
    const conditions = conditionsFor(view(SyncState.terminal, { reason: 'InvalidSpec', message }));
    expect(byType(conditions, ConditionType.synced)).toMatchObject({
      status: 'False',
      reason: 'Terminal',
      message: 'resource is in terminal condition',
    });
    expect(byType(conditions, ConditionType.terminal)).toMatchObject({
      status: 'True',
      reason: 'InvalidSpec',
      message,
    });
    expect(byType(conditions, ConditionType.ready)).toMatchObject({ status: 'False', message });
    expect(byType(conditions, ConditionType.recoverable).status).toBe('False');
  });

  it('Terminal without a reason says TerminalError', () => {
    expect(byType(conditionsFor(view(SyncState.terminal)), ConditionType.terminal).reason).toBe('TerminalError');
  });
});

describe('sanitizeReason', () => {
  it.each([
    ['ThrottlingException', 'ThrottlingException'],
    ['HTTP404', 'HTTP404'],
    ['ACK.Terminal', 'ACKTerminal'],
    ['Rate exceeded!', 'Rateexceeded'],
    ['404 Not Found', 'NotFound'],
    ['a,b:', 'a,b'],
    ['snake_case_', 'snake_case_'],
    ['', 'Unknown'],
    ['...', 'Unknown'],
    ['1234', 'Unknown'],
  ])('%j -> %j', (input, expected) => {
    expect(sanitizeReason(input)).toBe(expected);
  });

  it('keeps reasons within 1024 characters, and the cut never leaves a trailing separator', () => {
    const long = sanitizeReason('A' + ','.repeat(1100) + 'B');
    expect(long.length).toBeLessThanOrEqual(1024);
    expect(long).toMatch(reasonPattern);
    expect(sanitizeReason('x'.repeat(5000))).toHaveLength(1024);
  });

  it('always yields a valid reason (seeded random inputs)', () => {
    let seed = 0x2468;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const alphabet = 'aZ09_,:.- /!é\u00a0\t';
    for (let n = 0; n < 2000; n++) {
      const length = Math.floor(random() * (n % 10 === 0 ? 1500 : 40));
      const input = Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const output = sanitizeReason(input);
      expect(output).toMatch(reasonPattern);
      expect(output.length).toBeLessThanOrEqual(1024);
    }
  });
});

describe('mergeConditions (metav1 SetStatusCondition semantics)', () => {
  const t0 = '2026-01-01T00:00:00Z';
  const t1 = '2026-01-01T00:01:00Z';
  const t2 = '2026-01-01T00:02:00Z';

  it('adds missing conditions with lastTransitionTime = now and reports a change', () => {
    const desired = conditionsFor(view(SyncState.creating));
    const { conditions, changed } = mergeConditions(undefined, desired, t0);
    expect(changed).toBe(true);
    expect(conditions).toEqual(desired.map((c) => ({ ...c, lastTransitionTime: t0 })));
  });

  it('changes nothing, not even lastTransitionTime, when the same conditions are set again later', () => {
    const desired = conditionsFor(view(SyncState.creating));
    const first = mergeConditions([], desired, t0).conditions;
    const second = mergeConditions(first, conditionsFor(view(SyncState.creating)), t1);
    expect(second.changed).toBe(false);
    expect(second.conditions).toEqual(first);
  });

  it('moves lastTransitionTime only for the conditions whose status moved', () => {
    const creating = mergeConditions([], conditionsFor(view(SyncState.creating)), t0).conditions;
    const { conditions, changed } = mergeConditions(creating, conditionsFor(view(SyncState.synced)), t1);
    expect(changed).toBe(true);
    // Synced and Ready: False -> True.
    expect(conditions.find((c) => c.type === ConditionType.synced)).toMatchObject({
      status: 'True',
      lastTransitionTime: t1,
    });
    expect(conditions.find((c) => c.type === ConditionType.ready)).toMatchObject({
      status: 'True',
      lastTransitionTime: t1,
    });
    // Recoverable and Terminal stay False: their time stays.
    expect(conditions.find((c) => c.type === ConditionType.recoverable)).toMatchObject({
      status: 'False',
      lastTransitionTime: t0,
    });
    expect(conditions.find((c) => c.type === ConditionType.terminal)).toMatchObject({
      status: 'False',
      lastTransitionTime: t0,
    });
  });

  it('updates reason, message and observedGeneration in place without moving lastTransitionTime', () => {
    const before = mergeConditions(
      [],
      conditionsFor(view(SyncState.creating, { message: 'lifeCycleState creating' })),
      t0,
    ).conditions;
    const messageOnly = mergeConditions(
      before,
      conditionsFor(view(SyncState.creating, { message: 'still creating (3 checks)' })),
      t1,
    );
    expect(messageOnly.changed).toBe(true);
    expect(messageOnly.conditions.find((c) => c.type === ConditionType.synced)).toMatchObject({
      message: 'still creating (3 checks)',
      lastTransitionTime: t0,
    });

    const generationOnly = mergeConditions(
      messageOnly.conditions,
      conditionsFor(view(SyncState.creating, { message: 'still creating (3 checks)', generation: 8 })),
      t2,
    );
    expect(generationOnly.changed).toBe(true);
    for (const c of generationOnly.conditions) {
      expect(c.observedGeneration).toBe(8);
      expect(c.lastTransitionTime).toBe(t0);
    }

    const reasonOnly = mergeConditions(
      mergeConditions(
        [],
        conditionsFor(view(SyncState.recoverable, { reason: 'ThrottlingException', message: 'm' })),
        t0,
      ).conditions,
      conditionsFor(view(SyncState.recoverable, { reason: 'InternalServerError', message: 'm' })),
      t1,
    );
    expect(reasonOnly.changed).toBe(true);
    expect(reasonOnly.conditions.find((c) => c.type === ConditionType.recoverable)).toMatchObject({
      reason: 'InternalServerError',
      lastTransitionTime: t0,
    });
  });

  it('keeps conditions of other types, in place and untouched', () => {
    const foreign: Condition = {
      type: 'ACK.ReferencesResolved',
      status: 'True',
      reason: 'Resolved',
      message: '',
      lastTransitionTime: '2025-12-31T23:00:00Z',
    };
    const current = [foreign, ...mergeConditions([], conditionsFor(view(SyncState.creating)), t0).conditions];
    const { conditions } = mergeConditions(current, conditionsFor(view(SyncState.synced)), t1);
    expect(conditions[0]).toEqual(foreign);
    expect(conditions).toHaveLength(5);
  });

  it('does not modify the conditions it was given', () => {
    const current = mergeConditions([], conditionsFor(view(SyncState.creating)), t0).conditions;
    const snapshot = JSON.parse(JSON.stringify(current)) as Condition[];
    mergeConditions(current, conditionsFor(view(SyncState.terminal, { reason: 'BadRequest' })), t1);
    expect(current).toEqual(snapshot);
  });

  it('follows a whole life: Pending -> Creating -> Synced -> Recoverable -> Synced', () => {
    let conditions: Condition[] = [];
    const step = (state: SyncState, now: string, extra: Partial<SyncView> = {}): boolean => {
      const merged = mergeConditions(conditions, conditionsFor(view(state, extra)), now);
      conditions = merged.conditions;
      return merged.changed;
    };
    const timeOf = (type: string): string | undefined => conditions.find((c) => c.type === type)?.lastTransitionTime;

    expect(step(SyncState.pending, '2026-01-01T00:00:00Z')).toBe(true);
    expect(step(SyncState.creating, '2026-01-01T00:00:01Z')).toBe(true);
    // Pending and Creating are both Synced=False: the time of the first False stays.
    expect(timeOf(ConditionType.synced)).toBe('2026-01-01T00:00:00Z');
    expect(step(SyncState.synced, '2026-01-01T00:00:30Z')).toBe(true);
    expect(timeOf(ConditionType.synced)).toBe('2026-01-01T00:00:30Z');
    expect(step(SyncState.recoverable, '2026-01-01T01:00:00Z', { reason: 'ThrottlingException' })).toBe(true);
    expect(timeOf(ConditionType.synced)).toBe('2026-01-01T01:00:00Z');
    expect(timeOf(ConditionType.recoverable)).toBe('2026-01-01T01:00:00Z');
    expect(timeOf(ConditionType.terminal)).toBe('2026-01-01T00:00:00Z');
    expect(step(SyncState.synced, '2026-01-01T01:00:05Z')).toBe(true);
    expect(step(SyncState.synced, '2026-01-01T11:00:05Z')).toBe(false);
    expect(conditions.find((c) => c.type === ConditionType.ready)).toMatchObject({
      status: 'True',
      lastTransitionTime: '2026-01-01T01:00:05Z',
    });
  });
});
