import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { type FieldExportSpec } from '../api/fieldexport';
import { type KubeObject } from '../api/object';
import { resyncSignal, workflowIdFor } from '../api/workflow-contract';
import { type Logger } from '../shared/log';
import { refOf } from './signaller';

/**
 * Keeps FieldExports current: remembers which object each FieldExport reads (from the FieldExport
 * watcher's events) and, when the watcher of a source kind sees that object change (its status
 * included, which the kind watchers otherwise ignore), asks those FieldExports' workflows to
 * export again (the resync signal). It only signals: the export, and every write, is the workflow's.
 */
export class FieldExportRouter {
  /** FieldExport uid -> the source it reads ("kind/namespace/name", kind in lower case) and the FieldExport. */
  private readonly exports = new Map<string, { source: string; obj: KubeObject }>();
  /** Source uid -> what of it was last seen, so a relist of unchanged objects costs nothing. */
  private readonly seen = new Map<string, string>();
  readonly stats = { signals: 0, signalFailures: 0 };

  constructor(private readonly options: { client: Client; log: Logger }) {}

  /** From the FieldExport watcher: each listed, added, changed or deleted FieldExport. */
  observeFieldExport(phase: 'sync' | 'deleted', obj: KubeObject): void {
    if (phase === 'deleted') {
      this.exports.delete(obj.metadata.uid);
      return;
    }
    const resource = (obj.spec as FieldExportSpec | undefined)?.from?.resource;
    this.exports.set(obj.metadata.uid, {
      source: sourceKey(resource?.kind ?? '', obj.metadata.namespace, resource?.name ?? ''),
      obj,
    });
  }

  /** From a source kind's watcher: each listed, added, changed or deleted object of that kind. */
  observeSource(kind: string, phase: 'sync' | 'deleted', obj: KubeObject): void {
    const uid = obj.metadata.uid;
    const source = sourceKey(kind, obj.metadata.namespace, obj.metadata.name);
    const readers = [...this.exports.values()].filter((e) => e.source === source).map((e) => e.obj);
    // Only sources that some FieldExport reads are remembered (a new export reads its source itself).
    if (readers.length === 0 || phase === 'deleted') this.seen.delete(uid);
    if (readers.length === 0) return;
    const fingerprint = phase === 'deleted' ? 'deleted' : JSON.stringify([obj.spec, obj.status]);
    if (this.seen.get(uid) === fingerprint) return;
    if (phase !== 'deleted') this.seen.set(uid, fingerprint);
    for (const fieldExport of readers) void this.signal(fieldExport);
  }

  private async signal(fieldExport: KubeObject): Promise<void> {
    const handle = this.options.client.workflow.getHandle(workflowIdFor('FieldExport', refOf(fieldExport)));
    try {
      await handle.signal(resyncSignal);
      this.stats.signals++;
    } catch (err) {
      // Not started yet: its first export reads the source anyway. Else the periodic export catches up.
      if (err instanceof WorkflowNotFoundError) return;
      this.stats.signalFailures++;
      this.options.log.warn('could not ask a FieldExport to export again', {
        namespace: fieldExport.metadata.namespace,
        name: fieldExport.metadata.name,
        error: err,
      });
    }
  }
}

/** ACK matches the source kind case-insensitively. */
function sourceKey(kind: string, namespace: string, name: string): string {
  return `${kind.toLowerCase()}/${namespace}/${name}`;
}
