/** The watcher's keyed queue: one waiting entry per key, latest item wins, one item per key at a time, retries. */
import { describe, expect, it } from '@jest/globals';
import { exponentialBackoff, KeyedQueue } from '../../src/watcher/keyed-queue';

/** A promise to resolve or reject from outside. */
function gate(): { promise: Promise<void>; open: () => void; fail: (err: Error) => void } {
  let open!: () => void;
  let fail!: (err: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

/** Lets the queue's promise callbacks run. */
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedQueue', () => {
  it('processes a key once, with its latest item, however many arrive while it waits', async () => {
    const processed: string[] = [];
    const first = gate();
    const queue = new KeyedQueue<number>({
      concurrency: 1,
      process: async (key, item) => {
        processed.push(`${key}:${item}`);
        if (key === 'a') await first.promise;
      },
    });
    queue.add('a', 1);
    for (let i = 1; i <= 100; i++) queue.add('b', i);
    expect(queue.length).toBe(1);
    first.open();
    await queue.idle();
    expect(processed).toEqual(['a:1', 'b:100']);
  });

  it('takes keys in the order they were first queued; a new item does not move its key', async () => {
    const processed: string[] = [];
    const first = gate();
    const queue = new KeyedQueue<string>({
      concurrency: 1,
      process: async (key, item) => {
        processed.push(item);
        if (key === 'blocker') await first.promise;
      },
    });
    queue.add('blocker', 'blocker');
    queue.add('c', 'c1');
    queue.add('a', 'a1');
    queue.add('b', 'b1');
    queue.add('c', 'c2');
    first.open();
    await queue.idle();
    expect(processed).toEqual(['blocker', 'c2', 'a1', 'b1']);
  });

  it('never processes two items of one key at once, while other keys run in parallel', async () => {
    const running = new Map<string, number>();
    let mostOfOneKey = 0;
    let mostAtOnce = 0;
    const gates = new Map<string, ReturnType<typeof gate>>();
    const processed: string[] = [];
    const queue = new KeyedQueue<number>({
      concurrency: 4,
      process: async (key, item) => {
        running.set(key, (running.get(key) ?? 0) + 1);
        mostOfOneKey = Math.max(mostOfOneKey, running.get(key) ?? 0);
        mostAtOnce = Math.max(
          mostAtOnce,
          [...running.values()].reduce((a, b) => a + b, 0),
        );
        const g = gate();
        gates.set(`${key}:${item}`, g);
        await g.promise;
        processed.push(`${key}:${item}`);
        running.set(key, (running.get(key) ?? 1) - 1);
      },
    });
    queue.add('a', 1);
    queue.add('b', 1);
    await tick();
    queue.add('a', 2); // arrives while a:1 is processed: waits for it
    queue.add('a', 3);
    await tick();
    expect([...gates.keys()]).toEqual(['a:1', 'b:1']);
    gates.get('b:1')?.open();
    gates.get('a:1')?.open();
    await tick();
    await tick();
    expect([...gates.keys()]).toEqual(['a:1', 'b:1', 'a:3']);
    gates.get('a:3')?.open();
    await queue.idle();
    expect(processed).toEqual(['b:1', 'a:1', 'a:3']);
    expect(mostOfOneKey).toBe(1);
    expect(mostAtOnce).toBe(2);
  });

  it('retries a failing key with a growing delay until it succeeds, then forgets its failures', async () => {
    const attempts: string[] = [];
    const delaysAsked: number[] = [];
    const queue = new KeyedQueue<string>({
      retryDelayMs: (failures) => {
        delaysAsked.push(failures);
        return 1;
      },
      process: async (key, item) => {
        attempts.push(`${key}:${item}`);
        if (attempts.length <= 2) throw new Error('Temporal is unavailable');
      },
    });
    queue.add('a', 'v1');
    await queue.idle();
    expect(attempts).toEqual(['a:v1', 'a:v1', 'a:v1']);
    expect(delaysAsked).toEqual([1, 2]);
    expect(queue.failuresOf('a')).toBe(0);
  });

  it('processes a newer item of a failed key at once instead of waiting for the retry', async () => {
    const attempts: string[] = [];
    const queue = new KeyedQueue<string>({
      retryDelayMs: () => 3_600_000,
      process: async (_key, item) => {
        attempts.push(item);
        if (item === 'v1') throw new Error('refused');
      },
    });
    queue.add('a', 'v1');
    await tick();
    expect(queue.failuresOf('a')).toBe(1);
    queue.add('a', 'v2');
    await queue.idle();
    expect(attempts).toEqual(['v1', 'v2']);
  });

  it('on shutDown drops what waits, lets the running key finish and takes nothing more', async () => {
    const processed: string[] = [];
    const first = gate();
    const queue = new KeyedQueue<string>({
      concurrency: 1,
      process: async (key) => {
        if (key === 'a') await first.promise;
        processed.push(key);
      },
    });
    queue.add('a', 'a');
    queue.add('b', 'b');
    const stopped = queue.shutDown();
    queue.add('c', 'c');
    first.open();
    await stopped;
    expect(processed).toEqual(['a']);
    expect(queue.length).toBe(0);
  });

  it('backs off exponentially up to its cap', () => {
    const delay = exponentialBackoff(500, 5_000);
    expect([1, 2, 3, 4, 5, 6, 20].map(delay)).toEqual([500, 1_000, 2_000, 4_000, 5_000, 5_000, 5_000]);
  });
});
