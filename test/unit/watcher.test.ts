/**
 * The watcher against a fake read-only source and a fake Temporal client: a 429 is waited out
 * without counting as a failure, events of one object coalesce to its latest snapshot, a failed
 * signal is retried, and it can only read.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import { type Client } from '@temporalio/client';
import { type KubeObject } from '../../src/api/object';
import { createLogger } from '../../src/shared/log';
import { readOnlyObjects, type ReadOnlyObjects, type WatchEventHandler } from '../../src/watcher/read-only-objects';
import { ObjectWatcher, tooManyRequestsDelayMs } from '../../src/watcher/watcher';

function object(generation: number): KubeObject {
  return {
    apiVersion: 'efs.services.k8s.aws/v1alpha1',
    kind: 'FileSystem',
    metadata: { namespace: 'team-a', name: 'shared', uid: 'uid-1', generation, resourceVersion: String(generation) },
    spec: { performanceMode: 'generalPurpose' },
  } as KubeObject;
}

/** As client-node's ApiException for the answer kube-apiserver gives while a resource's watch cache loads. */
function storageInitializing(): Error {
  return Object.assign(new Error('HTTP-Code: 429\nMessage: Unknown API Status Code!'), {
    code: 429,
    body: JSON.stringify({ kind: 'Status', message: 'storage is (re)initializing', reason: 'TooManyRequests' }),
    headers: { 'retry-after': '0.01' },
  });
}

/** Lists answer from `lists` in turn (then the last one again); the current watch's handlers are exposed. */
class FakeObjects implements ReadOnlyObjects {
  readonly kind = 'FileSystem';
  listCalls = 0;
  onEvent?: WatchEventHandler;
  constructor(private readonly lists: (KubeObject[] | Error)[]) {}
  async list() {
    const answer = this.lists[Math.min(this.listCalls++, this.lists.length - 1)] as KubeObject[] | Error;
    if (answer instanceof Error) throw answer;
    return { items: answer, resourceVersion: '10' };
  }
  async watch(_rv: string, _timeout: number, onEvent: WatchEventHandler, onDone: (err?: unknown) => void) {
    this.onEvent = onEvent;
    const controller = new AbortController();
    controller.signal.addEventListener('abort', () => onDone());
    return controller;
  }
  async get() {
    return undefined;
  }
}

/** Records the generation of every signal; `hold` makes signals wait, `failures` makes the next ones fail. */
function fakeTemporal() {
  const signalled: number[] = [];
  const state = { hold: undefined as Promise<void> | undefined, failures: 0 };
  const client = {
    workflow: {
      async signalWithStart(_type: string, options: { signalArgs: [{ generation: number }] }) {
        if (state.hold) await state.hold;
        if (state.failures > 0) {
          state.failures--;
          throw new Error('Temporal is unavailable');
        }
        signalled.push(options.signalArgs[0].generation);
      },
      getHandle: () => ({ signal: async () => undefined }),
    },
  } as unknown as Client;
  return { client, signalled, state };
}

async function eventually(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('the condition did not hold within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const watchers: ObjectWatcher[] = [];
afterEach(() => watchers.splice(0).forEach((w) => w.stop()));

function start(objects: ReadOnlyObjects, client: Client, lines: string[]) {
  const watcher = new ObjectWatcher({
    objects,
    client,
    taskQueue: 'q',
    workflowOptions: { resyncIntervalSeconds: 600 },
    log: createLogger('watcher', { write: (line) => lines.push(line), level: 'debug' }),
    relistIntervalSeconds: 300,
    signalRetryDelayMs: () => 1,
  });
  watchers.push(watcher);
  const done = watcher.run();
  return { watcher, done };
}

const messages = (lines: string[], level: string) =>
  lines.map((line) => JSON.parse(line) as { level: string; msg: string }).filter((l) => l.level === level);

describe('ObjectWatcher', () => {
  it('waits out 429 "storage is (re)initializing" without a warning or a restart, then lists and signals', async () => {
    const objects = new FakeObjects([storageInitializing(), storageInitializing(), [object(1)]]);
    const temporal = fakeTemporal();
    const lines: string[] = [];
    const { watcher } = start(objects, temporal.client, lines);
    await eventually(() => temporal.signalled.length === 1);
    expect(objects.listCalls).toBe(3);
    expect(watcher.stats).toMatchObject({ restarts: 0, lists: 1, signals: 1 });
    expect(messages(lines, 'warn')).toEqual([]);
    expect(messages(lines, 'info').map((l) => l.msg)).toEqual([
      'the Kubernetes API asks to wait (429); listing again after it',
    ]);
  });

  it('counts any other list failure as a restart, with a warning', async () => {
    const objects = new FakeObjects([new Error('connect ECONNREFUSED 127.0.0.1:6443'), [object(1)]]);
    const temporal = fakeTemporal();
    const lines: string[] = [];
    const { watcher } = start(objects, temporal.client, lines);
    await eventually(() => temporal.signalled.length === 1);
    expect(watcher.stats.restarts).toBe(1);
    expect(messages(lines, 'warn').map((l) => l.msg)).toEqual(['watch failed; listing again after a backoff']);
  });

  it('signals only the latest snapshot of an object that changed many times while its signal was in flight', async () => {
    const objects = new FakeObjects([[object(1)]]);
    const temporal = fakeTemporal();
    let release!: () => void;
    temporal.state.hold = new Promise<void>((resolve) => (release = resolve));
    const { watcher } = start(objects, temporal.client, []);
    await eventually(() => objects.onEvent !== undefined);
    for (let generation = 2; generation <= 6; generation++) objects.onEvent?.('MODIFIED', object(generation));
    temporal.state.hold = undefined;
    release();
    await eventually(() => temporal.signalled.length === 2);
    await watcher.settled();
    expect(temporal.signalled).toEqual([1, 6]);
    expect(watcher.stats).toMatchObject({ watchEvents: 5, signals: 2 });
  });

  it('retries a signal that failed until it lands', async () => {
    const objects = new FakeObjects([[object(1)]]);
    const temporal = fakeTemporal();
    temporal.state.failures = 2;
    const lines: string[] = [];
    const { watcher } = start(objects, temporal.client, lines);
    await eventually(() => temporal.signalled.length === 1);
    expect(watcher.stats).toMatchObject({ signalFailures: 2, signals: 1 });
    expect(messages(lines, 'warn').map((l) => l.msg)).toEqual([
      'could not signal the workflow; will retry',
      'could not signal the workflow; will retry',
    ]);
  });

  it('reads Kubernetes through a client that can only list, watch and get', () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const objects = readOnlyObjects(kc, 'FileSystem', { namespace: '', labelSelector: '' });
    expect(Object.keys(objects).sort()).toEqual(['get', 'kind', 'list', 'watch']);
    // @ts-expect-error: there is nothing to write with
    expect(objects.patchStatus).toBeUndefined();
  });
});

describe('tooManyRequestsDelayMs', () => {
  it('reads Retry-After of a 429 from a list or a watch, and ignores other errors', () => {
    expect(tooManyRequestsDelayMs(Object.assign(new Error('x'), { code: 429, headers: { 'retry-after': '2' } }))).toBe(
      2_000,
    );
    expect(tooManyRequestsDelayMs(Object.assign(new Error('Too Many Requests'), { statusCode: 429 }))).toBe(1_000);
    expect(tooManyRequestsDelayMs(Object.assign(new Error('Gone'), { code: 410 }))).toBeUndefined();
    expect(tooManyRequestsDelayMs(new Error('socket hang up'))).toBeUndefined();
  });
});
