import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Logger } from '../../src/shared/log';

/**
 * A child process of the local stack: output goes to `<logDir>/<name>.log`, and an exit that
 * nobody asked for is reported through `onCrash` instead of being silently ignored.
 */
export interface ManagedChild {
  name: string;
  pid: number;
  logFile: string;
  process: ChildProcess;
  /** Resolves once the process has exited (immediately if it already has). */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  logDir: string;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  onCrash?: (child: ManagedChild, code: number | null, signal: NodeJS.Signals | null) => void;
}

export function spawnManaged(options: SpawnOptions): ManagedChild {
  fs.mkdirSync(options.logDir, { recursive: true });
  const logFile = path.join(options.logDir, `${options.name}.log`);
  const out = fs.openSync(logFile, 'a');
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  let stopping = false;
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      exitCode = code;
      if (!stopping) {
        options.log.error('stack process exited unexpectedly', { process: options.name, code, signal, logFile });
        options.onCrash?.(managed, code, signal);
      }
      resolve(code);
    });
    child.once('error', (err) => {
      options.log.error('stack process failed to start', {
        process: options.name,
        error: err,
        command: options.command,
      });
      exitCode = null;
      resolve(null);
    });
  });
  const managed: ManagedChild = {
    name: options.name,
    pid: child.pid ?? -1,
    logFile,
    process: child,
    exited,
    async stop(graceMs = 10_000) {
      stopping = true;
      if (exitCode !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  return managed;
}

/** Polls `check` until it resolves true, or throws after `timeoutMs` with the message. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  { timeoutMs = 60_000, intervalMs = 250 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}${detail}`);
}
