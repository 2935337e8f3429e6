import { type KubeConfig } from '@kubernetes/client-node';
import { type FieldExportSpec } from '../api/fieldexport';
import { ConditionType } from '../api/filesystem';
import { type ObjectRef } from '../api/workflow-contract';
import { RecoverableError, TerminalError } from '../domain/errors';
import { exportPlan, isForThisController, valueAt } from '../domain/fieldexport';
import { describeFieldErrors } from '../domain/validate';
import { writeExportTarget } from '../kube/export-targets';
import { type Logger } from '../shared/log';
import { classified } from './failures';
import { type ObjectClients } from './objects';

/** How long an export waits before it looks again at a source or target that is not there yet. */
const exportRetryMs = 5_000;

/** What an export did, in words (the value itself is never returned: it may land in a Secret). */
export interface ExportResult {
  /** `not-ours`: a FieldExport of another ACK controller's group, left alone. */
  outcome: 'written' | 'unchanged' | 'not-ours';
  message: string;
}

/**
 * The one activity of a FieldExport: read the source object, take the value at the path, write
 * it into the ConfigMap or Secret key when it differs. Idempotent: a retry reads everything again.
 */
export function createFieldExportActivities(deps: { kc: KubeConfig; clientFor: ObjectClients; log: Logger }) {
  return {
    async exportField(ref: ObjectRef, spec: FieldExportSpec | undefined): Promise<ExportResult> {
      return classified(async () => {
        if (!isForThisController(spec)) {
          return {
            outcome: 'not-ours',
            message: `the source's group ${spec?.from?.resource?.group ?? ''} belongs to another controller`,
          };
        }
        const plan = exportPlan(spec, ref.namespace, ref.name);
        if (Array.isArray(plan)) throw new TerminalError('InvalidSpec', describeFieldErrors(plan));
        const { source, target } = plan;
        const where = `${source.kind} ${ref.namespace}/${source.name}`;
        const obj = await deps.clientFor(source.kind).getByName(ref.namespace, source.name);
        if (!obj) throw new RecoverableError('SourceNotFound', `${where} does not exist yet`, exportRetryMs);
        const synced = obj.status?.conditions?.find((c) => c.type === ConditionType.synced)?.status === 'True';
        if (!synced) throw new RecoverableError('SourceNotSynced', `${where} is not synced yet`, exportRetryMs);
        const found = valueAt(obj, plan.path);
        if ('missing' in found) {
          throw new TerminalError('PathNotFound', `${spec?.from?.path ?? ''} of ${where}: ${found.missing}`);
        }
        const into = `${target.kind === 'configmap' ? 'ConfigMap' : 'Secret'} ${target.namespace}/${target.name}`;
        const result = await writeExportTarget(deps.kc, target, found.value);
        if (result === 'missing') {
          throw new RecoverableError(
            'TargetNotFound',
            `${into} does not exist; create it (an export writes into an existing ${target.kind === 'configmap' ? 'ConfigMap' : 'Secret'}, as in ACK)`,
            exportRetryMs,
          );
        }
        const message = `${spec?.from?.path ?? ''} of ${where} is exported to ${into} key ${target.key}`;
        if (result === 'written') deps.log.info('exported a field', { ...ref, into, key: target.key });
        return { outcome: result, message };
      });
    },
  };
}

export type FieldExportActivities = ReturnType<typeof createFieldExportActivities>;
