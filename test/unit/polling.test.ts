import { describe, expect, it } from '@jest/globals';
import { pollDelayMs, retryDelayMs } from '../../src/domain/polling';

const second = 1_000;
const minute = 60 * second;
const hour = 60 * minute;

describe('pollDelayMs', () => {
  it('polls every 1-3 s during the first three minutes (most file systems are ready in seconds)', () => {
    let shortest = Infinity;
    let longest = 0;
    for (let index = 0; index <= 300; index++) {
      for (let elapsed = 0; elapsed < 3 * minute; elapsed += 250) {
        const delay = pollDelayMs(index, elapsed);
        shortest = Math.min(shortest, delay);
        longest = Math.max(longest, delay);
      }
    }
    expect(shortest).toBe(second);
    expect(longest).toBe(3 * second);
  });

  it('starts at about a second and grows with each poll', () => {
    expect(pollDelayMs(0, 0)).toBe(second);
    let previous = 0;
    for (let index = 0; index < 50; index++) {
      const delay = pollDelayMs(index, 10 * second);
      expect(delay).toBeGreaterThanOrEqual(previous);
      previous = delay;
    }
    expect(previous).toBe(3 * second);
  });

  it('never waits more than a minute, however long the wait has been', () => {
    for (const index of [0, 1, 10, 1_000, 1_000_000]) {
      for (const elapsed of [
        0,
        minute,
        3 * minute,
        10 * minute,
        hour,
        24 * hour,
        365 * 24 * hour,
        Number.MAX_SAFE_INTEGER,
      ]) {
        const delay = pollDelayMs(index, elapsed);
        expect(Number.isFinite(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(second);
        expect(delay).toBeLessThanOrEqual(minute);
      }
    }
  });

  it('is monotone non-decreasing in elapsed time for a given poll index', () => {
    const decreases: string[] = [];
    for (const index of [0, 1, 2, 4, 5, 10, 100]) {
      let previous = 0;
      for (let elapsed = 0; elapsed <= 2 * hour; elapsed += second) {
        const delay = pollDelayMs(index, elapsed);
        if (delay < previous) decreases.push(`index ${index} at ${elapsed} ms: ${previous} -> ${delay}`);
        previous = delay;
      }
    }
    expect(decreases).toEqual([]);
  });

  it('widens for long waits (a stuck file system does not cost a call a second)', () => {
    expect(pollDelayMs(500, hour)).toBeGreaterThan(3 * second);
  });

  it('keeps an hour-long wait for one file system within a modest API budget, and never gives up', () => {
    let elapsed = 0;
    let polls = 0;
    while (elapsed < hour) {
      elapsed += pollDelayMs(polls, elapsed);
      polls++;
    }
    // ~10 DescribeFileSystems per second is the whole account's budget; one waiter must stay far below it.
    expect(polls).toBeLessThan(250);
    expect(polls).toBeGreaterThan(60);
    expect(pollDelayMs(polls, 30 * 24 * hour)).toBeGreaterThan(0);
  });
});

describe('retryDelayMs', () => {
  it('starts at 2 s and doubles', () => {
    expect(retryDelayMs(1)).toBe(2 * second);
    expect(retryDelayMs(2)).toBe(4 * second);
    expect(retryDelayMs(3)).toBe(8 * second);
  });

  it('treats zero (or fewer) failures as the first', () => {
    expect(retryDelayMs(0)).toBe(2 * second);
    expect(retryDelayMs(-3)).toBe(2 * second);
  });

  it('never waits more than thirty seconds, never less than two seconds, and never shrinks', () => {
    const delays = Array.from({ length: 2_001 }, (_, failures) => retryDelayMs(failures));
    expect(Math.min(...delays)).toBe(2 * second);
    expect(Math.max(...delays)).toBe(30 * second);
    expect(delays.every((delay, i) => i === 0 || delay >= (delays[i - 1] ?? 0))).toBe(true);
    expect(delays.at(-1)).toBe(30 * second);
  });
});
