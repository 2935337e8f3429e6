import { type KubeConfig } from '@kubernetes/client-node';
import { companionKinds, kinds } from '../api/kinds';
import { FieldExportRouter } from './field-exports';
import { type KubeObject } from '../api/object';
import { syncStateOf } from '../metrics/sync-state';
import { type Logger } from '../shared/log';
import { exponentialBackoff, KeyedQueue } from './keyed-queue';
import { readOnlyObjects, type ReadOnlyObjects, type WatchScope } from './read-only-objects';
import { fingerprintOf, signalDeleted, signalObject, type SignallerOptions } from './signaller';

export interface WatcherOptions extends SignallerOptions {
  /** The objects watched, read-only: the watcher holds nothing that can write to Kubernetes. */
  objects: ReadOnlyObjects;
  log: Logger;
  /** Each watch is bounded to this long, then the objects are listed again (periodic relist). */
  relistIntervalSeconds: number;
  /** Delay before a failed signal of an object is retried, by consecutive failures; default 0.5 s doubling to 5 s. */
  signalRetryDelayMs?: (failures: number) => number;
  /** Sees every listed or watched object, status-only changes included (FieldExports follow their sources). */
  onObject?: (phase: Delivery['kind'], obj: KubeObject) => void;
}

/** What one object needs: a signal with its latest snapshot, or the news that it is gone. */
interface Delivery {
  obj: KubeObject;
  kind: 'sync' | 'deleted';
}

const minBackoffMs = 1_000;
const maxBackoffMs = 30_000;

/**
 * Lists and watches the objects of one kind and keeps one workflow per object informed. It
 * supervises itself: any watch failure (API server restart, 410 Gone, a silently dead connection)
 * leads to a relist after a capped, jittered backoff; a 429 (the API server's storage is still
 * initializing, or it sheds load) is waited out without counting as a failure. Events go through
 * a keyed queue: however many arrive for an object while it waits, only its latest snapshot is
 * signalled, one signal per object at a time; a signal that fails (Temporal unavailable) is
 * retried with backoff until it succeeds, so no change is dropped.
 */
export class ObjectWatcher {
  /** Last signalled fingerprint per uid: repeated or status-only events cost nothing. */
  private readonly signalled = new Map<string, string>();
  private readonly queue: KeyedQueue<Delivery>;
  private abortWatch?: AbortController;
  private stopped = false;
  private wake?: () => void;
  readonly stats = { lists: 0, watchEvents: 0, restarts: 0, signals: 0, signalFailures: 0 };
  /** Sync state of each listed or watched object, by uid, as its conditions say (for metrics). */
  private readonly syncStates = new Map<string, string>();

  constructor(private readonly options: WatcherOptions) {
    this.queue = new KeyedQueue<Delivery>({
      process: (_uid, delivery) => this.deliver(delivery),
      // Short: a signal fails while Temporal is unreachable, and should land soon after it is back.
      retryDelayMs: options.signalRetryDelayMs ?? exponentialBackoff(500, 5_000),
    });
  }

  /** Runs until stop(). */
  async run(): Promise<void> {
    let backoff = minBackoffMs;
    let waitingForServer = false;
    while (!this.stopped) {
      try {
        await this.listAndWatch();
        backoff = minBackoffMs;
        waitingForServer = false;
      } catch (err) {
        if (this.stopped) break;
        const retryAfter = tooManyRequestsDelayMs(err);
        if (retryAfter !== undefined) {
          // Not a failed watch: client-go's reflector also just waits and tries again on a 429.
          const level = waitingForServer ? 'debug' : 'info';
          this.options.log[level]('the Kubernetes API asks to wait (429); listing again after it', {
            reason: describe(err),
            retryInMs: retryAfter,
          });
          waitingForServer = true;
          await this.sleep(retryAfter);
          continue;
        }
        this.stats.restarts++;
        const delay = backoff / 2 + Math.random() * (backoff / 2);
        this.options.log.warn('watch failed; listing again after a backoff', {
          error: err,
          retryInMs: Math.round(delay),
        });
        await this.sleep(delay);
        backoff = Math.min(maxBackoffMs, backoff * 2);
      }
    }
    await this.queue.shutDown();
  }

  get kind(): string {
    return this.options.objects.kind;
  }

  /** How many of the watched objects are in each sync state. */
  objectsBySyncState(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const state of this.syncStates.values()) counts[state] = (counts[state] ?? 0) + 1;
    return counts;
  }

  /** Resolves when every event seen so far has been signalled (or is waiting for nothing). */
  settled(): Promise<void> {
    return this.queue.idle();
  }

  stop(): void {
    this.stopped = true;
    this.abortWatch?.abort();
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async listAndWatch(): Promise<void> {
    const { items, resourceVersion } = await this.options.objects.list();
    this.stats.lists++;
    const present = new Set(items.map((o) => o.metadata.uid));
    for (const uid of this.signalled.keys()) if (!present.has(uid)) this.signalled.delete(uid);
    this.syncStates.clear();
    for (const obj of items) this.syncStates.set(obj.metadata.uid, syncStateOf(obj));
    for (const obj of items) this.enqueue(obj, 'sync');
    this.options.log.debug('listed objects', { count: items.length, resourceVersion });
    await this.watchFrom(resourceVersion);
  }

  /** Resolves when the bounded watch ends normally (time to relist); rejects on failure. */
  private async watchFrom(resourceVersion: string): Promise<void> {
    const { relistIntervalSeconds } = this.options;
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (err?: unknown): void => {
        if (settled) return;
        settled = true;
        clearTimeout(watchdog);
        this.abortWatch?.abort();
        if (err && !this.stopped) reject(err instanceof Error ? err : new Error(String(err)));
        else resolve();
      };
      // The server ends the watch after timeoutSeconds; if the connection died silently, this does.
      const watchdog = setTimeout(
        () => finish(new Error('watch went silent; restarting')),
        (relistIntervalSeconds + 30) * 1000,
      );
      this.options.objects
        .watch(
          resourceVersion,
          relistIntervalSeconds,
          (phase, obj) => {
            this.stats.watchEvents++;
            if (phase === 'ADDED' || phase === 'MODIFIED') {
              this.syncStates.set(obj.metadata.uid, syncStateOf(obj));
              this.enqueue(obj, 'sync');
            } else if (phase === 'DELETED') {
              this.syncStates.delete(obj.metadata.uid);
              this.enqueue(obj, 'deleted');
            } else if (phase === 'ERROR') {
              const error = Object.assign(
                new Error(`watch error ${obj.code ?? ''}: ${obj.message ?? 'unknown'} (relisting)`),
                { code: obj.code },
              );
              finish(error);
            }
          },
          (err) => finish(err ?? undefined),
        )
        .then((controller) => {
          this.abortWatch = controller;
          if (settled) controller.abort();
        }, finish);
    });
  }

  /** The latest snapshot of an object replaces any older one still waiting to be signalled. */
  private enqueue(obj: KubeObject, kind: Delivery['kind']): void {
    this.options.onObject?.(kind, obj);
    this.queue.add(obj.metadata.uid, { obj, kind });
  }

  private async deliver({ obj, kind }: Delivery): Promise<void> {
    const uid = obj.metadata.uid;
    const fingerprint = kind === 'deleted' ? 'deleted' : fingerprintOf(obj);
    if (this.signalled.get(uid) === fingerprint) return;
    try {
      if (kind === 'deleted') await signalDeleted(this.options, this.kind, obj);
      else await signalObject(this.options, this.kind, obj);
    } catch (err) {
      this.stats.signalFailures++;
      this.options.log.warn('could not signal the workflow; will retry', {
        namespace: obj.metadata.namespace,
        name: obj.metadata.name,
        uid,
        error: err,
        failures: this.queue.failuresOf(uid) + 1,
      });
      throw err;
    }
    this.stats.signals++;
    if (kind === 'deleted') this.signalled.delete(uid);
    else this.signalled.set(uid, fingerprint);
    this.options.log.debug('signalled workflow', {
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      uid,
      kind,
    });
  }
}

/** How long a 429 answer (from a list or a watch) asks to wait, or undefined for any other error. */
export function tooManyRequestsDelayMs(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown; headers?: Record<string, string> } | undefined;
  if (e?.code !== 429 && e?.statusCode !== 429) return undefined;
  const seconds = Number(e.headers?.['retry-after']);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 30) * 1000 : 1000;
}

function describe(err: unknown): string {
  const body = (err as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      return (JSON.parse(body) as { message?: string }).message ?? body;
    } catch {
      return body;
    }
  }
  return err instanceof Error ? err.message : String(err);
}

export interface WatchersOptions extends Omit<WatcherOptions, 'objects'>, WatchScope {
  kc: KubeConfig;
}

/**
 * One watcher per managed kind (FileSystem, MountTarget, AccessPoint) and one for FieldExports,
 * sharing one Temporal client; the FieldExport router hears all of them.
 */
export function watchersForAllKinds(options: WatchersOptions): ObjectWatcher[] {
  const { kc, namespace, labelSelector, ...rest } = options;
  const router = new FieldExportRouter({ client: options.client, log: options.log.child({ kind: 'FieldExport' }) });
  const watcherOf = (kind: string, onObject: WatcherOptions['onObject']): ObjectWatcher =>
    new ObjectWatcher({
      ...rest,
      objects: readOnlyObjects(kc, kind, { namespace, labelSelector }),
      log: options.log.child({ kind }),
      onObject,
    });
  return [
    ...Object.keys(kinds).map((kind) => watcherOf(kind, (phase, obj) => router.observeSource(kind, phase, obj))),
    ...Object.keys(companionKinds).map((kind) =>
      watcherOf(kind, (phase, obj) => router.observeFieldExport(phase, obj)),
    ),
  ];
}
