import { describe, expect, it } from '@jest/globals';
import { V1MicroTime } from '@kubernetes/client-node';
import {
  decideLease,
  defaultTimings,
  electionIdentity,
  leaseNamespaceFor,
  recordOf,
  releasedRecord,
  validateTimings,
  type LeaseObservation,
  type LeaseRecord,
} from '../../src/watcher/leader';

const me = 'host-a_100_aaaa';
const other = 'host-b_200_bbbb';
const t0 = Date.parse('2026-03-01T12:00:00Z');

const held = (holder: string, observedAt: number, extra: Partial<LeaseRecord> = {}): LeaseObservation => ({
  record: {
    holderIdentity: holder,
    leaseDurationSeconds: 15,
    acquireTime: t0 - 60_000,
    renewTime: t0 - 1_000,
    leaseTransitions: 3,
    ...extra,
  },
  resourceVersion: '42',
  observedAt,
});

describe('decideLease (client-go tryAcquireOrRenew)', () => {
  it('creates a missing Lease with this process as holder', () => {
    expect(decideLease(me, undefined, t0, 15)).toEqual({
      action: 'create',
      record: { holderIdentity: me, leaseDurationSeconds: 15, acquireTime: t0, renewTime: t0, leaseTransitions: 0 },
    });
  });

  it("leaves another holder's Lease alone until it has been unchanged for its duration on our clock", () => {
    const observation = held(other, t0);
    expect(decideLease(me, observation, t0 + 14_999, 15)).toEqual({
      action: 'wait',
      holder: other,
      expiresAt: t0 + 15_000,
    });
    // The holder's renewTime is irrelevant (clock skew): only when we last saw the Lease change counts.
    const skewed = held(other, t0, { renewTime: t0 - 3_600_000 });
    expect(decideLease(me, skewed, t0 + 1_000, 15).action).toBe('wait');
  });

  it('takes over an expired Lease, counting a transition and starting a new acquire time', () => {
    const decision = decideLease(me, held(other, t0), t0 + 15_000, 15);
    expect(decision).toEqual({
      action: 'update',
      record: {
        holderIdentity: me,
        leaseDurationSeconds: 15,
        acquireTime: t0 + 15_000,
        renewTime: t0 + 15_000,
        leaseTransitions: 4,
      },
    });
  });

  it('takes a released Lease (no holder) at once', () => {
    const released = held('', t0, { leaseDurationSeconds: 1 });
    const decision = decideLease(me, released, t0 + 10, 15);
    expect(decision.action).toBe('update');
    expect(decision.action === 'update' && decision.record.holderIdentity).toBe(me);
    expect(decision.action === 'update' && decision.record.leaseTransitions).toBe(4);
  });

  it('renews its own Lease keeping the acquire time and transitions', () => {
    const mine = held(me, t0 - 5_000);
    expect(decideLease(me, mine, t0, 15)).toEqual({
      action: 'update',
      record: { ...mine.record, renewTime: t0 },
    });
  });
});

describe('releasedRecord', () => {
  it('clears the holder and shortens the duration, keeping the transitions', () => {
    expect(releasedRecord(held(me, t0).record, t0 + 5)).toEqual({
      holderIdentity: '',
      leaseDurationSeconds: 1,
      acquireTime: t0 + 5,
      renewTime: t0 + 5,
      leaseTransitions: 3,
    });
  });
});

describe('recordOf', () => {
  it('reads a Lease as the API returns it, tolerating missing fields', () => {
    const lease = {
      spec: {
        holderIdentity: other,
        leaseDurationSeconds: 15,
        acquireTime: new V1MicroTime(t0),
        renewTime: new V1MicroTime(t0 + 2_000),
        leaseTransitions: 2,
      },
    };
    expect(recordOf(lease)).toEqual({
      holderIdentity: other,
      leaseDurationSeconds: 15,
      acquireTime: t0,
      renewTime: t0 + 2_000,
      leaseTransitions: 2,
    });
    expect(recordOf({})).toEqual({
      holderIdentity: '',
      leaseDurationSeconds: 0,
      acquireTime: 0,
      renewTime: 0,
      leaseTransitions: 0,
    });
  });
});

describe('timings and identity', () => {
  it("uses controller-runtime's defaults, which pass client-go's checks", () => {
    expect(defaultTimings).toEqual({ leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 });
    expect(() => validateTimings(defaultTimings)).not.toThrow();
    expect(() => validateTimings({ leaseDurationMs: 10_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 })).toThrow(
      /leaseDuration/,
    );
    expect(() => validateTimings({ leaseDurationMs: 15_000, renewDeadlineMs: 2_000, retryPeriodMs: 2_000 })).toThrow(
      /renewDeadline/,
    );
  });

  it('gives every process and start its own identity', () => {
    const a = electionIdentity();
    expect(a).toMatch(new RegExp(`_${process.pid}_[0-9a-f]{8}$`));
    expect(electionIdentity()).not.toBe(a);
  });

  it('keeps the Lease in the configured namespace, else the watched one, else the pod one, else default', () => {
    expect(leaseNamespaceFor('ops', 'team-a', () => 'pod-ns')).toBe('ops');
    expect(leaseNamespaceFor('', 'team-a', () => 'pod-ns')).toBe('team-a');
    expect(leaseNamespaceFor('', '', () => 'pod-ns')).toBe('pod-ns');
    expect(leaseNamespaceFor('', '', () => undefined)).toBe('default');
  });
});
