import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { createLogger, type Logger } from '../../src/shared/log';
import { type RunningComponent, type StackComponent, type StackContext } from './component';
import { controlSocketPath, type ControlRequest, type ControlResponse } from './control';
import { writeFileAtomically, writeStackEnvFile } from './env-file';
import { resolvePorts, type StackPorts } from './ports';
import { type ManagedChild } from './process';
import {
  formatStackSummary,
  isProcessAlive,
  processStartTime,
  readText,
  stackFiles,
  stopLeftoverProcesses,
  type ComponentStatus,
  type CrashRecord,
  type ProcessRecord,
  type StackFiles,
  type StackPhase,
  type StackState,
} from './state';
import { emulatorComponent } from '../emulator/component';
import { kubeComponent } from './kube/component';
import { orchestratorComponent } from './orchestrator';
import { temporalComponent } from './temporal';

export * from './state';

/**
 * The stack's components, in start order; each sees the env of those before it (the orchestrator
 * gets TEMPORAL_ADDRESS, KUBECONFIG and the EFS endpoint). This list is the one place where the
 * stack is composed: a new piece is appended here.
 */
export const stackComponents: StackComponent[] = [
  temporalComponent,
  kubeComponent,
  emulatorComponent,
  orchestratorComponent,
];

/** Picks components by name (`temporal,kube`), keeping the stack's order; all of them when `names` is empty. */
export function selectComponents(
  names: readonly string[],
  from: readonly StackComponent[] = stackComponents,
): StackComponent[] {
  if (names.length === 0) return [...from];
  const known = new Set(from.map((c) => c.name));
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(`unknown stack component(s) ${unknown.join(', ')}; the stack has: ${[...known].join(', ')}`);
  }
  return from.filter((c) => names.includes(c.name));
}

export interface StackOptions {
  stackDir: string;
  components?: StackComponent[];
  ports?: StackPorts;
  log?: Logger;
  /** Where the human-readable summary and crash reports go (stdout by default). */
  print?: (text: string) => void;
  /** Aborting stops the start at the next step and stops what has been started. */
  abortSignal?: AbortSignal;
}

export type StackOutcome = 'stopped' | 'crashed';

export interface RunningStack {
  readonly stackDir: string;
  state(): StackState;
  env(): Record<string, string>;
  /** Stops every component (last started first) and releases the stack folder. */
  stop(): Promise<void>;
  /** Resolves when the stack has stopped: `crashed` if a component died on its own. */
  readonly finished: Promise<StackOutcome>;
}

export class StackBusyError extends Error {
  override name = 'StackBusyError';
  constructor(
    readonly stackDir: string,
    readonly pid: number,
  ) {
    super(`a stack supervisor (pid ${pid}) already runs on ${stackDir}; stop it with \`npm run stack -- down\``);
  }
}

/** Installs and starts the components, writes the env and state files, and returns once all are ready. */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const supervisor = new StackSupervisor(options);
  await supervisor.start();
  return supervisor;
}

/**
 * `efs-orchestrator dev`: runs the stack in the foreground until SIGINT, SIGTERM or SIGHUP (exit 0)
 * or until a component crashes, which stops the others (exit 1): a stack with a dead piece would
 * only make every later failure harder to read.
 */
export async function runStackInForeground(options: StackOptions): Promise<number> {
  const abort = new AbortController();
  const stack = new StackSupervisor({ ...options, abortSignal: abort.signal });
  let started = false;
  let signals = 0;
  const leadsGroup = isProcessGroupLeader();
  let ownGroupSignal = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (ownGroupSignal && signal === 'SIGTERM') {
      ownGroupSignal = false; // the echo of the group signal below
      return;
    }
    signals++;
    if (signals > 1) {
      stack.killAll();
      return;
    }
    (options.log ?? createLogger('stack')).info('stopping the stack', { signal });
    abort.abort(new Error(`interrupted by ${signal}`));
    if (started) {
      void stack.stop();
    } else if (leadsGroup) {
      // Still installing or starting: rather than wait for a build of many minutes to finish, stop
      // every process of the group now (builds, servers still starting); the failed start then
      // cleans up. Only when the supervisor leads its own group (`dev` and `stack up` see to it).
      ownGroupSignal = true;
      process.kill(-process.pid, 'SIGTERM');
    }
  };
  const handled: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of handled) process.on(signal, onSignal);
  try {
    try {
      await stack.start();
    } catch (err) {
      if (abort.signal.aborted) return 130;
      throw err;
    }
    started = true;
    if (abort.signal.aborted) await stack.stop();
    const outcome = await stack.finished;
    return outcome === 'crashed' ? 1 : 0;
  } finally {
    for (const signal of handled) process.off(signal, onSignal);
  }
}

interface Slot {
  component: StackComponent;
  status: ComponentStatus;
  running?: RunningComponent;
}

const componentStopTimeoutMs = 30_000;

class StackSupervisor implements RunningStack {
  readonly stackDir: string;
  readonly finished: Promise<StackOutcome>;
  private readonly files: StackFiles;
  private readonly ports: StackPorts;
  private readonly log: Logger;
  private readonly print: (text: string) => void;
  private readonly abortSignal: AbortSignal | undefined;
  private readonly slots: Slot[];
  private readonly current: StackState;
  private resolveFinished!: (outcome: StackOutcome) => void;
  private shutdown: Promise<void> | undefined;
  private control: net.Server | undefined;
  private controlQueue: Promise<unknown> = Promise.resolve();
  private lockHeld = false;
  private crashedWhileStarting = false;
  /** Keeps the process alive while the stack runs, even when no child is (say, Temporal stopped on request). */
  private keepAlive: NodeJS.Timeout | undefined;
  /** Components may replace their processes themselves (kube-apiserver restarts): state.json follows. */
  private childWatch: NodeJS.Timeout | undefined;

  constructor(options: StackOptions) {
    this.stackDir = path.resolve(options.stackDir);
    this.files = stackFiles(this.stackDir);
    this.ports = options.ports ?? resolvePorts();
    this.log = options.log ?? createLogger('stack');
    this.print = options.print ?? ((text) => process.stdout.write(text));
    this.abortSignal = options.abortSignal;
    const components = options.components ?? stackComponents;
    if (components.length === 0) throw new Error('the stack needs at least one component');
    this.slots = components.map((component) => ({
      component,
      status: { name: component.name, state: 'pending', children: [], endpoints: {} },
    }));
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    this.current = {
      supervisor: { name: 'supervisor', pid: process.pid, startTime: processStartTime(process.pid) },
      stackDir: this.stackDir,
      phase: 'installing',
      ready: false,
      startedAt: new Date().toISOString(),
      ports: this.ports,
      envFile: this.files.env,
      logDir: this.files.logDir,
      components: this.slots.map((slot) => slot.status),
      endpoints: {},
    };
  }

  state(): StackState {
    return structuredClone(this.current);
  }

  env(): Record<string, string> {
    return this.envOf(this.slots.length);
  }

  async start(): Promise<void> {
    fs.mkdirSync(this.files.logDir, { recursive: true });
    this.acquireLock();
    this.keepAlive = setInterval(() => undefined, 1 << 30);
    try {
      await stopLeftoverProcesses(this.stackDir, this.log);
      fs.rmSync(this.files.env, { force: true });
      this.writeState();
      const started = Date.now();
      for (const slot of this.slots) {
        this.checkAborted();
        slot.status.state = 'installing';
        this.writeState();
        const begin = Date.now();
        this.log.info(`installing ${slot.component.name} (if needed)`);
        await slot.component.install(this.contextFor(slot));
        slot.status.installMs = Date.now() - begin;
        slot.status.state = 'pending';
      }
      this.current.phase = 'starting';
      for (const slot of this.slots) {
        this.checkAborted();
        await this.startSlot(slot);
      }
      this.checkAborted();
      this.writeEnv();
      await this.listenForControl();
      this.current.phase = 'ready';
      this.current.ready = true;
      this.current.readyAt = new Date().toISOString();
      this.childWatch = setInterval(() => this.refreshChildren(), 1000);
      this.log.info('the stack is ready', { ms: Date.now() - started });
      // Printed before the state says ready, so that `stack up`, which waits for that, shows it.
      this.print(formatStackSummary(this.current, Date.now() - started));
      this.writeState();
    } catch (err) {
      // Interrupted, the processes it stopped fail their start too: the interruption is the reason.
      const interrupted = this.abortSignal?.aborted ? (this.abortSignal.reason as Error | undefined) : undefined;
      this.current.error = (interrupted ?? (err as Error)).message;
      await this.shutDown(interrupted ? 'stopped' : 'failed');
      throw err;
    }
  }

  stop(): Promise<void> {
    return this.shutDown('stopped');
  }

  /** Last resort on a second Ctrl-C: SIGKILL every child at once. */
  killAll(): void {
    for (const slot of this.slots) {
      for (const child of slot.running?.children ?? []) child.process.kill('SIGKILL');
    }
  }

  private checkAborted(): void {
    if (this.abortSignal?.aborted) throw this.abortSignal.reason ?? new Error('the stack start was aborted');
    if (this.crashedWhileStarting) throw new Error(this.current.error ?? 'a component crashed while the stack started');
  }

  private contextFor(slot: Slot): StackContext {
    const index = this.slots.indexOf(slot);
    return {
      stackDir: this.stackDir,
      logDir: this.files.logDir,
      ports: this.ports,
      log: this.log.child({ stackComponent: slot.component.name }),
      env: this.envOf(index),
      onCrash: (child, code, signal) => this.onCrash(slot, child, code, signal),
    };
  }

  /** The env of the running components before position `end`, in stack order. */
  private envOf(end: number): Record<string, string> {
    const env: Record<string, string> = {};
    for (const slot of this.slots.slice(0, end)) Object.assign(env, slot.running?.env ?? {});
    return env;
  }

  private async startSlot(slot: Slot): Promise<void> {
    slot.status.state = 'starting';
    slot.status.error = undefined;
    slot.status.crash = undefined;
    this.writeState();
    const begin = Date.now();
    try {
      slot.running = await slot.component.start(this.contextFor(slot));
    } catch (err) {
      const interrupted = this.abortSignal?.aborted === true;
      slot.status.state = interrupted ? 'stopped' : 'failed';
      slot.status.error = interrupted ? undefined : (err as Error).message;
      this.writeState();
      throw new Error(`${slot.component.name} failed to start: ${(err as Error).message}`, { cause: err });
    }
    slot.status.startMs = Date.now() - begin;
    slot.status.state = 'running';
    slot.status.children = slot.running.children.map(processRecord);
    slot.status.endpoints = { ...slot.running.endpoints };
    Object.assign(this.current.endpoints, slot.running.endpoints);
    this.log.info(`${slot.component.name} is running`, {
      ms: slot.status.startMs,
      pids: slot.status.children.map((c) => c.pid),
    });
    this.writeState();
    // A child that died while start() was still waiting has been reported already; do not hide it.
    const dead = slot.running.children.find(
      (child) => child.process.exitCode !== null || child.process.signalCode !== null,
    );
    if (dead) this.onCrash(slot, dead, dead.process.exitCode, dead.process.signalCode);
  }

  private onCrash(slot: Slot, child: ManagedChild, code: number | null, signal: NodeJS.Signals | null): void {
    const crash: CrashRecord = {
      process: child.name,
      pid: child.pid,
      code,
      signal,
      at: new Date().toISOString(),
      logFile: child.logFile,
    };
    slot.status.crash = crash;
    if (this.shutdown || slot.status.state !== 'running') {
      // Dying while it starts fails its start(); dying while the stack stops is expected.
      this.writeState();
      return;
    }
    slot.status.state = 'crashed';
    this.current.error = `${slot.component.name}: process ${child.name} (pid ${child.pid}) exited on its own (${signal ?? `code ${code}`})`;
    this.log.error('a stack component crashed; stopping the stack', { ...crash });
    this.print(
      `\n!!! ${this.current.error}\n!!! its log: ${child.logFile}\n!!! stopping the rest of the stack; state: ${this.files.state}\n`,
    );
    this.writeState();
    // While the stack still starts, its start loop notices at the next step and cleans up itself.
    if (this.current.phase === 'ready') void this.shutDown('stopped');
    else this.crashedWhileStarting = true;
  }

  private shutDown(outcome: 'stopped' | 'failed'): Promise<void> {
    this.shutdown ??= (async () => {
      clearInterval(this.childWatch);
      this.current.phase = 'stopping';
      this.current.ready = false;
      this.writeState();
      await this.closeControl();
      // A control action under way (say, a restart) finishes first, so nothing it starts is left behind.
      await this.controlQueue;
      for (const slot of [...this.slots].reverse()) {
        if (!slot.running) continue;
        const crashed = slot.status.state === 'crashed';
        slot.status.state = 'stopping';
        this.writeState();
        await this.stopRunning(slot);
        slot.status.state = crashed ? 'crashed' : 'stopped';
        this.writeState();
      }
      fs.rmSync(this.files.env, { force: true });
      const crashed = this.slots.some((slot) => slot.status.state === 'crashed');
      const finalPhase: StackPhase = crashed ? 'crashed' : outcome;
      this.current.phase = finalPhase;
      this.current.stoppedAt = new Date().toISOString();
      this.writeState();
      this.releaseLock();
      clearInterval(this.keepAlive);
      this.log.info('the stack has stopped', { phase: finalPhase });
      this.resolveFinished(finalPhase === 'crashed' ? 'crashed' : 'stopped');
    })();
    return this.shutdown;
  }

  /** Stops a slot's processes; SIGKILL first when asked to (a crash, as tests inflict it). */
  private async stopRunning(slot: Slot, signal?: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const running = slot.running;
    if (!running) return;
    if (signal === 'SIGKILL') {
      await Promise.all(
        running.children.map((child) => {
          const stopped = child.stop();
          child.process.kill('SIGKILL');
          return stopped;
        }),
      );
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), componentStopTimeoutMs)),
    );
    try {
      const result = await Promise.race([running.stop().then(() => 'stopped' as const), timedOut]);
      if (result === 'timeout') {
        this.log.warn(`${slot.component.name} did not stop in time; killing its processes`);
        for (const child of running.children) child.process.kill('SIGKILL');
        await Promise.all(running.children.map((child) => child.exited));
      }
    } catch (err) {
      this.log.error(`stopping ${slot.component.name} failed`, { error: err });
      for (const child of running.children) child.process.kill('SIGKILL');
      await Promise.all(running.children.map((child) => child.exited));
    } finally {
      clearTimeout(timer);
    }
    slot.running = undefined;
  }

  private refreshChildren(): void {
    let changed = false;
    for (const slot of this.slots) {
      if (!slot.running || slot.status.state !== 'running') continue;
      const pids = slot.running.children.map((child) => child.pid);
      if (pids.join() === slot.status.children.map((child) => child.pid).join()) continue;
      slot.status.children = slot.running.children.map(processRecord);
      changed = true;
    }
    if (changed) this.writeState();
  }

  private writeEnv(): void {
    writeStackEnvFile(this.stackDir, this.files.env, this.env());
  }

  private writeState(): void {
    writeFileAtomically(this.files.state, JSON.stringify(this.current, null, 2) + '\n');
  }

  private acquireLock(): void {
    fs.mkdirSync(this.stackDir, { recursive: true });
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.writeFileSync(this.files.lock, `${process.pid}\n`, { flag: 'wx' });
        this.lockHeld = true;
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = Number.parseInt(readText(this.files.lock) ?? '', 10);
      if (Number.isInteger(holder) && holder !== process.pid && isProcessAlive(holder)) {
        throw new StackBusyError(this.stackDir, holder);
      }
      // The holder is gone: take the stale lock over (rename, so only one contender wins it).
      const stale = `${this.files.lock}.stale.${process.pid}`;
      try {
        fs.renameSync(this.files.lock, stale);
        fs.rmSync(stale, { force: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    throw new Error(`could not take the stack lock ${this.files.lock}`);
  }

  private releaseLock(): void {
    if (!this.lockHeld) return;
    this.lockHeld = false;
    if (readText(this.files.lock)?.trim() === String(process.pid)) fs.rmSync(this.files.lock, { force: true });
  }

  private async listenForControl(): Promise<void> {
    const socketPath = controlSocketPath(this.stackDir);
    // Unix socket paths are limited to 107 bytes; without the socket only the component controls are lost.
    if (Buffer.byteLength(socketPath) > 107) {
      this.log.warn('the stack folder path is too long for its control socket; component restarts are unavailable', {
        socketPath,
      });
      return;
    }
    fs.rmSync(socketPath, { force: true });
    const server = net.createServer((socket) => this.serveControl(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
    server.unref();
    this.control = server;
  }

  private async closeControl(): Promise<void> {
    const server = this.control;
    if (!server) return;
    this.control = undefined;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(controlSocketPath(this.stackDir), { force: true });
  }

  private serveControl(socket: net.Socket): void {
    let received = '';
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      received += chunk;
      const newline = received.indexOf('\n');
      if (newline < 0) return;
      const line = received.slice(0, newline);
      received = '';
      const answer = (response: ControlResponse): void => void socket.end(JSON.stringify(response) + '\n');
      let request: ControlRequest;
      try {
        request = JSON.parse(line) as ControlRequest;
      } catch {
        answer({ ok: false, error: 'the request is not JSON' });
        return;
      }
      // One control action at a time, so a restart never interleaves with a stop.
      const work = this.controlQueue.then(() => this.performControl(request));
      this.controlQueue = work.catch(() => undefined);
      work.then(
        (pids) => answer({ ok: true, pids }),
        (err: Error) => answer({ ok: false, error: err.message }),
      );
    });
  }

  private async performControl(request: ControlRequest): Promise<number[]> {
    if (this.shutdown) throw new Error('the stack is stopping');
    const slot = this.slots.find((s) => s.component.name === request.component);
    if (!slot)
      throw new Error(
        `no component "${request.component}" in this stack (${this.slots.map((s) => s.component.name).join(', ')})`,
      );
    this.log.info('control request', { action: request.action, target: request.component, signal: request.signal });
    if (request.action === 'stop' || request.action === 'restart') {
      if (slot.status.state !== 'running')
        throw new Error(`${slot.component.name} is ${slot.status.state}, not running`);
      slot.status.state = 'stopping';
      this.writeState();
      await this.stopRunning(slot, request.signal);
      slot.status.state = 'stopped';
      slot.status.children = [];
      this.writeState();
      if (request.action === 'stop') return [];
      if (request.downtimeMs) await new Promise((resolve) => setTimeout(resolve, request.downtimeMs));
    } else if (request.action === 'start') {
      if (slot.status.state !== 'stopped' && slot.status.state !== 'failed') {
        throw new Error(`${slot.component.name} is ${slot.status.state}; only a stopped component can be started`);
      }
    } else {
      throw new Error(`unknown action "${String(request.action)}" (stop, start or restart)`);
    }
    if (this.shutdown) throw new Error('the stack is stopping');
    await this.startSlot(slot);
    this.writeEnv();
    return slot.status.children.map((c) => c.pid);
  }
}

/** True when this process leads its process group (field 5 of /proc/self/stat is the group id). */
function isProcessGroupLeader(): boolean {
  const stat = readText('/proc/self/stat');
  if (!stat) return false;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2] === String(process.pid);
}

function processRecord(child: ManagedChild): ProcessRecord {
  return { name: child.name, pid: child.pid, startTime: processStartTime(child.pid), logFile: child.logFile };
}
