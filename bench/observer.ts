import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { ConditionType, group, version, type FileSystemObject } from '../src/api/filesystem';

/** What one object went through, as its watch events told it (epoch ms, this process's clock). */
export interface ObjectTimeline {
  name: string;
  uid?: string;
  /** When the create request was sent, and when the API server answered it. */
  sentAt?: number;
  appliedAt?: number;
  /** First status saying the file system is `creating`: the user's first feedback. */
  creatingAt?: number;
  /** First ACK.ResourceSynced=True. */
  syncedAt?: number;
  /** MODIFIED events up to the first ACK.ResourceSynced=True: finalizer and status writes. */
  writesUntilSynced: number;
  /** ACK.Recoverable=True seen at some point: an error was shown to the user. */
  sawRecoverable: boolean;
}

/** A list of the namespace's objects and the version it was taken at. */
export type ListObjects = () => Promise<{ items: FileSystemObject[]; resourceVersion: string }>;

/**
 * Watches the FileSystem objects of one namespace and records when each reached which state. A
 * watch is timed to the event, unlike a list loop, and counts every write the orchestrator makes.
 * When the watch ends or its version expires (410), a fresh list picks up where it stood.
 */
export class ObjectObserver {
  readonly timelines = new Map<string, ObjectTimeline>();
  /** Times the watch had to be restarted from a list (writes during the gap are not counted). */
  relists = 0;
  private controller?: AbortController;
  private stopped = false;
  private failure?: Error;
  private readonly path: string;

  constructor(
    private readonly kc: KubeConfig,
    namespace: string,
    private readonly list: ListObjects,
  ) {
    this.path = `/apis/${group}/${version}/namespaces/${namespace}/filesystems`;
  }

  async start(): Promise<void> {
    await this.listAndWatch();
  }

  stop(): void {
    this.stopped = true;
    this.controller?.abort();
  }

  timeline(name: string): ObjectTimeline {
    let found = this.timelines.get(name);
    if (!found) {
      found = { name, writesUntilSynced: 0, sawRecoverable: false };
      this.timelines.set(name, found);
    }
    return found;
  }

  synced(): ObjectTimeline[] {
    return [...this.timelines.values()].filter((t) => t.syncedAt !== undefined);
  }

  /** Resolves true once `count` objects are synced, or false when `timeoutMs` passes first. */
  async waitForSynced(count: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.synced().length < count) {
      if (this.failure) throw this.failure;
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 100));
    }
    return true;
  }

  /** Names of the objects not synced yet. */
  unsynced(): string[] {
    return [...this.timelines.values()].filter((t) => t.syncedAt === undefined).map((t) => t.name);
  }

  private async listAndWatch(): Promise<void> {
    const { items, resourceVersion } = await this.list();
    for (const obj of items) this.onEvent('LISTED', obj);
    let ended = false;
    const restart = (why: string): void => {
      // One restart per watch, whichever of its error event and its end comes first.
      if (this.stopped || ended) return;
      ended = true;
      this.controller?.abort();
      this.relists++;
      this.listAndWatch().catch((err: unknown) => {
        this.failure = new Error(`the object watch ended (${why}) and could not restart: ${String(err)}`);
      });
    };
    this.controller = await new Watch(this.kc).watch(
      this.path,
      { resourceVersion, allowWatchBookmarks: true },
      (phase: string, obj: FileSystemObject & { code?: number; message?: string }) => {
        if (phase === 'ERROR') restart(`${obj.code ?? ''} ${obj.message ?? ''}`);
        else this.onEvent(phase, obj);
      },
      (err: unknown) => restart(String(err ?? 'closed by the server')),
    );
  }

  /** `LISTED` is an object seen in a list: its state counts, but it is no write. */
  private onEvent(phase: string, obj: FileSystemObject): void {
    const now = Date.now();
    if (phase === 'BOOKMARK' || phase === 'DELETED') return;
    const t = this.timeline(obj.metadata.name);
    t.uid ??= obj.metadata.uid;
    if (phase === 'MODIFIED' && t.syncedAt === undefined) t.writesUntilSynced++;
    const conditions = obj.status?.conditions ?? [];
    if (t.creatingAt === undefined && obj.status?.lifeCycleState === 'creating') t.creatingAt = now;
    if (conditions.some((c) => c.type === ConditionType.recoverable && c.status === 'True')) t.sawRecoverable = true;
    if (t.syncedAt === undefined && conditions.some((c) => c.type === ConditionType.synced && c.status === 'True')) {
      t.syncedAt = now;
    }
  }
}
