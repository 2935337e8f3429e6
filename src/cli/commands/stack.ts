import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  formatStackSummary,
  inspectStack,
  isProcessAlive,
  isRecordedProcessAlive,
  readStackState,
  signalProcess,
  stackFiles,
  stopLeftoverProcesses,
  waitForExit,
  type StackHealth,
} from '../../../dev/stack/state';
import { ConfigError, parsers, type Setting } from '../../shared/config';
import { createLogger, lineForPeople } from '../../shared/log';
import { repoRoot, stackDir } from '../../shared/paths';
import { defineCommand } from '../command';

const setting = <T>(s: Setting<T>): Setting<T> => s;

/** Which stack folder, and which of its components (`dev` and `stack up` share these). */
export const stackSelectionSettings = {
  stackDir: setting({
    flag: 'stack-dir',
    env: 'EFS_STACK_DIR',
    default: stackDir(),
    description: 'Folder of the local stack (binaries, data, logs, env file)',
    parse: (raw) => path.resolve(raw),
  }),
  components: setting<string[]>({
    flag: 'components',
    env: 'EFS_STACK_COMPONENTS',
    default: [],
    description: 'Comma-separated components to run (default: all of them, in order)',
    parse: (raw) =>
      raw
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
  }),
};

const stackSettings = {
  ...stackSelectionSettings,
  timeoutSeconds: setting({
    flag: 'timeout',
    env: 'EFS_STACK_UP_TIMEOUT',
    // The first run builds kube-apiserver and etcd from source: tens of minutes on a small machine.
    default: 5400,
    description: '`up`: seconds to wait for the stack to be ready before giving up and stopping it',
    parse: parsers.positiveNumber,
  }),
  json: setting({
    flag: 'json',
    default: false,
    description: '`status`: print the state as JSON',
    parse: parsers.boolean,
  }),
};

type StackConfig = {
  stackDir: string;
  components: string[];
  timeoutSeconds: number;
  json: boolean;
};

const cliEntry = path.join(repoRoot, 'bin', 'efs-orchestrator.js');
const out = (text: string): boolean => process.stdout.write(text);

export const stackCommand = defineCommand({
  name: 'stack',
  summary: 'Run the local stack in the background: up | down | status',
  usage: 'up|down|status [--components temporal,...] [--timeout seconds] [--json]',
  settings: stackSettings,
  async run(config, positional) {
    const [action, ...extra] = positional;
    if (extra.length > 0) throw new ConfigError(`unexpected arguments: ${extra.join(' ')}`);
    switch (action) {
      case 'up':
        return up(config);
      case 'down':
        return down(config);
      case 'status':
        return status(config);
      default:
        throw new ConfigError(`expected up, down or status, not ${action === undefined ? 'nothing' : `"${action}"`}`);
    }
  },
});

/** Starts a detached supervisor (`efs-orchestrator dev`) and follows its log until the stack is ready. */
async function up(config: StackConfig): Promise<number> {
  const files = stackFiles(config.stackDir);
  const health = inspectStack(config.stackDir);
  if (health.supervisor === 'running' && health.state) {
    const { phase, supervisor } = health.state;
    if (phase === 'ready') {
      out(`The local stack is already running (supervisor pid ${supervisor.pid}); reusing it.\n`);
      out(formatStatus(health));
      return health.healthy ? 0 : 1;
    }
    if (phase === 'installing' || phase === 'starting') {
      out(`A stack supervisor (pid ${supervisor.pid}) is already starting the stack; following its progress.\n`);
      return follow(config, supervisor.pid, fileSize(files.supervisorLog));
    }
    out(`The stack supervisor (pid ${supervisor.pid}) is ${phase}; wait for it to finish, then run up again.\n`);
    return 1;
  }

  fs.mkdirSync(files.logDir, { recursive: true });
  const offset = fileSize(files.supervisorLog);
  const log = fs.openSync(files.supervisorLog, 'a');
  fs.writeSync(log, `\n--- efs-orchestrator stack up, ${new Date().toISOString()} ---\n`);
  const args = [cliEntry, 'dev', '--supervisor', '--stack-dir', config.stackDir];
  // Always passed, so that an EFS_STACK_COMPONENTS in the environment cannot narrow what was asked for.
  args.push('--components', config.components.join(','));
  const supervisor = spawn(process.execPath, args, {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  supervisor.unref();
  const pid = supervisor.pid;
  if (pid === undefined) throw new Error(`could not start ${process.execPath} ${args.join(' ')}`);
  out(`Started the stack supervisor in the background (pid ${pid}); its log: ${files.supervisorLog}\n`);
  return follow(config, pid, offset);
}

/** Prints the supervisor's log as it grows until the stack is ready (0), or it fails or times out (1). */
async function follow(config: StackConfig, pid: number, offset: number): Promise<number> {
  const files = stackFiles(config.stackDir);
  const deadline = Date.now() + config.timeoutSeconds * 1000;
  const tail = new LogTail(files.supervisorLog, offset);
  for (;;) {
    tail.print();
    const state = readStackState(config.stackDir);
    const ours = state?.supervisor.pid === pid;
    if (ours && state?.phase === 'ready') {
      tail.print();
      out(`The stack runs in the background; stop it with: npm run stack -- down\n`);
      return 0;
    }
    if (!isProcessAlive(pid)) {
      tail.print(true);
      const why = ours && state?.error ? `: ${state.error}` : '';
      out(`\nThe stack failed to start${why}\nFull log: ${files.supervisorLog}\n`);
      return 1;
    }
    if (Date.now() > deadline) {
      out(
        `\nThe stack was not ready after ${config.timeoutSeconds} s; stopping it. Full log: ${files.supervisorLog}\n`,
      );
      await stopSupervisor(config.stackDir, pid);
      return 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function down(config: StackConfig): Promise<number> {
  const health = inspectStack(config.stackDir);
  if (health.supervisor !== 'running' || !health.state) {
    const leftovers = await stopLeftoverProcesses(config.stackDir, createLogger('stack'));
    const note = leftovers.length > 0 ? ` (stopped ${leftovers.length} process(es) it had left behind)` : '';
    out(`No stack is running in ${config.stackDir}${note}.\n`);
    return 0;
  }
  const pid = health.state.supervisor.pid;
  out(`Stopping the stack (supervisor pid ${pid})...\n`);
  const clean = await stopSupervisor(config.stackDir, pid);
  out(clean ? 'The stack has stopped.\n' : 'The stack did not stop in time; its processes were killed.\n');
  return clean ? 0 : 1;
}

/** SIGTERM to the supervisor, then waits until it and every child it recorded are gone (SIGKILL after 90 s). */
async function stopSupervisor(dir: string, pid: number): Promise<boolean> {
  signalProcess(pid, 'SIGTERM');
  const deadline = Date.now() + 90_000;
  for (;;) {
    const state = readStackState(dir);
    const children = state?.components.flatMap((c) => c.children) ?? [];
    if (!isProcessAlive(pid) && !children.some(isRecordedProcessAlive)) return true;
    if (Date.now() > deadline) {
      signalProcess(pid, 'SIGKILL');
      for (const child of children) if (isRecordedProcessAlive(child)) signalProcess(child.pid, 'SIGKILL');
      await waitForExit(children, 5000);
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function status(config: StackConfig): number {
  const health = inspectStack(config.stackDir);
  if (config.json) {
    out(JSON.stringify(health, null, 2) + '\n');
  } else {
    out(formatStatus(health));
  }
  return health.healthy ? 0 : 1;
}

export function formatStatus(health: StackHealth): string {
  const state = health.state;
  if (!state) return `No stack has run in ${health.stackDir}. Start one with: npm run stack -- up\n`;
  const supervisor = {
    running: `supervisor pid ${state.supervisor.pid}`,
    exited: `its supervisor (pid ${state.supervisor.pid}) has exited`,
    stale: `stale: its supervisor (pid ${state.supervisor.pid}) died without cleaning up`,
    none: '',
  }[health.supervisor];
  const lines = [
    `Stack ${state.stackDir}: ${health.healthy ? 'healthy' : 'NOT healthy'}, ${state.phase} (${supervisor})`,
  ];
  if (state.error) lines.push(`  error: ${state.error}`);
  const width = Math.max(...health.components.map((c) => c.name.length));
  for (const component of health.components) {
    const recorded = state.components.find((c) => c.name === component.name);
    const pids = recorded?.children.length ? ` pid ${recorded.children.map((c) => c.pid).join(',')}` : '';
    const detail = component.detail ? `  ${component.detail}` : '';
    lines.push(`  ${component.name.padEnd(width)}  ${component.state}${pids}${detail}`);
  }
  const text = lines.join('\n') + '\n';
  return health.healthy ? text + formatStackSummary(state).replace(/^\nThe local stack is ready[^\n]*\n/, '') : text;
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** Follows a growing log file, printing whole lines; our JSON log lines are shown compactly. */
class LogTail {
  private partial = '';
  constructor(
    private readonly file: string,
    private offset: number,
  ) {}

  print(flush = false): void {
    let chunk = '';
    try {
      const fd = fs.openSync(this.file, 'r');
      try {
        const buffer = Buffer.alloc(64 * 1024);
        for (;;) {
          const read = fs.readSync(fd, buffer, 0, buffer.length, this.offset);
          if (read === 0) break;
          this.offset += read;
          chunk += buffer.subarray(0, read).toString('utf8');
        }
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      return;
    }
    const text = this.partial + chunk;
    const lines = text.split('\n');
    this.partial = flush ? '' : (lines.pop() ?? '');
    for (const line of lines) out(lineForPeople(line) + '\n');
  }
}
