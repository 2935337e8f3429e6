import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { SyncState } from '../domain/conditions';

/** What the metrics read from a watcher (ObjectWatcher fits): its kind, counters and its cache's sync states. */
export interface WatcherStatsSource {
  /** The kind it watches; FileSystem when it does not say. */
  readonly kind?: string;
  readonly stats: WatcherStats;
  objectsBySyncState(): Record<string, number>;
}

export interface WatcherStats {
  lists: number;
  watchEvents: number;
  restarts: number;
  signals: number;
  signalFailures: number;
}

const zeroStats = (): WatcherStats => ({ lists: 0, watchEvents: 0, restarts: 0, signals: 0, signalFailures: 0 });
const kindOf = (watcher: WatcherStatsSource): string => watcher.kind ?? 'FileSystem';

/**
 * Sums the counters of the watchers this process has run, by kind: a new watcher runs each time
 * the process becomes leader, and what earlier ones counted must not vanish from the totals.
 */
export class WatcherStatsTracker {
  private readonly retired = new Map<string, WatcherStats>();
  private readonly active = new Set<WatcherStatsSource>();

  attach(watcher: WatcherStatsSource): void {
    this.active.add(watcher);
    if (!this.retired.has(kindOf(watcher))) this.retired.set(kindOf(watcher), zeroStats());
  }

  detach(watcher: WatcherStatsSource): void {
    if (!this.active.delete(watcher)) return;
    add(this.retired.get(kindOf(watcher)) ?? zeroStats(), watcher.stats);
  }

  /** Totals by kind, of every watcher attached so far. */
  totals(): Map<string, WatcherStats> {
    const sums = new Map([...this.retired].map(([kind, stats]) => [kind, { ...stats }]));
    for (const watcher of this.active) add(sums.get(kindOf(watcher)) as WatcherStats, watcher.stats);
    return sums;
  }

  /** Objects by kind and sync state in the caches of the running watchers; all zero while not leading. */
  objectsBySyncState(): { kind: string; syncState: string; count: number }[] {
    const counts = new Map<string, Record<string, number>>();
    for (const kind of this.retired.keys()) {
      counts.set(kind, Object.fromEntries(Object.values(SyncState).map((s) => [s, 0])));
    }
    for (const watcher of this.active) {
      const byState = counts.get(kindOf(watcher)) as Record<string, number>;
      for (const [state, n] of Object.entries(watcher.objectsBySyncState())) byState[state] = (byState[state] ?? 0) + n;
    }
    return [...counts].flatMap(([kind, byState]) =>
      Object.entries(byState).map(([syncState, count]) => ({ kind, syncState, count })),
    );
  }
}

function add(into: WatcherStats, more: WatcherStats): void {
  for (const key of Object.keys(into) as (keyof WatcherStats)[]) into[key] += more[key];
}

/** Seconds from an object's creation to its first ACK.ResourceSynced=True: creation takes minutes in AWS. */
const timeToSyncedBuckets = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200];

/**
 * The orchestrator's own Prometheus metrics (the Temporal SDK serves its own on a second port).
 * One instance per process (`orchestratorMetrics`); tests may create their own.
 */
export class OrchestratorMetrics {
  readonly watchers = new WatcherStatsTracker();
  readonly efsCalls: Counter<'operation' | 'outcome'>;
  readonly efsThrottles: Counter<'operation'>;
  readonly efsCallDuration: Histogram<'operation'>;
  readonly timeToSynced: Histogram<'kind'>;
  readonly leader: Gauge<'lease'>;
  private defaultMetrics = false;

  constructor(readonly registry: Registry = new Registry()) {
    const registers = [registry];
    this.efsCalls = new Counter({
      name: 'efs_orchestrator_efs_calls_total',
      help: 'EFS API calls by operation and outcome (success, or the error name)',
      labelNames: ['operation', 'outcome'],
      registers,
    });
    this.efsThrottles = new Counter({
      name: 'efs_orchestrator_efs_throttles_total',
      help: 'EFS API calls AWS throttled, by operation',
      labelNames: ['operation'],
      registers,
    });
    this.efsCallDuration = new Histogram({
      name: 'efs_orchestrator_efs_call_duration_seconds',
      help: 'Duration of EFS API calls, by operation',
      labelNames: ['operation'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20],
      registers,
    });
    this.timeToSynced = new Histogram({
      name: 'efs_orchestrator_time_to_synced_seconds',
      help: 'Time from an object creation to its first ACK.ResourceSynced=True, by kind',
      labelNames: ['kind'],
      buckets: timeToSyncedBuckets,
      registers,
    });
    const watchers = this.watchers;
    new Gauge({
      name: 'efs_orchestrator_objects',
      help: 'Objects the leading watcher sees, by kind and sync state (zero on standbys)',
      labelNames: ['kind', 'sync_state'],
      registers,
      collect() {
        for (const { kind, syncState, count } of watchers.objectsBySyncState()) {
          this.set({ kind, sync_state: syncState }, count);
        }
      },
    });
    const watcherCounter = (name: string, help: string, key: keyof WatcherStats): void => {
      // What the counter already holds, by kind (reading it back here would collect again).
      const reported = new Map<string, number>();
      new Counter({
        name,
        help,
        labelNames: ['kind'],
        registers,
        collect() {
          for (const [kind, stats] of watchers.totals()) {
            const delta = Math.max(0, stats[key] - (reported.get(kind) ?? 0));
            // Incremented even by zero, so that a kind shows up before its first event.
            this.inc({ kind }, delta);
            reported.set(kind, (reported.get(kind) ?? 0) + delta);
          }
        },
      });
    };
    watcherCounter('efs_orchestrator_watcher_events_total', 'Watch events the watchers received', 'watchEvents');
    watcherCounter(
      'efs_orchestrator_watcher_restarts_total',
      'Times a watch failed and the watcher listed again after a backoff',
      'restarts',
    );
    watcherCounter('efs_orchestrator_watcher_lists_total', 'Full lists of the watched objects', 'lists');
    watcherCounter('efs_orchestrator_watcher_signals_total', 'Workflow signals the watchers sent', 'signals');
    watcherCounter(
      'efs_orchestrator_watcher_signal_failures_total',
      'Workflow signals that failed and were retried',
      'signalFailures',
    );
    this.leader = new Gauge({
      name: 'efs_orchestrator_leader',
      help: '1 while this process holds the watcher Lease, else 0',
      labelNames: ['lease'],
      registers,
    });
  }

  /** Process and Node.js metrics (CPU, memory, event loop lag), registered once, when served. */
  includeDefaultMetrics(): void {
    if (this.defaultMetrics) return;
    this.defaultMetrics = true;
    collectDefaultMetrics({ register: this.registry });
  }
}

export const orchestratorMetrics = new OrchestratorMetrics();
