import { type EFSClient } from '@aws-sdk/client-efs';

/**
 * A token bucket: `ratePerSecond` tokens a second, at most `burst` saved up. EFS throttles per
 * account and Region across every caller, so the orchestrator spends its budget evenly instead of
 * turning a burst of objects into a throttling storm.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    private readonly now: () => number = () => Date.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Resolves when a token is available; callers are served in order. */
  take(): Promise<void> {
    const turn = this.queue.then(async () => {
      this.refill();
      if (this.tokens < 1) {
        await this.sleep(((1 - this.tokens) / this.ratePerSecond) * 1000);
        this.refill();
      }
      this.tokens -= 1;
    });
    this.queue = turn;
    return turn;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
  }
}

/** Every EFS call of this client waits for a token first (0 requests per second: no limit). */
export function rateLimitEfsClient(client: EFSClient, requestsPerSecond: number): void {
  if (!(requestsPerSecond > 0)) return;
  const bucket = new TokenBucket(requestsPerSecond, Math.max(1, Math.ceil(requestsPerSecond * 2)));
  client.middlewareStack.add(
    (next) => async (args) => {
      await bucket.take();
      return next(args);
    },
    { step: 'initialize', name: 'efsOrchestratorRateLimit' },
  );
}
