import { runStackInForeground, selectComponents, StackBusyError } from '../../../dev/stack/stack';
import { defineCommand } from '../command';
import { stackSelectionSettings } from './stack';

export const devCommand = defineCommand({
  name: 'dev',
  summary: 'Run the local stack (Temporal, Kubernetes API, EFS emulator) in the foreground; Ctrl-C stops it',
  usage: '[--components temporal,...]',
  settings: stackSelectionSettings,
  async run(config) {
    try {
      return await runStackInForeground({ stackDir: config.stackDir, components: selectComponents(config.components) });
    } catch (err) {
      if (err instanceof StackBusyError) {
        process.stderr.write(`efs-orchestrator dev: ${err.message}\n`);
        return 1;
      }
      process.stderr.write(`efs-orchestrator dev: the stack did not start: ${(err as Error).message}\n`);
      return 1;
    }
  },
});
