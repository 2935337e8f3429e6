/**
 * How long to wait before the next look at a resource that is not ready yet: about 1 s growing to
 * 3 s for the first three minutes (most file systems are ready in seconds), then wider, but never
 * more than a minute, and never giving up. Pure.
 */
export function pollDelayMs(pollIndex: number, elapsedMs: number): number {
  if (elapsedMs < 3 * 60_000) return Math.min(3_000, 1_000 + 500 * pollIndex);
  if (elapsedMs < 10 * 60_000) return 10_000;
  if (elapsedMs < 30 * 60_000) return 30_000;
  return 60_000;
}

/**
 * Backoff for a failed step the workflow retries itself: 2 s doubling to 30 s. Transient failures
 * (throttling) pass; a long backoff would leave objects minutes behind after a storm.
 */
export function retryDelayMs(failures: number): number {
  return Math.min(30_000, 2_000 * 2 ** Math.max(0, failures - 1));
}
