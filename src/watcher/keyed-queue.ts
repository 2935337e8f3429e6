/**
 * A work queue keyed by object, as client-go's workqueue: a key waits in the queue at most once
 * however many items arrive for it meanwhile, and processing takes the latest item only (older
 * snapshots of an object are never worth delivering). Keys are taken in the order they were
 * queued, up to `concurrency` at once, and never two items of one key at the same time: an item
 * that arrives while its key is processed waits until that ends. A failed key is retried after
 * a growing delay; a newer item arriving meanwhile is processed at once instead.
 */
export interface KeyedQueueOptions<T> {
  /** Handles the latest item of a key; a rejection has the key retried. */
  process: (key: string, item: T) => Promise<void>;
  /** How many keys are processed at once. */
  concurrency?: number;
  /** The delay before the retry after the n-th consecutive failure of a key (n >= 1). */
  retryDelayMs?: (failures: number) => number;
}

/** Doubling from `baseMs` up to `maxMs`: base, 2 base, 4 base, ... max. */
export function exponentialBackoff(baseMs: number, maxMs: number): (failures: number) => number {
  return (failures) => Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
}

export class KeyedQueue<T> {
  private readonly latest = new Map<string, T>();
  /** Keys waiting to be processed, in order; each at most once. */
  private readonly order: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Map<string, Promise<void>>();
  private readonly retryTimers = new Map<string, NodeJS.Timeout>();
  private readonly failures = new Map<string, number>();
  private idleWaiters: (() => void)[] = [];
  private stopped = false;
  private readonly concurrency: number;
  private readonly retryDelayMs: (failures: number) => number;

  constructor(private readonly options: KeyedQueueOptions<T>) {
    this.concurrency = options.concurrency ?? 8;
    this.retryDelayMs = options.retryDelayMs ?? exponentialBackoff(1_000, 30_000);
  }

  /** Makes `item` the one to process for `key`, replacing any item of it that still waits. */
  add(key: string, item: T): void {
    if (this.stopped) return;
    this.latest.set(key, item);
    const timer = this.retryTimers.get(key);
    if (timer) {
      clearTimeout(timer);
      this.retryTimers.delete(key);
    }
    this.enqueue(key);
  }

  /** Keys waiting to be processed (not those being processed or waiting for a retry). */
  get length(): number {
    return this.order.length;
  }

  /** Consecutive failures of a key so far (0 once it succeeded). */
  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Resolves when nothing is queued, processed or waiting for a retry. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Takes no more items, drops what waits, and resolves once the keys being processed are done. */
  async shutDown(): Promise<void> {
    this.stopped = true;
    for (const timer of this.retryTimers.values()) clearTimeout(timer);
    this.retryTimers.clear();
    this.order.length = 0;
    this.queued.clear();
    this.latest.clear();
    await Promise.all(this.processing.values());
    this.notifyIfIdle();
  }

  private enqueue(key: string): void {
    // A key being processed is queued again when it ends, if an item arrived meanwhile.
    if (this.queued.has(key) || this.processing.has(key)) return;
    this.queued.add(key);
    this.order.push(key);
    this.pump();
  }

  private pump(): void {
    while (!this.stopped && this.processing.size < this.concurrency && this.order.length > 0) {
      const key = this.order.shift() as string;
      this.queued.delete(key);
      const item = this.latest.get(key) as T;
      this.latest.delete(key);
      this.processing.set(key, this.run(key, item));
    }
  }

  private async run(key: string, item: T): Promise<void> {
    try {
      await this.options.process(key, item);
      this.failures.delete(key);
    } catch {
      const failures = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, failures);
      if (!this.stopped && !this.latest.has(key)) {
        this.latest.set(key, item);
        this.retryTimers.set(
          key,
          setTimeout(() => {
            this.retryTimers.delete(key);
            this.enqueue(key);
            this.notifyIfIdle();
          }, this.retryDelayMs(failures)),
        );
      }
    } finally {
      this.processing.delete(key);
      if (!this.stopped && this.latest.has(key) && !this.retryTimers.has(key)) this.enqueue(key);
      this.pump();
      this.notifyIfIdle();
    }
  }

  private isIdle(): boolean {
    return this.order.length === 0 && this.processing.size === 0 && this.retryTimers.size === 0;
  }

  private notifyIfIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
