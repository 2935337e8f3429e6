import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Client, Connection } from '@temporalio/client';
import { type StackComponent } from '../../dev/stack/component';
import { startStackComponent, stopStackComponent } from '../../dev/stack/control';
import { readEnvFile } from '../../dev/stack/env-file';
import { spawnManaged } from '../../dev/stack/process';
import { type StackPorts } from '../../dev/stack/ports';
import { isProcessAlive, readStackState, startStack, stackFiles, type StackState } from '../../dev/stack/stack';
import { restartStackTemporal, temporalComponent } from '../../dev/stack/temporal';
import { createLogger } from '../../src/shared/log';
import { repoRoot } from '../../src/shared/paths';
import { freeStackPorts, portsEnv, temporaryStackDir } from '../support/isolated-stack';

const cliEntry = path.join(repoRoot, 'bin', 'efs-orchestrator.js');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('the stack supervisor', () => {
  let dir: string;
  let ports: StackPorts;
  const timings: string[] = [];

  beforeAll(() => {
    if (!fs.existsSync(path.join(repoRoot, 'dist', 'src', 'cli', 'main.js'))) {
      throw new Error('these tests run the compiled CLI: run `npm run build` first (`npm test` does)');
    }
  });

  const env = (): NodeJS.ProcessEnv => {
    const base: NodeJS.ProcessEnv = { ...process.env, ...portsEnv(ports), EFS_STACK_DIR: dir, LOG_LEVEL: 'info' };
    delete base.EFS_STACK_COMPONENTS;
    return base;
  };

  /** Runs `efs-orchestrator <args>` to completion. */
  function cli(...args: string[]): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [cliEntry, ...args], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  async function up(label: string): Promise<CliResult> {
    const begin = Date.now();
    const result = await cli('stack', 'up', '--components', 'temporal');
    timings.push(`${label}: ${Date.now() - begin} ms`);
    expect(result).toMatchObject({ code: 0 });
    return result;
  }

  function state(): StackState {
    const current = readStackState(dir);
    if (!current) throw new Error(`no state.json in ${dir}`);
    return current;
  }

  const temporalPid = (): number => state().components.find((c) => c.name === 'temporal')?.children[0]?.pid ?? -1;

  /** Pids of every process whose command line mentions the stack folder (supervisor, Temporal...). */
  function processesOf(folder: string): number[] {
    try {
      return execFileSync('pgrep', ['-f', folder], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map(Number)
        .filter(isProcessAlive);
    } catch {
      return []; // pgrep exits 1 when nothing matches
    }
  }

  async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function withClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const connection = await Connection.connect({ address: readEnvFile(stackFiles(dir).env).TEMPORAL_ADDRESS });
    try {
      return await work(new Client({ connection, namespace: readEnvFile(stackFiles(dir).env).TEMPORAL_NAMESPACE }));
    } finally {
      await connection.close();
    }
  }

  async function newStack(): Promise<void> {
    dir = await temporaryStackDir('efs-stack-');
    ports = await freeStackPorts();
  }

  afterEach(async () => {
    // Whatever a test left running must not outlive it.
    for (const pid of processesOf(dir)) process.kill(pid, 'SIGKILL');
    await until('the test’s processes are gone', () => processesOf(dir).length === 0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  afterAll(() => {
    process.stdout.write(`Stack start times (Temporal only): ${timings.join(', ')}\n`);
  });

  it('up starts it in the background, a second up reuses it, status reports it, down stops every process', async () => {
    await newStack();
    const first = await up('stack up, cold Temporal database');
    expect(first.stdout).toContain('Started the stack supervisor in the background');
    expect(first.stdout).toContain('The local stack is ready');
    expect(first.stdout).toContain(`Temporal UI  http://127.0.0.1:${ports.TEMPORAL_UI_PORT}`);

    const { PATH: envPath, ...envValues } = readEnvFile(stackFiles(dir).env);
    expect(envValues).toEqual({
      TEMPORAL_ADDRESS: `127.0.0.1:${ports.TEMPORAL_PORT}`,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_UI_URL: `http://127.0.0.1:${ports.TEMPORAL_UI_PORT}`,
    });
    // The stack's launchers (efs-orchestrator, temporal) come first on PATH.
    expect(envPath?.split(':')[0]).toBe(path.join(dir, 'bin'));
    const ready = state();
    expect(ready).toMatchObject({ phase: 'ready', ready: true, ports, stackDir: dir });
    expect(ready.components.map((c) => [c.name, c.state])).toEqual([['temporal', 'running']]);
    expect(isProcessAlive(ready.supervisor.pid)).toBe(true);
    expect(isProcessAlive(temporalPid())).toBe(true);

    const status = await cli('stack', 'status');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/healthy, ready \(supervisor pid \d+\)/);
    expect(status.stdout).toMatch(new RegExp(`temporal\\s+running pid ${temporalPid()}`));
    const json = JSON.parse((await cli('stack', 'status', '--json')).stdout) as { healthy: boolean };
    expect(json.healthy).toBe(true);

    const second = await up('stack up while running');
    expect(second.stdout).toContain(`already running (supervisor pid ${ready.supervisor.pid}); reusing it`);
    expect(second.stdout).not.toContain('Started the stack supervisor');
    expect(state().supervisor.pid).toBe(ready.supervisor.pid);

    const all = processesOf(dir);
    expect(all).toEqual(expect.arrayContaining([ready.supervisor.pid, temporalPid()]));
    const down = await cli('stack', 'down');
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('The stack has stopped.');
    expect(all.filter(isProcessAlive)).toEqual([]);
    expect(processesOf(dir)).toEqual([]);
    expect(fs.existsSync(stackFiles(dir).env)).toBe(false);
    expect(fs.existsSync(stackFiles(dir).lock)).toBe(false);
    expect(state()).toMatchObject({ phase: 'stopped', ready: false });
    expect(state().components[0]?.state).toBe('stopped');

    const after = await cli('stack', 'status');
    expect(after.code).toBe(1);
    expect(after.stdout).toMatch(/NOT healthy, stopped/);
    expect((await cli('stack', 'down')).stdout).toContain('No stack is running');
  });

  it('restarts only Temporal, on the same database, for a test in another process: a running workflow survives', async () => {
    await newStack();
    await up('stack up');
    const supervisorPid = state().supervisor.pid;
    const workflowId = `survives-restart-${Date.now()}`;
    const runId = await withClient(async (client) => {
      const handle = await client.workflow.start('restartProbe', { taskQueue: 'no-worker-needed', workflowId });
      return handle.firstExecutionRunId;
    });

    for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
      const before = temporalPid();
      const begin = Date.now();
      const after = await restartStackTemporal(dir, { signal, downtimeMs: 500 });
      timings.push(`Temporal restart (${signal}, 0.5 s down): ${Date.now() - begin} ms`);
      expect(after).not.toBe(before);
      expect(isProcessAlive(before)).toBe(false);
      expect(temporalPid()).toBe(after);
      expect(state().supervisor.pid).toBe(supervisorPid);
      expect((await cli('stack', 'status')).code).toBe(0);
      const description = await withClient((client) => client.workflow.getHandle(workflowId).describe());
      expect(description).toMatchObject({ runId, status: { name: 'RUNNING' } });
    }

    // Stopped on purpose, Temporal shows as stopped (not crashed) and the stack is not healthy until it is back.
    await stopStackComponent(dir, 'temporal');
    const stopped = await cli('stack', 'status');
    expect(stopped.code).toBe(1);
    expect(stopped.stdout).toMatch(/temporal\s+stopped/);
    expect(isProcessAlive(supervisorPid)).toBe(true);
    await expect(stopStackComponent(dir, 'temporal')).rejects.toThrow('temporal is stopped, not running');
    await expect(stopStackComponent(dir, 'nonexistent')).rejects.toThrow('no component "nonexistent"');
    const [pid] = await startStackComponent(dir, 'temporal');
    expect(pid).toBe(temporalPid());
    expect((await cli('stack', 'status')).code).toBe(0);

    expect((await cli('stack', 'down')).code).toBe(0);
    expect(processesOf(dir)).toEqual([]);
    await expect(restartStackTemporal(dir)).rejects.toThrow(/no stack supervisor is running/);
  });

  it('reports a crashed Temporal loudly, stops the stack, and a later up starts afresh', async () => {
    await newStack();
    await up('stack up');
    const { supervisor } = state();
    const crashedPid = temporalPid();
    process.kill(crashedPid, 'SIGKILL');
    await until('the supervisor has exited', () => !isProcessAlive(supervisor.pid));

    const crashed = state();
    expect(crashed).toMatchObject({ phase: 'crashed', ready: false });
    expect(crashed.error).toBe(`temporal: process temporal (pid ${crashedPid}) exited on its own (SIGKILL)`);
    expect(crashed.components[0]).toMatchObject({
      name: 'temporal',
      state: 'crashed',
      crash: { process: 'temporal', pid: crashedPid, code: null, signal: 'SIGKILL' },
    });
    const log = fs.readFileSync(stackFiles(dir).supervisorLog, 'utf8');
    expect(log).toContain(`!!! temporal: process temporal (pid ${crashedPid}) exited on its own (SIGKILL)`);
    expect(log).toContain(`!!! its log: ${path.join(dir, 'logs', 'temporal.log')}`);
    expect(processesOf(dir)).toEqual([]);
    expect(fs.existsSync(stackFiles(dir).env)).toBe(false);

    const status = await cli('stack', 'status');
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/NOT healthy, crashed \(its supervisor \(pid \d+\) has exited\)/);
    expect(status.stdout).toMatch(/temporal\s+crashed .*exited on its own \(SIGKILL\); log: /);

    const again = await up('stack up after a crash');
    expect(again.stdout).toContain('The local stack is ready');
    expect(state().supervisor.pid).not.toBe(supervisor.pid);
    expect((await cli('stack', 'down')).code).toBe(0);
  });

  it('finds stale state after the supervisor itself is killed, and cleans up what it left behind', async () => {
    await newStack();
    await up('stack up');
    const { supervisor } = state();
    const orphan = temporalPid();
    process.kill(supervisor.pid, 'SIGKILL');
    await until('the supervisor is gone', () => !isProcessAlive(supervisor.pid));
    expect(isProcessAlive(orphan)).toBe(true);

    const status = await cli('stack', 'status');
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/stale: its supervisor \(pid \d+\) died without cleaning up/);
    expect(status.stdout).toMatch(/temporal\s+gone/);

    // up stops the leftover server (it holds the ports) and starts a new stack on the same database.
    const again = await up('stack up over stale state');
    expect(again.stdout).toContain('The local stack is ready');
    expect(isProcessAlive(orphan)).toBe(false);
    expect(temporalPid()).not.toBe(orphan);
    expect((await cli('stack', 'down')).code).toBe(0);
    expect(processesOf(dir)).toEqual([]);
  });

  /** Starts `efs-orchestrator dev` in its own process group, as a terminal would, and waits until it is ready. */
  async function startDev(): Promise<{ dev: ChildProcess; output: () => string; exited: ReturnType<typeof exitOf> }> {
    const begin = Date.now();
    const dev = spawn(process.execPath, [cliEntry, 'dev', '--components', 'temporal'], {
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    dev.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    dev.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = exitOf(dev);
    await until('dev reports the stack ready', () => output.includes('The local stack is ready'), 60_000);
    timings.push(`dev (foreground) until ready: ${Date.now() - begin} ms`);
    return { dev, output: () => output, exited };
  }

  it.each([
    [
      'Ctrl-C in its terminal (SIGINT to the whole process group)',
      (dev: ChildProcess) => process.kill(-(dev.pid ?? 0), 'SIGINT'),
    ],
    ['SIGTERM', (dev: ChildProcess) => dev.kill('SIGTERM')],
    ['SIGHUP', (dev: ChildProcess) => dev.kill('SIGHUP')],
  ])('dev runs it in the foreground; %s stops every child in order and exits 0', async (_how, stop) => {
    await newStack();
    const { dev, output, exited } = await startDev();
    const recorded = state();
    const pids = [recorded.supervisor.pid, ...recorded.components.flatMap((c) => c.children.map((child) => child.pid))];
    expect(pids).toHaveLength(2);

    stop(dev);
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(pids.filter(isProcessAlive)).toEqual([]);
    expect(processesOf(dir)).toEqual([]);
    expect(state()).toMatchObject({ phase: 'stopped', ready: false });
    // The supervisor stopped Temporal itself: nothing died on its own.
    expect(output()).not.toContain('exited unexpectedly');
    expect(output()).not.toContain('!!!');
  });

  it('dev interrupted while the stack starts stops what it had started and exits 130', async () => {
    await newStack();
    const dev = spawn(process.execPath, [cliEntry, 'dev', '--components', 'temporal'], {
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    dev.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    dev.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = exitOf(dev);
    await until('Temporal is starting', () => output.includes('starting the Temporal dev server'));
    process.kill(-(dev.pid ?? 0), 'SIGINT');
    expect(await exited).toEqual({ code: 130, signal: null });
    expect(output).not.toContain('The local stack is ready');
    expect(processesOf(dir)).toEqual([]);
    expect(state()).toMatchObject({ phase: 'stopped', ready: false, error: 'interrupted by SIGTERM' });
    expect(state().components.map((c) => [c.name, c.state])).toEqual([['temporal', 'stopped']]);
  });

  it('dev refuses a second supervisor on the same folder, and its stack stops even when dev is killed with SIGKILL', async () => {
    await newStack();
    const { dev, exited } = await startDev();
    const recorded = state();
    const temporal = temporalPid();

    const second = await cli('dev', '--components', 'temporal');
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`a stack supervisor (pid ${recorded.supervisor.pid}) already runs on ${dir}`);
    expect(isProcessAlive(temporal)).toBe(true);
    expect(state().supervisor.pid).toBe(recorded.supervisor.pid);

    dev.kill('SIGKILL');
    await exited;
    await until('the orphaned supervisor has stopped the stack', () => !isProcessAlive(recorded.supervisor.pid));
    expect(isProcessAlive(temporal)).toBe(false);
    expect(processesOf(dir)).toEqual([]);
    expect(state()).toMatchObject({ phase: 'stopped' });
  });

  describe('in process, with its own component list', () => {
    /** A stand-in for a later component (say, the worker): a process that needs Temporal's env. */
    function probeComponent(options: { failStart?: boolean } = {}): StackComponent {
      return {
        name: 'probe',
        async install() {},
        async start(context) {
          if (options.failStart) throw new Error('the probe could not start');
          const address = context.env.TEMPORAL_ADDRESS;
          if (!address) throw new Error('the probe needs TEMPORAL_ADDRESS from an earlier component');
          const child = spawnManaged({
            name: 'probe',
            command: process.execPath,
            args: ['-e', 'setInterval(() => {}, 1000)', context.stackDir],
            logDir: context.logDir,
            log: context.log,
            onCrash: context.onCrash,
          });
          return {
            name: 'probe',
            children: [child],
            env: { PROBE_SAW: address, PATH: `${path.join(context.stackDir, 'bin')}:${process.env.PATH ?? ''}` },
            endpoints: { Probe: `pid ${child.pid}` },
            stop: () => child.stop(),
          };
        },
      };
    }

    it('passes the env along, writes it to the env file, and stops everything when one component crashes', async () => {
      await newStack();
      const printed: string[] = [];
      const stack = await startStack({
        stackDir: dir,
        ports,
        components: [temporalComponent, probeComponent()],
        log: createLogger('test-stack', { level: 'warn' }),
        print: (text) => printed.push(text),
      });
      const address = `127.0.0.1:${ports.TEMPORAL_PORT}`;
      expect(stack.env()).toMatchObject({ TEMPORAL_ADDRESS: address, PROBE_SAW: address });
      const envText = fs.readFileSync(stackFiles(dir).env, 'utf8');
      expect(envText).toContain(`export PATH=${path.join(dir, 'bin')}:"$PATH"`);
      expect(readEnvFile(stackFiles(dir).env, { PATH: '/usr/bin' })).toMatchObject({
        PROBE_SAW: address,
        PATH: `${path.join(dir, 'bin')}:/usr/bin`,
      });
      expect(printed.join('')).toMatch(
        /The local stack is ready in [\d.]+ s, supervisor pid \d+: temporal \([\d.]+ s\), probe/,
      );

      const pids = stack.state().components.flatMap((c) => c.children.map((child) => child.pid));
      const probe = stack.state().components[1]?.children[0]?.pid ?? -1;
      process.kill(probe, 'SIGKILL');
      expect(await stack.finished).toBe('crashed');
      expect(pids.filter(isProcessAlive)).toEqual([]);
      expect(readStackState(dir)?.components.map((c) => [c.name, c.state])).toEqual([
        ['temporal', 'stopped'],
        ['probe', 'crashed'],
      ]);
      expect(printed.join('')).toContain(`!!! probe: process probe (pid ${probe}) exited on its own (SIGKILL)`);
    });

    it('stops what it had started when a later component fails to start, and releases the folder', async () => {
      await newStack();
      const options = {
        stackDir: dir,
        ports,
        log: createLogger('test-stack', { level: 'error' }),
        print: () => undefined,
      };
      await expect(
        startStack({ ...options, components: [temporalComponent, probeComponent({ failStart: true })] }),
      ).rejects.toThrow('probe failed to start: the probe could not start');
      expect(processesOf(dir)).toEqual([]);
      expect(readStackState(dir)).toMatchObject({
        phase: 'failed',
        error: 'probe failed to start: the probe could not start',
      });
      expect(readStackState(dir)?.components.map((c) => [c.name, c.state])).toEqual([
        ['temporal', 'stopped'],
        ['probe', 'failed'],
      ]);
      // The lock went with it: the same folder starts again.
      const stack = await startStack({ ...options, components: [temporalComponent] });
      await stack.stop();
      expect(await stack.finished).toBe('stopped');
    });
  });
});

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}
