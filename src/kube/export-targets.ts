import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { type FieldExportTargetKind } from '../api/fieldexport';
import { mergePatch } from './client';

/**
 * The ConfigMaps and Secrets FieldExports write into: one key read and, when it differs, set by a
 * merge patch that touches nothing else (other keys, labels and owners stay as they are). The
 * object must exist: as in ACK, an export never creates one.
 */
export interface ExportTarget {
  kind: FieldExportTargetKind;
  namespace: string;
  name: string;
  key: string;
}

export type ExportWriteResult = 'written' | 'unchanged' | 'missing';

export async function writeExportTarget(
  kc: KubeConfig,
  target: ExportTarget,
  value: string,
): Promise<ExportWriteResult> {
  const core = kc.makeApiClient(CoreV1Api);
  const { namespace, name, key } = target;
  try {
    if (target.kind === 'configmap') {
      const current = await core.readNamespacedConfigMap({ name, namespace });
      if (current.data?.[key] === value) return 'unchanged';
      await core.patchNamespacedConfigMap({ name, namespace, body: { data: { [key]: value } } }, mergePatch);
    } else {
      const encoded = Buffer.from(value, 'utf8').toString('base64');
      const current = await core.readNamespacedSecret({ name, namespace });
      if (current.data?.[key] === encoded) return 'unchanged';
      await core.patchNamespacedSecret({ name, namespace, body: { data: { [key]: encoded } } }, mergePatch);
    }
    return 'written';
  } catch (err) {
    if ((err as { code?: unknown }).code === 404) return 'missing';
    throw err;
  }
}
