/** Fault injection through the admin API, observed through @aws-sdk/client-efs and the request counters. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  CreateFileSystemCommand,
  DependencyTimeout,
  DescribeFileSystemsCommand,
  FileSystemAlreadyExists,
  FileSystemNotFound,
  InsufficientThroughputCapacity,
  InternalServerError,
  ThrottlingException,
} from '@aws-sdk/client-efs';
import { EmulatorAdminError } from '../../dev/emulator/admin-client';
import { type TestEmulator, rejectionOf, startTestEmulator } from './support/emulator';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ createDelayMs: 0 });
});
afterAll(() => t.emulator.close());
beforeEach(() => t.emulator.admin.reset());

const describeAll = (attempts = 1) => t.client({ attempts }).send(new DescribeFileSystemsCommand({}));
const create = (token: string, attempts = 1) =>
  t.client({ attempts }).send(new CreateFileSystemCommand({ CreationToken: token }));

/** true for each call that succeeded, false for each that failed. */
async function outcomes(calls: number): Promise<boolean[]> {
  const results: boolean[] = [];
  for (let i = 0; i < calls; i++)
    results.push(
      await describeAll().then(
        () => true,
        () => false,
      ),
    );
  return results;
}

describe('error faults surface as the SDK’s exception classes', () => {
  it('throttling is HTTP 400 ThrottlingException "Rate exceeded", which the SDK retries', async () => {
    await t.emulator.admin.injectFault({ operation: 'DescribeFileSystems', kind: 'throttling', times: 1 });
    const err = await rejectionOf(describeAll());
    expect(err).toBeInstanceOf(ThrottlingException);
    expect(err.message).toBe('Rate exceeded');
    expect((err as unknown as ThrottlingException).$metadata.httpStatusCode).toBe(400);

    await t.emulator.admin.injectFault({ operation: 'DescribeFileSystems', kind: 'throttling', times: 2 });
    await t.emulator.admin.resetCounters();
    const result = await describeAll(3);
    expect(result.$metadata.attempts).toBe(3);
    const counters = await t.emulator.admin.counters();
    expect(counters.operations.DescribeFileSystems).toEqual({
      requests: 3,
      calls: 1,
      responses: { '400': 2, '200': 1 },
      faults: 2,
      throttled: 0,
    });
  });

  it.each([
    ['throttling429', ThrottlingException, 429, 'client'],
    ['internalError', InternalServerError, 500, 'server'],
    ['insufficientThroughputCapacity', InsufficientThroughputCapacity, 503, 'server'],
    ['dependencyTimeout', DependencyTimeout, 504, 'server'],
  ] as const)('%s', async (kind, errorClass, status, fault) => {
    await t.emulator.admin.injectFault({ kind });
    const err = await rejectionOf(describeAll());
    expect(err).toBeInstanceOf(errorClass);
    expect(err.$fault).toBe(fault);
    expect((err as unknown as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(status);
  });

  it('any catalogue error on demand', async () => {
    await t.emulator.admin.injectFault({
      kind: 'error',
      errorCode: 'FileSystemNotFound',
      message: 'gone for the test',
    });
    const err = await rejectionOf(describeAll());
    expect(err).toBeInstanceOf(FileSystemNotFound);
    expect(err.message).toBe('gone for the test');
  });
});

describe('when a fault fires', () => {
  it('every Nth matching call', async () => {
    await t.emulator.admin.injectFault({ operation: 'DescribeFileSystems', kind: 'internalError', every: 3 });
    expect(await outcomes(7)).toEqual([true, true, false, true, true, false, true]);
  });

  it('the next N calls, after which the rule stays listed with its counts', async () => {
    const rule = await t.emulator.admin.injectFault({ kind: 'internalError', times: 2 });
    expect(await outcomes(4)).toEqual([false, false, true, true]);
    const [listed] = await t.emulator.admin.faults();
    expect(listed).toMatchObject({
      id: rule.id,
      operation: '*',
      kind: 'internalError',
      times: 2,
      matched: 4,
      fired: 2,
      held: 0,
    });
  });

  it('at a rate, reproducibly for a seed', async () => {
    await t.emulator.admin.injectFault({ kind: 'internalError', rate: 0.5, seed: 42 });
    const first = await outcomes(40);
    await t.emulator.admin.clearFaults();
    await t.emulator.admin.injectFault({ kind: 'internalError', rate: 0.5, seed: 42 });
    const second = await outcomes(40);
    expect(second).toEqual(first);
    const failures = first.filter((ok) => !ok).length;
    expect(failures).toBeGreaterThan(8);
    expect(failures).toBeLessThan(32);
  });

  it('only for the named operation; "*" for all of them', async () => {
    await t.emulator.admin.injectFault({ operation: 'CreateFileSystem', kind: 'internalError' });
    await describeAll();
    expect(await rejectionOf(create('only-creates'))).toBeInstanceOf(InternalServerError);
    await t.emulator.admin.clearFaults();
    await t.emulator.admin.injectFault({ kind: 'internalError' });
    expect(await rejectionOf(describeAll())).toBeInstanceOf(InternalServerError);
    expect(await rejectionOf(create('all'))).toBeInstanceOf(InternalServerError);
  });

  it('never for requests that match no EFS operation', async () => {
    await t.emulator.admin.injectFault({ kind: 'internalError' });
    const response = await fetch(`${t.emulator.url}/2015-02-01/unknown`);
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect((await t.emulator.admin.faults())[0]?.matched).toBe(0);
  });

  it('never once removed', async () => {
    const rule = await t.emulator.admin.injectFault({ kind: 'internalError' });
    await t.emulator.admin.removeFault(rule.id);
    expect(await outcomes(2)).toEqual([true, true]);
    expect(await t.emulator.admin.faults()).toEqual([]);
  });
});

describe('connection faults and slow responses', () => {
  it('connectionReset drops the connection before the request is processed; the SDK retries it', async () => {
    await t.emulator.admin.injectFault({ operation: 'CreateFileSystem', kind: 'connectionReset', times: 1 });
    const err = await rejectionOf(create('reset'));
    expect(`${String(err.code)} ${err.message}`).toMatch(/ECONNRESET|socket hang up/);
    expect(await t.emulator.admin.fileSystems()).toEqual([]);

    await t.emulator.admin.injectFault({ operation: 'CreateFileSystem', kind: 'connectionReset', times: 1 });
    const created = await create('reset-retried', 2);
    expect(created.$metadata.attempts).toBe(2);
    expect((await t.emulator.admin.counters()).operations.CreateFileSystem?.responses).toEqual({ reset: 2, '201': 1 });
  });

  it('responseLost creates the file system but drops the answer: a retry learns the id from FileSystemAlreadyExists', async () => {
    await t.emulator.admin.injectFault({ operation: 'CreateFileSystem', kind: 'responseLost', times: 1 });
    await rejectionOf(create('lost'));
    const [created] = await t.emulator.admin.fileSystems();
    expect(created?.CreationToken).toBe('lost');
    const retry = await rejectionOf(create('lost'));
    expect(retry).toBeInstanceOf(FileSystemAlreadyExists);
    expect((retry as unknown as FileSystemAlreadyExists).FileSystemId).toBe(created?.FileSystemId);
  });

  it('slow delays the answer by delayMs', async () => {
    await t.emulator.admin.injectFault({ operation: 'DescribeFileSystems', kind: 'slow', delayMs: 300 });
    const started = Date.now();
    await describeAll();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('pauseAfter holds the response of a processed CreateFileSystem until released', async () => {
    const rule = await t.emulator.admin.injectFault({ operation: 'CreateFileSystem', kind: 'pauseAfter' });
    let settled = false;
    const pending = create('paused').finally(() => (settled = true));
    await t.emulator.admin.waitForHeld(rule.id);
    const [inStore] = await t.emulator.admin.fileSystems();
    expect(inStore?.CreationToken).toBe('paused');
    expect(settled).toBe(false);
    expect(await t.emulator.admin.releaseHeld(rule.id)).toBe(1);
    expect((await pending).FileSystemId).toBe(inStore?.FileSystemId);
  });

  it('pauseAfter with delayMs lets the response go by itself', async () => {
    await t.emulator.admin.injectFault({ operation: 'CreateFileSystem', kind: 'pauseAfter', delayMs: 200 });
    const started = Date.now();
    await create('paused-briefly');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });
});

describe('fault rules are checked', () => {
  it.each([
    [{ kind: 'meltdown' }, /kind must be one of/],
    [{ kind: 'internalError', operation: 'MakeCoffee' }, /operation must be "\*" or an EFS operation name/],
    [{ kind: 'internalError', every: 0 }, /every must be an integer of at least 1/],
    [{ kind: 'internalError', rate: 2 }, /rate must be a probability/],
    [{ kind: 'slow' }, /a slow fault needs delayMs/],
    [{ kind: 'error', errorCode: 'Oops' }, /needs a known errorCode/],
  ])('%j is refused with 400', async (spec, message) => {
    const err = await rejectionOf(t.emulator.admin.injectFault(spec as never));
    expect(err).toBeInstanceOf(EmulatorAdminError);
    expect((err as unknown as EmulatorAdminError).status).toBe(400);
    expect(err.message).toMatch(message);
  });
});
