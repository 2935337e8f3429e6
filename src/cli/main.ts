import { ConfigError, describeSettings, loadConfig, parseArgs } from '../shared/config';
import { createLogger } from '../shared/log';
import { type Command } from './command';

/** Subcommands are loaded on demand so that, say, `emulator` never loads the Temporal worker. */
const commands: Record<string, () => Command> = {
  dev: () => require('./commands/dev').devCommand,
  stack: () => require('./commands/stack').stackCommand,
  emulator: () => require('./commands/emulator').emulatorCommand,
  worker: () => require('./commands/orchestrator').workerCommand,
  watcher: () => require('./commands/orchestrator').watcherCommand,
  run: () => require('./commands/orchestrator').runCommand,
  replay: () => require('./commands/history').replayCommand,
  'record-history': () => require('./commands/history').recordHistoryCommand,
  resync: () => require('./commands/resync').resyncCommand,
  explain: () => require('./commands/explain').explainCommand,
  status: () => require('./commands/status').statusCommand,
};

export async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  const load = name ? commands[name] : undefined;
  if (!load || name === 'help' || name === '--help') {
    process.stdout.write(usage());
    process.exitCode = name && name !== 'help' && name !== '--help' ? 2 : 0;
    return;
  }
  const command = load();
  const { flags, positional } = parseArgs(rest);
  if (flags.has('help')) {
    process.stdout.write(
      `efs-orchestrator ${command.name} ${command.usage ?? ''}\n  ${command.summary}\n\n${describeSettings(command.settings)}\n`,
    );
    return;
  }
  try {
    const config = loadConfig(command.settings, flags);
    process.exitCode = await command.run(config, positional);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`efs-orchestrator ${command.name}: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    createLogger(command.name).error('command failed', { error: err, stack: (err as Error).stack });
    process.exitCode = 1;
  }
}

function usage(): string {
  const lines = Object.entries(commands).map(([name, load]) => `  ${name.padEnd(10)} ${load().summary}`);
  return `Usage: efs-orchestrator <command> [--flag value ...]\n\nCommands:\n${lines.join('\n')}\n\nRun 'efs-orchestrator <command> --help' for its flags.\n`;
}
