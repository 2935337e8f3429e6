/**
 * The emulator's request-rate throttle over real HTTP: a token bucket per account, Region and
 * operation family answers ThrottlingException beyond its rate, as AWS does, and counts it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  CreateFileSystemCommand,
  DescribeAccessPointsCommand,
  DescribeFileSystemsCommand,
  ThrottlingException,
} from '@aws-sdk/client-efs';
import { EmulatorAdminError } from '../../dev/emulator/admin-client';
import { type TestEmulator, rejectionOf, startTestEmulator } from './support/emulator';

let t: TestEmulator;
// One token a second, three at once: a test's few requests never see a refill between them.
beforeAll(async () => {
  t = await startTestEmulator({ createDelayMs: 0, throttle: { enabled: true, ratePerSecond: 1, burst: 3 } });
});
afterAll(() => t.emulator.close());
beforeEach(() => t.emulator.admin.reset());

const describeFileSystems = (region?: string) => t.client({ region }).send(new DescribeFileSystemsCommand({}));

/** Sends `count` requests at once; resolves with how many succeeded and the errors of the rest. */
async function burst(count: number, send: () => Promise<unknown>): Promise<{ ok: number; errors: Error[] }> {
  const results = await Promise.allSettled(Array.from({ length: count }, send));
  return {
    ok: results.filter((r) => r.status === 'fulfilled').length,
    errors: results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as Error),
  };
}

describe('the request-rate throttle', () => {
  it('answers HTTP 400 ThrottlingException "Rate exceeded" beyond the burst and counts each throttled request', async () => {
    const { ok, errors } = await burst(5, () => describeFileSystems());
    expect(ok).toBe(3);
    expect(errors).toHaveLength(2);
    for (const err of errors) {
      expect(err).toBeInstanceOf(ThrottlingException);
      expect(err.message).toBe('Rate exceeded');
      expect((err as ThrottlingException).$metadata.httpStatusCode).toBe(400);
    }
    const counters = await t.emulator.admin.counters();
    expect(counters.operations.DescribeFileSystems).toEqual({
      requests: 5,
      calls: 5,
      responses: { '200': 3, '400': 2 },
      faults: 0,
      throttled: 2,
    });
    expect((await t.emulator.admin.throttle()).counters).toEqual([
      { accountId: '123456789012', region: 'us-east-1', family: 'fileSystemReads', allowed: 3, throttled: 2 },
    ]);
  });

  it('does not process a throttled request: a throttled create creates nothing', async () => {
    const { ok } = await burst(5, () =>
      t.client().send(new CreateFileSystemCommand({ CreationToken: `token-${Math.random()}` })),
    );
    expect(ok).toBe(3);
    expect(await t.emulator.admin.fileSystems()).toHaveLength(3);
  });

  it('refills at its rate', async () => {
    expect((await burst(4, () => describeFileSystems())).ok).toBe(3);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await burst(2, () => describeFileSystems())).ok).toBe(1);
  });

  it('keeps a bucket per operation family: describing access points still passes when file systems are throttled', async () => {
    expect((await burst(4, () => describeFileSystems())).ok).toBe(3);
    await expect(t.client().send(new DescribeAccessPointsCommand({}))).resolves.toBeDefined();
  });

  it('keeps a bucket per account: another account is not throttled by the first one’s requests', async () => {
    expect((await burst(4, () => describeFileSystems())).ok).toBe(3);
    await t.emulator.admin.setConfig({ accountId: '210987654321' });
    expect((await burst(4, () => describeFileSystems())).ok).toBe(3);
    await t.emulator.admin.setConfig({ accountId: '123456789012' });
    await expect(rejectionOf(describeFileSystems())).resolves.toBeInstanceOf(ThrottlingException);

    const counters = (await t.emulator.admin.throttle()).counters;
    expect(counters).toEqual(
      expect.arrayContaining([
        { accountId: '123456789012', region: 'us-east-1', family: 'fileSystemReads', allowed: 3, throttled: 2 },
        { accountId: '210987654321', region: 'us-east-1', family: 'fileSystemReads', allowed: 3, throttled: 1 },
      ]),
    );
  });

  it('keeps a bucket per Region of the SigV4 scope', async () => {
    expect((await burst(4, () => describeFileSystems('us-east-1'))).ok).toBe(3);
    expect((await burst(3, () => describeFileSystems('eu-west-1'))).ok).toBe(3);
  });

  it('is changed through the admin API: a family of its own rate, or off', async () => {
    const settings = await t.emulator.admin.setThrottle({
      families: { fileSystemReads: { ratePerSecond: 1, burst: 1 } },
    });
    expect(settings).toEqual({
      enabled: true,
      ratePerSecond: 1,
      burst: 3,
      families: { fileSystemReads: { ratePerSecond: 1, burst: 1 } },
    });
    expect((await burst(3, () => describeFileSystems())).ok).toBe(1);

    await t.emulator.admin.setThrottle({ enabled: false });
    expect((await burst(10, () => describeFileSystems())).ok).toBe(10);
  });

  it('refuses bad settings with a message that names the setting', async () => {
    const refused = async (change: Record<string, unknown>) =>
      (await rejectionOf(t.emulator.admin.setThrottle(change))) as unknown as EmulatorAdminError;
    const badRate = await refused({ ratePerSecond: 0 });
    expect(badRate.status).toBe(400);
    expect(badRate.message).toContain('ratePerSecond must be a positive number');
    expect((await refused({ families: { describes: { ratePerSecond: 1, burst: 1 } } })).message).toContain(
      "unknown operation family 'describes'",
    );
    expect((await refused({ burst: 1.5 })).message).toContain('burst must be an integer of at least 1');
    expect((await refused({ rate: 5 })).message).toContain("unknown throttle setting 'rate'");
  });

  it('starts again from its starting settings on reset', async () => {
    await t.emulator.admin.setThrottle({ enabled: false });
    await t.emulator.admin.reset();
    expect((await t.emulator.admin.throttle()).settings.enabled).toBe(true);
    expect((await burst(4, () => describeFileSystems())).ok).toBe(3);
  });
});
