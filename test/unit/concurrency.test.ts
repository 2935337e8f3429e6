import { forEachConcurrently } from '../../src/shared/concurrency';

describe('forEachConcurrently', () => {
  test('runs every item once, never more than the limit at the same time', async () => {
    const seen: number[] = [];
    let running = 0;
    let most = 0;
    await forEachConcurrently(
      Array.from({ length: 25 }, (_, i) => i),
      4,
      async (item) => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setImmediate(resolve));
        seen.push(item);
        running--;
      },
    );
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(most).toBe(4);
  });

  test('an empty list does nothing, and a failure rejects after the rest ran', async () => {
    await expect(forEachConcurrently([], 8, async () => Promise.reject(new Error('never')))).resolves.toBeUndefined();
    const done: number[] = [];
    await expect(
      forEachConcurrently([1, 2, 3], 2, async (item) => {
        if (item === 1) throw new Error('item 1 failed');
        done.push(item);
      }),
    ).rejects.toThrow('item 1 failed');
    expect(done).toEqual([2, 3]);
  });
});
