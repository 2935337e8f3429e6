import { type Logger } from '../../src/shared/log';
import { type ManagedChild } from './process';
import { type StackPorts } from './ports';

/** What every piece of the local stack (Temporal, the Kubernetes API, the EFS emulator, ...) provides. */
export interface StackComponent {
  name: string;
  /** Installs or builds what the component needs, once; cached under the stack folder. */
  install(context: StackContext): Promise<void>;
  /** Starts the component and resolves once it is ready to serve. */
  start(context: StackContext): Promise<RunningComponent>;
}

export interface StackContext {
  stackDir: string;
  logDir: string;
  ports: StackPorts;
  log: Logger;
  /** Environment of the components started before this one (e.g. KUBECONFIG for later ones). */
  env: Record<string, string>;
  /** Called when a child exits without being asked to. */
  onCrash: (child: ManagedChild, code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface RunningComponent {
  name: string;
  children: ManagedChild[];
  /** Lines for the shell-sourceable `.stack/env` (e.g. TEMPORAL_ADDRESS). */
  env: Record<string, string>;
  /** Human-readable addresses reported when the stack is up (e.g. "Temporal UI": url). */
  endpoints: Record<string, string>;
  stop(): Promise<void>;
}
