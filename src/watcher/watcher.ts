import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { group, version } from '../api/filesystem';
import { kindInfo, kinds } from '../api/kinds';
import { type KubeObject } from '../api/object';
import { KindClient } from '../kube/client';
import { syncStateOf } from '../metrics/sync-state';
import { type Logger } from '../shared/log';
import { fingerprintOf, signalDeleted, signalObject, type SignallerOptions } from './signaller';

export interface WatcherOptions extends SignallerOptions {
  kc: KubeConfig;
  /** The kind watched, e.g. FileSystem. */
  kind: string;
  log: Logger;
  /** Kubernetes namespace to watch; empty for all. */
  namespace: string;
  labelSelector: string;
  /** Each watch is bounded to this long, then the objects are listed again (periodic relist). */
  relistIntervalSeconds: number;
}

const minBackoffMs = 1_000;
const maxBackoffMs = 30_000;

/**
 * Lists and watches FileSystem objects and keeps one workflow per object informed. It supervises
 * itself: any watch failure (API server restart, 410 Gone, a silently dead connection) leads to a
 * relist after a capped, jittered backoff. A signal that fails (Temporal unavailable) is retried
 * until it succeeds, so no change is dropped.
 */
export class ObjectWatcher {
  private readonly objects: KindClient;
  /** Last signalled fingerprint per uid: repeated or status-only events cost nothing. */
  private readonly signalled = new Map<string, string>();
  /** Objects whose signal failed, by uid; retried on a timer. */
  private readonly retrying = new Map<string, { obj: KubeObject; kind: 'sync' | 'deleted' }>();
  private readonly chains = new Map<string, Promise<void>>();
  private abortWatch?: AbortController;
  private stopped = false;
  private retryTimer?: NodeJS.Timeout;
  private wake?: () => void;
  readonly stats = { lists: 0, watchEvents: 0, restarts: 0, signals: 0, signalFailures: 0 };
  /** Sync state of each listed or watched object, by uid, as its conditions say (for metrics). */
  private readonly syncStates = new Map<string, string>();

  constructor(private readonly options: WatcherOptions) {
    this.objects = new KindClient(options.kc, kindInfo(options.kind).names);
  }

  /** Runs until stop(). */
  async run(): Promise<void> {
    let backoff = minBackoffMs;
    while (!this.stopped) {
      try {
        await this.listAndWatch();
        backoff = minBackoffMs;
      } catch (err) {
        if (this.stopped) break;
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
    await Promise.all(this.chains.values());
  }

  get kind(): string {
    return this.options.kind;
  }

  /** How many of the watched objects are in each sync state. */
  objectsBySyncState(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const state of this.syncStates.values()) counts[state] = (counts[state] ?? 0) + 1;
    return counts;
  }

  stop(): void {
    this.stopped = true;
    this.abortWatch?.abort();
    if (this.retryTimer) clearTimeout(this.retryTimer);
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
    const { namespace, labelSelector } = this.options;
    const { items, resourceVersion } = await this.objects.list(namespace || undefined, labelSelector || undefined);
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
    const { namespace, labelSelector, relistIntervalSeconds } = this.options;
    const path = namespace
      ? `/apis/${group}/${version}/namespaces/${namespace}/${kindInfo(this.options.kind).names.plural}`
      : `/apis/${group}/${version}/${kindInfo(this.options.kind).names.plural}`;
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
      new Watch(this.options.kc)
        .watch(
          path,
          {
            resourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds: Math.max(1, Math.round(relistIntervalSeconds)),
            ...(labelSelector ? { labelSelector } : {}),
          },
          (phase: string, obj: KubeObject & { code?: number; message?: string }) => {
            this.stats.watchEvents++;
            if (phase === 'ADDED' || phase === 'MODIFIED') {
              this.syncStates.set(obj.metadata.uid, syncStateOf(obj));
              this.enqueue(obj, 'sync');
            } else if (phase === 'DELETED') {
              this.syncStates.delete(obj.metadata.uid);
              this.enqueue(obj, 'deleted');
            } else if (phase === 'ERROR') {
              finish(new Error(`watch error ${obj.code ?? ''}: ${obj.message ?? 'unknown'} (relisting)`));
            }
          },
          (err: unknown) => finish(err ?? undefined),
        )
        .then((controller) => {
          this.abortWatch = controller;
          if (settled) controller.abort();
        }, finish);
    });
  }

  /** Events of one object are handled in order; different objects in parallel. */
  private enqueue(obj: KubeObject, kind: 'sync' | 'deleted'): void {
    const uid = obj.metadata.uid;
    const previous = this.chains.get(uid) ?? Promise.resolve();
    const next = previous.then(() => this.deliver(obj, kind));
    this.chains.set(uid, next);
    void next.finally(() => {
      if (this.chains.get(uid) === next) this.chains.delete(uid);
    });
  }

  private async deliver(obj: KubeObject, kind: 'sync' | 'deleted'): Promise<void> {
    const uid = obj.metadata.uid;
    const fingerprint = kind === 'deleted' ? 'deleted' : fingerprintOf(obj);
    if (this.signalled.get(uid) === fingerprint) return;
    try {
      if (kind === 'deleted') await signalDeleted(this.options, this.options.kind, obj);
      else await signalObject(this.options, this.options.kind, obj);
      this.stats.signals++;
      this.retrying.delete(uid);
      if (kind === 'deleted') this.signalled.delete(uid);
      else this.signalled.set(uid, fingerprint);
      this.options.log.debug('signalled workflow', {
        namespace: obj.metadata.namespace,
        name: obj.metadata.name,
        uid,
        kind,
      });
    } catch (err) {
      this.stats.signalFailures++;
      this.options.log.warn('could not signal the workflow; will retry', {
        namespace: obj.metadata.namespace,
        name: obj.metadata.name,
        uid,
        error: err,
      });
      this.retrying.set(uid, { obj, kind });
      this.scheduleRetry();
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      for (const { obj, kind } of this.retrying.values()) this.enqueue(obj, kind);
    }, 2_000);
  }
}

/** One watcher per managed kind (FileSystem, MountTarget, AccessPoint), sharing one Temporal client. */
export function watchersForAllKinds(options: Omit<WatcherOptions, 'kind'>): ObjectWatcher[] {
  return Object.keys(kinds).map((kind) => new ObjectWatcher({ ...options, kind, log: options.log.child({ kind }) }));
}
