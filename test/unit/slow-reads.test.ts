import { describe, expect, it } from '@jest/globals';
import {
  desiredSlowValues,
  heldAfter,
  slowFingerprint,
  slowSettingsOf,
  slowWatchFor,
} from '../../src/domain/slow-reads';

const all = { lifecycle: true, backup: true, policy: true };
const policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*"}]}';

describe('slowSettingsOf: the slow settings a spec manages', () => {
  it('reads lifecycle when set, backup when ENABLED or DISABLED, the policy when the spec sets one', () => {
    expect(slowSettingsOf(undefined)).toEqual({ lifecycle: false, backup: false, policy: false });
    expect(slowSettingsOf({ lifecyclePolicies: [], backupPolicy: { status: 'ENABLED' }, policy })).toEqual(all);
    expect(slowSettingsOf({ backupPolicy: { status: 'ENABLING' } as never })).toEqual({
      lifecycle: false,
      backup: false,
      policy: false,
    });
  });

  it('a spec that manages none gives no slow watch', () => {
    expect(slowWatchFor({}, desiredSlowValues({}))).toBeUndefined();
  });
});

describe('slowFingerprint', () => {
  const base = { lifecyclePolicies: [{ TransitionToIA: 'AFTER_30_DAYS' as const }], backupStatus: 'ENABLED', policy };

  it('counts a backup on its way as where it goes', () => {
    expect(slowFingerprint(all, { ...base, backupStatus: 'ENABLING' })).toBe(slowFingerprint(all, base));
    expect(slowFingerprint(all, { ...base, backupStatus: 'DISABLING' })).toBe(
      slowFingerprint(all, { ...base, backupStatus: 'DISABLED' }),
    );
    expect(slowFingerprint(all, { ...base, backupStatus: undefined })).not.toBe(slowFingerprint(all, base));
  });

  it('ignores the order of lifecycle policies and the key order and whitespace of the policy', () => {
    const reordered = {
      ...base,
      lifecyclePolicies: [{ TransitionToPrimaryStorageClass: 'AFTER_1_ACCESS' as const }, ...base.lifecyclePolicies],
    };
    const other = { ...reordered, lifecyclePolicies: [...reordered.lifecyclePolicies].reverse() };
    expect(slowFingerprint(all, reordered)).toBe(slowFingerprint(all, other));
    const spaced = JSON.stringify(JSON.parse(policy), null, 2).replace('"Version"', ' "Version"');
    expect(slowFingerprint(all, { ...base, policy: spaced })).toBe(slowFingerprint(all, base));
    expect(slowFingerprint(all, { ...base, policy: null })).not.toBe(slowFingerprint(all, base));
  });

  it('only the managed settings count', () => {
    const backupOnly = { lifecycle: false, backup: true, policy: false };
    expect(slowFingerprint(backupOnly, { ...base, policy: null, lifecyclePolicies: [] })).toBe(
      slowFingerprint(backupOnly, base),
    );
  });
});

describe('heldAfter: what AWS holds once an apply ran', () => {
  it('takes each applied call’s value over the read one and keeps the rest', () => {
    const observed = { lifecyclePolicies: [], backupStatus: 'DISABLED', policy: null };
    expect(
      heldAfter(observed, [
        { op: 'PutBackupPolicy', status: 'ENABLED' },
        { op: 'PutFileSystemPolicy', policy },
        { op: 'TagResource', tags: [] },
      ]),
    ).toEqual({ lifecyclePolicies: [], backupStatus: 'ENABLED', policy });
  });

  it('after correcting a spec with backup ENABLED, the fingerprint is the one the spec implies', () => {
    const spec = { backupPolicy: { status: 'ENABLED' as const } };
    const corrected = slowWatchFor(
      spec,
      heldAfter({ lifecyclePolicies: [], backupStatus: undefined, policy: null }, [
        { op: 'PutBackupPolicy', status: 'ENABLED' },
      ]),
    );
    expect(corrected).toEqual(slowWatchFor(spec, desiredSlowValues(spec)));
    expect(corrected?.settings).toEqual({ lifecycle: false, backup: true, policy: false });
  });
});
