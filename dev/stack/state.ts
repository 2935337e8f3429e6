import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Logger } from '../../src/shared/log';
import { type StackPorts } from './ports';

/**
 * The stack's recorded state (`<stackDir>/state.json`) and what can be learnt from it without
 * loading any component: `stack status`, `stack down` and the test setup read it from here.
 */

export type StackPhase = 'installing' | 'starting' | 'ready' | 'stopping' | 'stopped' | 'crashed' | 'failed';
export type ComponentState =
  'pending' | 'installing' | 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed' | 'failed';

export interface ProcessRecord {
  name: string;
  pid: number;
  /** Kernel start time of the process (from /proc), so a reused pid is never taken for ours. */
  startTime?: string;
  logFile?: string;
}

export interface CrashRecord {
  process: string;
  pid: number;
  code: number | null;
  signal: string | null;
  at: string;
  logFile: string;
}

export interface ComponentStatus {
  name: string;
  state: ComponentState;
  children: ProcessRecord[];
  endpoints: Record<string, string>;
  installMs?: number;
  startMs?: number;
  crash?: CrashRecord;
  error?: string;
}

/** The content of `<stackDir>/state.json`, rewritten at every change of the supervisor. */
export interface StackState {
  supervisor: ProcessRecord;
  stackDir: string;
  phase: StackPhase;
  ready: boolean;
  startedAt: string;
  readyAt?: string;
  stoppedAt?: string;
  ports: StackPorts;
  envFile: string;
  logDir: string;
  components: ComponentStatus[];
  endpoints: Record<string, string>;
  error?: string;
}

export interface StackFiles {
  state: string;
  env: string;
  lock: string;
  logDir: string;
  /** Output of a supervisor started in the background by `stack up`. */
  supervisorLog: string;
}

export function stackFiles(stackDir: string): StackFiles {
  const logDir = path.join(stackDir, 'logs');
  return {
    state: path.join(stackDir, 'state.json'),
    env: path.join(stackDir, 'env'),
    lock: path.join(stackDir, 'stack.lock'),
    logDir,
    supervisorLog: path.join(logDir, 'stack.log'),
  };
}

export function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), where /proc exists. */
export function processStartTime(pid: number): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // The command name (field 2) is parenthesised and may hold spaces: count fields after its ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}

/** True while the process exists and is not a zombie. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = readText(`/proc/${pid}/stat`);
  return stat === undefined || stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/** True while the process recorded in `record` still runs (and its pid was not reused by another). */
export function isRecordedProcessAlive(record: ProcessRecord): boolean {
  if (!isProcessAlive(record.pid)) return false;
  return record.startTime === undefined || processStartTime(record.pid) === record.startTime;
}

export function readStackState(stackDir: string): StackState | undefined {
  const text = readText(stackFiles(stackDir).state);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as StackState;
  } catch {
    return undefined;
  }
}

/**
 * After a supervisor died without cleaning up (SIGKILL, a power cut of the terminal...), its
 * children may still hold the ports: stop the ones the last state recorded, and only those.
 */
export async function stopLeftoverProcesses(stackDir: string, log: Logger): Promise<ProcessRecord[]> {
  const state = readStackState(stackDir);
  if (!state || (state.supervisor.pid !== process.pid && isRecordedProcessAlive(state.supervisor))) return [];
  const leftovers = state.components.flatMap((c) => c.children).filter(isRecordedProcessAlive);
  for (const record of leftovers) {
    log.warn('stopping a process left over by a stack supervisor that is gone', {
      process: record.name,
      pid: record.pid,
    });
    signalProcess(record.pid, 'SIGTERM');
  }
  await waitForExit(leftovers, 15_000);
  for (const record of leftovers.filter(isRecordedProcessAlive)) signalProcess(record.pid, 'SIGKILL');
  await waitForExit(leftovers, 5_000);
  return leftovers;
}

export function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Resolves true once none of the processes runs any more, false after `timeoutMs`. */
export async function waitForExit(records: ProcessRecord[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (records.some(isRecordedProcessAlive)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

/** `down`: recorded as running but a process is missing; `gone`: its supervisor died without cleaning up. */
export type ObservedComponentState = ComponentState | 'down' | 'gone';

export interface StackHealth {
  stackDir: string;
  state: StackState | undefined;
  /**
   * `none`: no stack has run here; `exited`: the last supervisor finished (stopped, crashed or
   * failed) and said so; `stale`: the recorded supervisor died without a word (SIGKILL, say).
   */
  supervisor: 'running' | 'exited' | 'stale' | 'none';
  healthy: boolean;
  components: { name: string; state: ObservedComponentState; detail: string }[];
}

/** What is really running, from state.json checked against the live processes. */
export function inspectStack(stackDir: string): StackHealth {
  const state = readStackState(stackDir);
  if (!state) return { stackDir, state, supervisor: 'none', healthy: false, components: [] };
  const supervisorAlive = isRecordedProcessAlive(state.supervisor);
  const components = state.components.map((component) => {
    const dead = component.children.filter((child) => !isRecordedProcessAlive(child));
    let observed: ObservedComponentState = component.state;
    let detail = '';
    if (component.state === 'running' && dead.length > 0) {
      // With the supervisor alive this is a crash about to be recorded, or a component restarting a process.
      observed = supervisorAlive ? 'down' : 'gone';
      detail = `process ${dead.map((d) => `${d.name} (pid ${d.pid})`).join(', ')} is not running`;
    } else if (!supervisorAlive && ['running', 'installing', 'starting', 'stopping'].includes(component.state)) {
      observed = 'gone';
      detail = `left ${component.state} by a supervisor that is gone`;
    } else if (component.crash) {
      const { process: name, pid, code, signal, logFile } = component.crash;
      detail = `${name} (pid ${pid}) exited on its own (${signal ?? `code ${code}`}); log: ${logFile}`;
    } else if (component.error) {
      detail = component.error;
    }
    return { name: component.name, state: observed, detail };
  });
  const healthy = supervisorAlive && state.phase === 'ready' && components.every((c) => c.state === 'running');
  const finished = ['stopped', 'crashed', 'failed'].includes(state.phase);
  const supervisor = supervisorAlive ? 'running' : finished ? 'exited' : 'stale';
  return { stackDir, state, supervisor, healthy, components };
}

/** The "where is everything" report printed when the stack is ready and by `stack status`. */
export function formatStackSummary(state: StackState, elapsedMs?: number): string {
  const took = elapsedMs === undefined ? '' : ` in ${(elapsedMs / 1000).toFixed(1)} s`;
  const rows: [string, string][] = Object.entries(state.endpoints);
  rows.push(['env file', `${state.envFile}  (load it with: source ${state.envFile})`]);
  rows.push(['state', path.join(state.stackDir, 'state.json')]);
  rows.push(['logs', state.logDir]);
  const width = Math.max(...rows.map(([key]) => key.length));
  const components = state.components
    .map((c) => `${c.name} (${c.startMs === undefined ? c.state : `${(c.startMs / 1000).toFixed(1)} s`})`)
    .join(', ');
  return (
    `\nThe local stack is ready${took}, supervisor pid ${state.supervisor.pid}: ${components}\n` +
    rows.map(([key, value]) => `  ${key.padEnd(width)}  ${value}`).join('\n') +
    '\n'
  );
}
