import { describe, expect, test } from '@jest/globals';
import { TokenBucket } from '../../src/aws/rate-limit';

/** A clock that only moves when the bucket sleeps, so the test measures the schedule, not the machine. */
function fakeTime(): { now: () => number; sleep: (ms: number) => Promise<void>; slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
    slept,
  };
}

describe('TokenBucket', () => {
  test('a burst passes at once, then calls are spaced at the rate', async () => {
    const time = fakeTime();
    const bucket = new TokenBucket(10, 3, time.now, time.sleep);
    for (let i = 0; i < 6; i++) await bucket.take();
    expect(time.slept).toHaveLength(3);
    for (const ms of time.slept) expect(ms).toBeCloseTo(100, 5);
    expect(time.now()).toBeCloseTo(300, 5);
  });

  test('concurrent callers are served in order, one token each', async () => {
    const time = fakeTime();
    const bucket = new TokenBucket(5, 1, time.now, time.sleep);
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => bucket.take().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3]);
    expect(time.now()).toBeCloseTo(600, 5);
  });

  test('idle time refills the bucket, but never past its burst', async () => {
    const time = fakeTime();
    const bucket = new TokenBucket(10, 2, time.now, time.sleep);
    await bucket.take();
    await bucket.take();
    await time.sleep(10_000);
    time.slept.length = 0;
    await bucket.take();
    await bucket.take();
    await bucket.take();
    expect(time.slept).toHaveLength(1);
  });
});
