import { describe, expect, it } from '@jest/globals';
import {
  AssumedRoles,
  refreshBeforeExpiryMs,
  type AwsCredentialIdentity,
  type StsCalls,
} from '../../src/aws/assume-role';
import { classifyError } from '../../src/domain/errors';

/** A fake STS that counts AssumeRole calls and issues credentials valid for an hour of the fake clock. */
function fakeSts(clock: { now: number }, refuse?: (roleArn: string) => Error | undefined) {
  const calls: string[] = [];
  const sts: StsCalls = {
    async assumeRole(roleArn, _session, durationSeconds): Promise<AwsCredentialIdentity> {
      calls.push(roleArn);
      const refusal = refuse?.(roleArn);
      if (refusal) throw refusal;
      return {
        accessKeyId: `key-${calls.length}`,
        secretAccessKey: 's',
        sessionToken: 't',
        expiration: new Date(clock.now + durationSeconds * 1000),
      };
    },
    ownAccountId: async () => '123456789012',
  };
  return { sts, calls };
}

const request = {
  accountId: '210987654321',
  roleArn: 'arn:aws:iam::210987654321:role/efs',
  mappedIn: 'ops/ack-role-account-map',
};

describe('assumed-role credentials', () => {
  it('are assumed once, shared by concurrent callers, and reused until shortly before they expire', async () => {
    const clock = { now: 1_000_000 };
    const { sts, calls } = fakeSts(clock);
    const roles = new AssumedRoles(sts, 'efs-orchestrator', () => clock.now);
    const [a, b] = await Promise.all([roles.credentials(request), roles.credentials(request)]);
    expect(calls).toHaveLength(1);
    expect(a).toBe(b);
    clock.now += 3600_000 - refreshBeforeExpiryMs - 1;
    expect((await roles.provider(request)()).accessKeyId).toBe('key-1');
    expect(calls).toHaveLength(1);
    // Within the refresh margin: assumed again before the old ones expire.
    clock.now += 2;
    expect((await roles.credentials(request)).accessKeyId).toBe('key-2');
    expect(calls).toHaveLength(2);
  });

  it('a refusal is recoverable, names the account, the role and where it is mapped, and is asked again next time', async () => {
    const clock = { now: 0 };
    let refusing = true;
    const denied = Object.assign(new Error('User: x is not authorized to perform: sts:AssumeRole'), {
      name: 'AccessDenied',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
    });
    const { sts, calls } = fakeSts(clock, () => (refusing ? denied : undefined));
    const roles = new AssumedRoles(sts, 'efs-orchestrator', () => clock.now);
    const failure = classifyError(await roles.credentials(request).catch((err: unknown) => err));
    expect(failure).toMatchObject({ class: 'recoverable', code: 'AssumeRoleRefused', retryAfterMs: 15_000 });
    expect(failure.message).toContain('arn:aws:iam::210987654321:role/efs');
    expect(failure.message).toContain('account 210987654321');
    expect(failure.message).toContain('ConfigMap ops/ack-role-account-map');
    expect(failure.message).toContain('AccessDenied: User: x is not authorized');
    refusing = false;
    expect((await roles.credentials(request)).accessKeyId).toBe('key-2');
    expect(calls).toHaveLength(2);
  });

  it('a transient STS failure stays transient (retried, not reported as a refusal)', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'Throttling',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    const unavailable = Object.assign(new Error('down'), {
      name: 'ServiceUnavailable',
      $fault: 'server',
      $metadata: { httpStatusCode: 503 },
    });
    for (const failure of [throttled, unavailable]) {
      const roles = new AssumedRoles(fakeSts({ now: 0 }, () => failure).sts);
      expect(classifyError(await roles.credentials(request).catch((err: unknown) => err))).toMatchObject({
        class: 'retryable',
        code: failure.name,
      });
    }
  });
});
