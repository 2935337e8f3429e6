import { WorkflowNotFoundError } from '@temporalio/client';
import { ConditionType } from '../../api/filesystem';
import { resyncSignal } from '../../api/workflow-contract';
import { loadKubeConfig } from '../../kube/client';
import { kubeSettings } from '../../kube/settings';
import { ConfigError, parsers } from '../../shared/config';
import { connectWorkflowClient } from '../../temporal/connection';
import { temporalSettings } from '../../temporal/settings';
import { defineCommand } from '../command';
import {
  argumentOf,
  conditionOf,
  formatObjectArgument,
  kindsPhrase,
  ObjectSelection,
  parseObjectArgument,
  selectionSettings,
  workflowIdOf,
  type SelectedObject,
} from './object-selection';

const write = (text: string): boolean => process.stdout.write(text);

/** `resync`: re-runs the sync of objects now by signalling their workflows, so it works while the watcher is down. */
export const resyncCommand = defineCommand({
  name: 'resync',
  usage: '<object>... | --all-terminal | --selector <labels> [--kind <kinds>] [--namespace <ns>]',
  summary: 'Re-run the sync of objects now, through their workflows (works while the watcher is down)',
  settings: {
    ...temporalSettings,
    ...kubeSettings,
    ...selectionSettings,
    allTerminal: {
      flag: 'all-terminal',
      default: false,
      description: 'Every object whose ACK.Terminal condition is True (within --kind, --namespace and --selector)',
      parse: parsers.boolean,
    },
  },
  async run(config, positional) {
    if (positional.length === 0 && !config.allTerminal && !config.selector) {
      throw new ConfigError(
        'name objects as <kind>/<namespace>/<name> (or <namespace>/<name> for a FileSystem), or select them with --all-terminal or --selector',
      );
    }
    const selection = new ObjectSelection(loadKubeConfig(config.kubeconfig || undefined));
    const targets = new Map<string, SelectedObject>();
    let failures = 0;
    for (const arg of positional) {
      const ref = parseObjectArgument(arg, config.namespace);
      const selected = await selection.get(ref);
      if (selected) targets.set(selected.obj.metadata.uid, selected);
      else {
        write(`${formatObjectArgument(ref)}  not found\n`);
        failures++;
      }
    }
    if (config.allTerminal || (config.selector && positional.length === 0)) {
      for (const selected of await selection.list(config.kind, config.namespace, config.selector)) {
        if (!config.allTerminal || conditionOf(selected.obj, ConditionType.terminal)?.status === 'True') {
          targets.set(selected.obj.metadata.uid, selected);
        }
      }
    }
    if (targets.size === 0) {
      if (failures === 0) write(`no ${kindsPhrase(config.kind)} objects matched\n`);
      return failures > 0 ? 1 : 0;
    }
    const { client, connection } = await connectWorkflowClient(config);
    try {
      for (const selected of targets.values()) {
        const label = argumentOf(selected);
        const workflowId = workflowIdOf(selected);
        try {
          await client.workflow.getHandle(workflowId).signal(resyncSignal);
          write(`${label}  resync requested  (workflow ${workflowId})\n`);
        } catch (err) {
          failures++;
          if (err instanceof WorkflowNotFoundError) {
            write(`${label}  no running workflow ${workflowId}: the watcher starts one when it sees the object\n`);
          } else {
            write(`${label}  failed: ${(err as Error).message}\n`);
          }
        }
      }
    } finally {
      await connection.close();
    }
    return failures > 0 ? 1 : 0;
  },
});
