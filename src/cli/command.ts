import { type ConfigOf, type Settings } from '../shared/config';

/** One `efs-orchestrator <name>` subcommand: its settings and what it does with them. */
export interface Command<S extends Settings = Settings> {
  name: string;
  summary: string;
  usage?: string;
  settings: S;
  /** Resolves with the process exit code. Long-running commands resolve when they stop. */
  run(config: ConfigOf<S>, positional: string[]): Promise<number>;
}

export function defineCommand<S extends Settings>(command: Command<S>): Command<S> {
  return command;
}
