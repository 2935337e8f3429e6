import { KindClient } from '../kube/client';
import { orchestratorMetrics, type OrchestratorMetrics } from './registry';
import { secondsSinceCreation, turnsSyncedFirstTime, type ObjectWithConditions } from './sync-state';

type PatchedObject = Parameters<KindClient['patchStatus']>[0];

/**
 * A KindClient whose status writes also time first syncs: when a write turns ACK.ResourceSynced
 * True for the first time, the object's age goes into the time-to-synced histogram (by kind). It
 * sees the object exactly as the status write's guard read it, so nothing is read twice.
 */
export class SyncTimingKindClient extends KindClient {
  constructor(
    inner: KindClient,
    private readonly metrics: OrchestratorMetrics = orchestratorMetrics,
    private readonly now: () => Date = () => new Date(),
  ) {
    super(inner.kc, inner.names);
  }

  override async patchStatus(
    obj: PatchedObject,
    status: Record<string, unknown>,
  ): ReturnType<KindClient['patchStatus']> {
    const written = await super.patchStatus(obj, status);
    const before = obj as ObjectWithConditions;
    if (turnsSyncedFirstTime(before, status as ObjectWithConditions['status'])) {
      const seconds = secondsSinceCreation(before, this.now());
      if (seconds !== undefined) this.metrics.timeToSynced.observe({ kind: this.names.kind }, seconds);
    }
    return written;
  }
}

/** Wraps a per-kind client factory so that every kind's status writes time first syncs; one client per kind. */
export function syncTimingClients(
  clientFor: (kind: string) => KindClient,
  metrics: OrchestratorMetrics = orchestratorMetrics,
): (kind: string) => KindClient {
  const clients = new Map<string, KindClient>();
  return (kind) => {
    let client = clients.get(kind);
    if (!client) {
      client = new SyncTimingKindClient(clientFor(kind), metrics);
      clients.set(kind, client);
    }
    return client;
  };
}
