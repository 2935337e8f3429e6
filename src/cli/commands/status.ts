import { ConditionType } from '../../api/filesystem';
import { loadKubeConfig } from '../../kube/client';
import { kubeSettings } from '../../kube/settings';
import { syncStateOf } from '../../metrics/sync-state';
import { defineCommand } from '../command';
import { ageOf, formatTable } from '../format';
import { conditionOf, kindsPhrase, ObjectSelection, resourceIdOf, selectionSettings } from './object-selection';

/** `status`: every object of every kind (or of those asked for), one line each, with where its sync stands. */
export const statusCommand = defineCommand({
  name: 'status',
  usage: '[--kind <kinds>] [--namespace <ns>] [--selector <labels>]',
  summary: 'List FileSystem, MountTarget and AccessPoint objects with their AWS id, sync state and age',
  settings: { ...kubeSettings, ...selectionSettings },
  async run(config) {
    const selection = new ObjectSelection(loadKubeConfig(config.kubeconfig || undefined));
    const objects = await selection.list(config.kind, config.namespace, config.selector);
    if (objects.length === 0) {
      const where = config.namespace ? ` in namespace ${config.namespace}` : '';
      process.stdout.write(`no ${kindsPhrase(config.kind)} objects${where}\n`);
      return 0;
    }
    const now = Date.now();
    const rows = objects.map((selected) => [
      selected.kind,
      selected.obj.metadata.namespace,
      selected.obj.metadata.name,
      resourceIdOf(selected) ?? '-',
      syncStateOf(selected.obj),
      conditionOf(selected.obj, ConditionType.synced)?.status ?? '-',
      ageOf(selected.obj.metadata.creationTimestamp, now),
    ]);
    process.stdout.write(formatTable(['KIND', 'NAMESPACE', 'NAME', 'ID', 'STATE', 'SYNCED', 'AGE'], rows));
    return 0;
  },
});
