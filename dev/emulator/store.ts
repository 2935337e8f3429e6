/**
 * Everything the emulator remembers: file systems, mount targets, access points, and the admin
 * overrides for how long the next file systems stay `creating`. Lookups are scoped to the caller's
 * Region and account; `settleAll` applies the lifecycle transitions that are due.
 */
import { accessPointNotFound, fileSystemNotFound, mountTargetNotFound } from './errors';
import {
  type AccessPointRecord,
  type EmulatorConfig,
  type FileSystemRecord,
  type MountTargetRecord,
  type ReplicationRecord,
  type Scope,
  settle,
} from './model';
import { type Random, randomHex } from './random';

/** How long one or more future file systems stay `creating`; `delayMs: null` holds them until set by hand. */
export interface CreateDelayOverride {
  /** Applies to the next create with this token (consumed by it). */
  creationToken?: string;
  /** Applies to this many next creates (any token). */
  remaining?: number;
  delayMs: number | null;
}

export type IdLength = 'LONG_ID' | 'SHORT_ID';

export class EmulatorStore {
  readonly fileSystems = new Map<string, FileSystemRecord>();
  readonly mountTargets = new Map<string, MountTargetRecord>();
  readonly accessPoints = new Map<string, AccessPointRecord>();
  /** Replication configurations, by source file system id. */
  readonly replications = new Map<string, ReplicationRecord>();
  createDelayOverrides: CreateDelayOverride[] = [];
  /** PutAccountPreferences: 17-hex (LONG_ID) or 8-hex (SHORT_ID) ids for new resources. */
  idLength: IdLength = 'LONG_ID';
  private sequence = 0;

  constructor(private readonly random: Random) {}

  nextSeq(): number {
    return ++this.sequence;
  }

  newId(prefix: 'fs' | 'fsmt' | 'fsap' | 'eni'): string {
    const length = this.idLength === 'SHORT_ID' && prefix !== 'eni' ? 8 : 17;
    return `${prefix}-${randomHex(this.random, length)}`;
  }

  /** Applies due transitions; mount targets first, so a file system never outlives its removal. */
  settleAll(now: number): void {
    for (const [id, mt] of this.mountTargets) if (settle(mt.lifecycle, now)) this.mountTargets.delete(id);
    for (const [id, ap] of this.accessPoints) if (settle(ap.lifecycle, now)) this.accessPoints.delete(id);
    for (const [id, replication] of this.replications) if (settle(replication.lifecycle, now)) this.endReplication(id);
    for (const [id, fs] of this.fileSystems) if (settle(fs.lifecycle, now)) this.removeFileSystem(id);
  }

  /** The replication configuration a file system is the source or the destination of. */
  replicationOf(fileSystemId: string): ReplicationRecord | undefined {
    return (
      this.replications.get(fileSystemId) ??
      [...this.replications.values()].find((r) => r.destination.fileSystemId === fileSystemId)
    );
  }

  /** A deleted replication frees its destination: writable again, overwrite protection back on. */
  private endReplication(sourceId: string): void {
    const replication = this.replications.get(sourceId);
    this.replications.delete(sourceId);
    const destination = replication && this.fileSystems.get(replication.destination.fileSystemId);
    if (destination) destination.replicationOverwriteProtection = 'ENABLED';
  }

  /** A file system and everything that belongs to it. */
  removeFileSystem(id: string): void {
    this.fileSystems.delete(id);
    for (const [mtId, mt] of this.mountTargets) if (mt.fileSystemId === id) this.mountTargets.delete(mtId);
    for (const [apId, ap] of this.accessPoints) if (ap.fileSystemId === id) this.accessPoints.delete(apId);
  }

  clear(): void {
    this.fileSystems.clear();
    this.mountTargets.clear();
    this.accessPoints.clear();
    this.replications.clear();
    this.createDelayOverrides = [];
    this.idLength = 'LONG_ID';
  }

  fileSystemsIn(scope: Scope): FileSystemRecord[] {
    return [...this.fileSystems.values()].filter((fs) => inScope(fs, scope));
  }

  fileSystem(scope: Scope, id: string): FileSystemRecord {
    const fs = this.fileSystems.get(id);
    if (!fs || !inScope(fs, scope)) throw fileSystemNotFound(id);
    return fs;
  }

  fileSystemByToken(scope: Scope, creationToken: string): FileSystemRecord | undefined {
    return this.fileSystemsIn(scope).find((fs) => fs.creationToken === creationToken);
  }

  mountTarget(scope: Scope, id: string): MountTargetRecord {
    const mt = this.mountTargets.get(id);
    if (!mt || !inScope(mt, scope)) throw mountTargetNotFound(id);
    return mt;
  }

  mountTargetsOf(fileSystemId: string): MountTargetRecord[] {
    return [...this.mountTargets.values()].filter((mt) => mt.fileSystemId === fileSystemId);
  }

  mountTargetsIn(scope: Scope): MountTargetRecord[] {
    return [...this.mountTargets.values()].filter((mt) => inScope(mt, scope));
  }

  accessPoint(scope: Scope, id: string): AccessPointRecord {
    const ap = this.accessPoints.get(id);
    if (!ap || !inScope(ap, scope)) throw accessPointNotFound(id);
    return ap;
  }

  accessPointsIn(scope: Scope): AccessPointRecord[] {
    return [...this.accessPoints.values()].filter((ap) => inScope(ap, scope));
  }

  /** The creating delay for a new file system, consuming the override that applies, if any. */
  takeCreateDelay(creationToken: string, defaultDelayMs: number): number | null {
    const byToken = this.createDelayOverrides.findIndex((o) => o.creationToken === creationToken);
    if (byToken >= 0) {
      const [override] = this.createDelayOverrides.splice(byToken, 1);
      return (override as CreateDelayOverride).delayMs;
    }
    const next = this.createDelayOverrides.find((o) => o.creationToken === undefined && (o.remaining ?? 0) > 0);
    if (next) {
      next.remaining = (next.remaining ?? 1) - 1;
      if (next.remaining <= 0) this.createDelayOverrides = this.createDelayOverrides.filter((o) => o !== next);
      return next.delayMs;
    }
    return defaultDelayMs;
  }
}

function inScope(record: { region: string; ownerId: string }, scope: Scope): boolean {
  return record.region === scope.region && record.ownerId === scope.accountId;
}

/** What every operation handler gets: the store, the settings, the caller's scope and the time. */
export interface OperationContext {
  store: EmulatorStore;
  config: EmulatorConfig;
  scope: Scope;
  now: number;
}
