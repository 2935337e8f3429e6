/** The admin API: counters, settings, clock, reset, listing and its own errors. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { CreateFileSystemCommand, DescribeFileSystemsCommand, PutBackupPolicyCommand } from '@aws-sdk/client-efs';
import { EmulatorAdminError } from '../../dev/emulator/admin-client';
import { defaultConfig } from '../../dev/emulator/model';
import { type RunningEmulator, startEmulator } from '../../dev/emulator/server';
import { type TestEmulator, efsClient, quietLog, rejectionOf, startTestEmulator } from './support/emulator';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ createDelayMs: 1000 });
});
afterAll(() => t.emulator.close());
beforeEach(() => t.emulator.admin.reset());

async function adminFetch(method: string, path: string, body?: unknown) {
  const response = await fetch(t.emulator.adminUrl + path, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('request counters', () => {
  it('count requests and logical calls per operation, responses by status, and attempts per invocation id', async () => {
    const client = t.client();
    await client.send(new CreateFileSystemCommand({ CreationToken: 'counted' }));
    await rejectionOf(client.send(new CreateFileSystemCommand({ CreationToken: 'counted' })));
    await client.send(new DescribeFileSystemsCommand({}));
    const counters = await t.emulator.admin.counters();
    expect(counters.total).toEqual({ requests: 3, calls: 3 });
    expect(counters.operations).toEqual({
      CreateFileSystem: { requests: 2, calls: 2, responses: { '201': 1, '409': 1 }, faults: 0, throttled: 0 },
      DescribeFileSystems: { requests: 1, calls: 1, responses: { '200': 1 }, faults: 0, throttled: 0 },
    });
    const invocations = Object.values(counters.invocations);
    expect(invocations).toHaveLength(3);
    expect(invocations.every((i) => i.attempts === 1)).toBe(true);
  });

  it('tell retries of one call apart by amz-sdk-invocation-id', async () => {
    await t.emulator.admin.injectFault({ kind: 'internalError', times: 2 });
    await t.client({ attempts: 3 }).send(new DescribeFileSystemsCommand({}));
    const counters = await t.emulator.admin.counters();
    expect(counters.operations.DescribeFileSystems).toMatchObject({ requests: 3, calls: 1 });
    expect(Object.values(counters.invocations)).toEqual([{ operation: 'DescribeFileSystems', attempts: 3 }]);
  });

  it('count each request without an invocation id as a call, unknown routes under "Unknown", and reset', async () => {
    await fetch(`${t.emulator.url}/2015-02-01/file-systems`);
    await fetch(`${t.emulator.url}/2015-02-01/file-systems`);
    await fetch(`${t.emulator.url}/nothing-here`);
    const counters = await t.emulator.admin.counters();
    expect(counters.operations.DescribeFileSystems).toMatchObject({ requests: 2, calls: 2 });
    expect(counters.operations.Unknown).toEqual({
      requests: 1,
      calls: 1,
      responses: { '404': 1 },
      faults: 0,
      throttled: 0,
    });
    expect(counters.invocations).toEqual({});
    await t.emulator.admin.resetCounters();
    expect(await t.emulator.admin.counters()).toEqual({
      total: { requests: 0, calls: 0 },
      operations: {},
      invocations: {},
    });
  });

  it('do not count admin requests', async () => {
    await t.emulator.admin.config();
    await t.emulator.admin.fileSystems();
    expect((await t.emulator.admin.counters()).total.requests).toBe(0);
  });
});

describe('settings', () => {
  it('reads and changes settings; reset restores the starting ones', async () => {
    expect(await t.emulator.admin.config()).toEqual({ ...defaultConfig, createDelayMs: 1000, timeScale: 1 });
    const changed = await t.emulator.admin.setConfig({
      deleteDelayMs: 5,
      fileSystemLimit: 3,
      pageSizeCap: 4,
      region: 'eu-west-1',
    });
    expect(changed).toMatchObject({ deleteDelayMs: 5, fileSystemLimit: 3, pageSizeCap: 4, region: 'eu-west-1' });
    await t.emulator.admin.reset();
    expect((await t.emulator.admin.config()).fileSystemLimit).toBe(1000);
  });

  it('the default Region applies to requests without a SigV4 scope', async () => {
    await t.emulator.admin.setConfig({ region: 'ap-southeast-2' });
    const response = await fetch(`${t.emulator.url}/2015-02-01/file-systems`, {
      method: 'POST',
      body: JSON.stringify({ CreationToken: 'unsigned' }),
    });
    const body = (await response.json()) as { FileSystemArn: string };
    expect(body.FileSystemArn).toMatch(/^arn:aws:elasticfilesystem:ap-southeast-2:/);
  });

  it.each([
    [{ createDelayMs: -1 }, /createDelayMs must be a non-negative number/],
    [{ pageSizeCap: 0 }, /pageSizeCap must be null or an integer/],
    [{ accountId: '42' }, /accountId must be 12 digits/],
    [{ colour: 'blue' }, /unknown setting 'colour'/],
  ])('refuses %j with 400', async (change, message) => {
    const err = await rejectionOf(t.emulator.admin.setConfig(change as never));
    expect((err as unknown as EmulatorAdminError).status).toBe(400);
    expect(err.message).toMatch(message);
  });
});

describe('reset', () => {
  it('forgets file systems, faults, counters and delay overrides, and restores the time scale', async () => {
    await t.client().send(new CreateFileSystemCommand({ CreationToken: 'forgotten' }));
    await t.emulator.admin.injectFault({ kind: 'internalError', operation: 'DeleteFileSystem' });
    await t.emulator.admin.holdInCreating({ next: 5 });
    await t.emulator.admin.updateClock({ scale: 5, frozen: true });
    await t.emulator.admin.reset();
    expect(await t.emulator.admin.clock()).toMatchObject({ scale: 1, frozen: false });
    expect(await t.emulator.admin.fileSystems()).toEqual([]);
    expect(await t.emulator.admin.faults()).toEqual([]);
    expect((await t.emulator.admin.counters()).total.requests).toBe(0);
    expect((await adminFetch('GET', '/create-delays')).json).toEqual({ overrides: [] });
  });
});

describe('listing and forcing states', () => {
  it('lists every file system with its pending transition', async () => {
    const created = await t.client().send(new CreateFileSystemCommand({ CreationToken: 'listed' }));
    const [listed] = await t.emulator.admin.fileSystems();
    expect(listed).toMatchObject({
      FileSystemId: created.FileSystemId,
      CreationToken: 'listed',
      LifeCycleState: 'creating',
      region: 'us-east-1',
      ownerId: '123456789012',
      nextTransition: { at: t.clock.now() + 1000, state: 'available' },
    });
    expect(listed?.description.FileSystemArn).toBe(created.FileSystemArn);
  });

  it("lists a file system's backup policy status, which DescribeFileSystems does not show", async () => {
    const client = t.client();
    const { FileSystemId } = await client.send(new CreateFileSystemCommand({ CreationToken: 'backed-up' }));
    await t.emulator.admin.setState(FileSystemId as string, 'available');
    await client.send(new PutBackupPolicyCommand({ FileSystemId, BackupPolicy: { Status: 'ENABLED' } }));
    expect((await t.emulator.admin.fileSystems())[0]).toMatchObject({ FileSystemId, backupStatus: 'ENABLED' });
  });

  it('answers 400 for a state that cannot be forced and 404 for unknown ids', async () => {
    const created = await t.client().send(new CreateFileSystemCommand({ CreationToken: 'forced' }));
    const bad = await rejectionOf(t.emulator.admin.setState(created.FileSystemId as string, 'deleted'));
    expect((bad as unknown as EmulatorAdminError).status).toBe(400);
    const missing = await rejectionOf(t.emulator.admin.setState('fs-0123456789abcdef0', 'available'));
    expect((missing as unknown as EmulatorAdminError).status).toBe(404);
    const overrideWithBoth = await adminFetch('POST', '/create-delays', { creationToken: 'x', next: 1 });
    expect(overrideWithBoth).toEqual({ status: 400, json: { error: 'give exactly one of creationToken and next' } });
  });

  it('the admin URL itself lists every endpoint, each of which answers', async () => {
    for (const base of ['', '/']) {
      const { status, json } = await adminFetch('GET', base);
      expect(status).toBe(200);
      const endpoints = json.endpoints as { method: string; path: string; summary: string }[];
      expect(endpoints).toEqual(
        expect.arrayContaining([
          { method: 'GET', path: '/__admin', summary: 'this list of endpoints' },
          { method: 'GET', path: '/__admin/counters', summary: 'request counters' },
          { method: 'POST', path: '/__admin/file-systems/{id}/state', summary: expect.any(String) },
          { method: 'DELETE', path: '/__admin/faults/{id}', summary: 'remove one fault rule' },
        ]),
      );
      expect(endpoints.every((e) => e.summary.length > 0)).toBe(true);
    }
    // Every listed GET answers 200: the list names real endpoints.
    const { json } = await adminFetch('GET', '');
    for (const { method, path } of json.endpoints as { method: string; path: string }[]) {
      if (method !== 'GET') continue;
      const response = await fetch(t.emulator.url + path);
      expect([path, response.status]).toEqual([path, 200]);
    }
  });

  it('unknown admin paths are 404 and wrong methods 405, as JSON', async () => {
    expect(await adminFetch('GET', '/nothing')).toEqual({
      status: 404,
      json: { error: 'no admin endpoint /__admin/nothing; GET /__admin lists them' },
    });
    expect(await adminFetch('PUT', '/faults')).toEqual({
      status: 405,
      json: { error: 'PUT is not supported on /__admin/faults' },
    });
    expect((await adminFetch('POST', '/faults', 'not an object')).status).toBe(400);
  });
});

describe('the clock', () => {
  it('advances and sets emulated time, which drives lifecycle transitions', async () => {
    const created = await t.client().send(new CreateFileSystemCommand({ CreationToken: 'clocked' }));
    const before = await t.emulator.admin.clock();
    const after = await t.emulator.admin.advanceClock(1000);
    expect(after.now).toBe(before.now + 1000);
    const fs = (await t.client().send(new DescribeFileSystemsCommand({ FileSystemId: created.FileSystemId })))
      .FileSystems?.[0];
    expect(fs?.LifeCycleState).toBe('available');
    const set = await t.emulator.admin.setClock(new Date('2030-06-01T12:00:00Z'));
    expect(set).toEqual({
      now: Date.parse('2030-06-01T12:00:00Z'),
      iso: '2030-06-01T12:00:00.000Z',
      scale: 1,
      frozen: false,
    });
  });

  describe('on real time', () => {
    let real: RunningEmulator;
    beforeAll(async () => {
      real = await startEmulator({ createDelayMs: 60_000, log: quietLog });
    });
    afterAll(() => real.close());

    it('freezes and resumes', async () => {
      const frozen = await real.admin.freezeClock();
      await new Promise((r) => setTimeout(r, 30));
      expect((await real.admin.clock()).now).toBe(frozen.now);
      expect((await real.admin.freezeClock(false)).frozen).toBe(false);
      await new Promise((r) => setTimeout(r, 30));
      expect((await real.admin.clock()).now).toBeGreaterThan(frozen.now);
    });

    it('a time scale makes a minute-long create delay pass in well under a second', async () => {
      await real.admin.setConfig({ timeScale: 1000 });
      const client = efsClient(real.url);
      const created = await client.send(new CreateFileSystemCommand({ CreationToken: 'scaled' }));
      expect(created.LifeCycleState).toBe('creating');
      await new Promise((r) => setTimeout(r, 150));
      const fs = (await client.send(new DescribeFileSystemsCommand({ FileSystemId: created.FileSystemId })))
        .FileSystems?.[0];
      expect(fs?.LifeCycleState).toBe('available');
      expect((await real.admin.config()).timeScale).toBe(1000);
      expect((await real.admin.setTimeScale(1)).scale).toBe(1);
    });
  });
});
