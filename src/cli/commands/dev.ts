import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parsers } from '../../shared/config';
import { repoRoot } from '../../shared/paths';
import { defineCommand } from '../command';
import { stackSelectionSettings } from './stack';

const cliEntry = path.join(repoRoot, 'bin', 'efs-orchestrator.js');

export const devCommand = defineCommand({
  name: 'dev',
  summary:
    'Run the local stack (Temporal, Kubernetes API, EFS emulator, orchestrator) in the foreground; Ctrl-C stops it',
  usage: '[--components temporal,...]',
  settings: {
    ...stackSelectionSettings,
    supervisor: {
      flag: 'supervisor',
      default: false,
      description: 'Be the stack supervisor in this very process (what `dev` and `stack up` start)',
      parse: parsers.boolean,
    },
  },
  async run(config) {
    return config.supervisor
      ? supervise(config.stackDir, config.components)
      : runAttached(config.stackDir, config.components);
  },
});

/**
 * Runs the supervisor as a child in its own process group and relays signals to it. A Ctrl-C in a
 * terminal signals the whole foreground group at once; kept out of it, the stack's processes are
 * stopped by the supervisor in order (orchestrator first, Temporal last) instead of all dying
 * together, and none of them is mistaken for a crash.
 */
function runAttached(stackDir: string, components: string[]): Promise<number> {
  const args = [cliEntry, 'dev', '--supervisor', '--stack-dir', stackDir, '--components', components.join(',')];
  // The pipe on stdin is the supervisor's lifeline: if this process dies, even by SIGKILL, it closes
  // and the supervisor stops the stack.
  const supervisor = spawn(process.execPath, args, { detached: true, stdio: ['pipe', 'inherit', 'inherit'] });
  let signals = 0;
  const relay = (): void => {
    signals++;
    // A second Ctrl-C is impatience: the supervisor then kills what is still running.
    supervisor.kill(signals === 1 ? 'SIGTERM' : 'SIGINT');
  };
  const handled: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of handled) process.on(signal, relay);
  return new Promise((resolve) => {
    supervisor.once('error', (err) => {
      process.stderr.write(`efs-orchestrator dev: could not start the supervisor: ${err.message}\n`);
      resolve(1);
    });
    supervisor.once('exit', (code, signal) => {
      for (const name of handled) process.off(name, relay);
      supervisor.stdin?.destroy();
      resolve(code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0));
    });
  });
}

async function supervise(stackDir: string, names: string[]): Promise<number> {
  // Loaded here: the supervisor pulls in every component, which the attached parent never needs.
  const { runStackInForeground, selectComponents, StackBusyError } =
    require('../../../dev/stack/stack') as typeof import('../../../dev/stack/stack');
  // Node hands a child its stdio pipes as Unix sockets; a terminal or /dev/null (`stack up`) means no parent to watch.
  const stdin = fs.fstatSync(0);
  const watchesParent = stdin.isFIFO() || stdin.isSocket();
  const parentGone = (): void => void process.kill(process.pid, 'SIGTERM');
  if (watchesParent) {
    process.stdin.resume();
    process.stdin.once('close', parentGone);
  }
  try {
    return await runStackInForeground({ stackDir, components: selectComponents(names) });
  } catch (err) {
    const message = err instanceof StackBusyError ? err.message : `the stack did not start: ${(err as Error).message}`;
    process.stderr.write(`efs-orchestrator dev: ${message}\n`);
    return 1;
  } finally {
    if (watchesParent) {
      process.stdin.off('close', parentGone);
      process.stdin.destroy();
    }
  }
}
