/**
 * The emulator as a separate process: `efs-orchestrator emulator` from the compiled CLI, and the
 * stack component that starts it. Both need `npm run build` (npm test builds first).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { CreateFileSystemCommand, DescribeFileSystemsCommand, FileSystemLimitExceeded } from '@aws-sdk/client-efs';
import { EmulatorAdminClient } from '../../dev/emulator/admin-client';
import { emulatorComponent } from '../../dev/emulator/component';
import { type RunningComponent } from '../../dev/stack/component';
import { resolvePorts } from '../../dev/stack/ports';
import { createLogger } from '../../src/shared/log';
import { repoRoot } from '../../src/shared/paths';
import { freePort } from '../support/free-port';
import { useTemporaryDirs } from '../support/temp-dirs';
import { efsClient, quietLog, rejectionOf } from './support/emulator';

const cli = path.join(repoRoot, 'bin', 'efs-orchestrator.js');

function requireBuild(): void {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'src', 'cli', 'main.js'))) {
    throw new Error('these tests run the compiled CLI: run `npm run build` first (npm test does)');
  }
}

// The component tests write a stack folder each; they are removed after each test, and the file fails if any remains.
const componentDirs = useTemporaryDirs('efs-emulator-component-');

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts the CLI and resolves with the URL it prints on stdout. */
function startCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  requireBuild();
  const child = spawn(process.execPath, [cli, 'emulator', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /EFS emulator: (http:\/\/\S+)/.exec(stdout)?.[1];
      if (url) resolve({ child, url, stderr: () => stderr });
    });
    child.once('exit', (code) => reject(new Error(`the emulator exited with ${code} before it was ready: ${stderr}`)));
  });
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

describe('efs-orchestrator emulator', () => {
  it('serves EFS on the port it is given, with flags for the delays, logging JSON, and stops on SIGTERM with exit code 0', async () => {
    const port = await freePort();
    const { child, url, stderr } = await startCli(['--port', String(port), '--create-delay-ms', '200']);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const client = efsClient(url);
    const created = await client.send(new CreateFileSystemCommand({ CreationToken: 'cli' }));
    expect(created.LifeCycleState).toBe('creating');
    await new Promise((r) => setTimeout(r, 250));
    const described = await client.send(new DescribeFileSystemsCommand({ FileSystemId: created.FileSystemId }));
    expect(described.FileSystems?.[0]?.LifeCycleState).toBe('available');

    const exited = exitOf(child);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const logLines = stderr()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { component: string; msg: string });
    expect(logLines.map((l) => l.msg)).toEqual(expect.arrayContaining(['EFS emulator listening', 'stopping']));
    expect(logLines.every((l) => l.component === 'efs-emulator')).toBe(true);
  });

  it('logs for people on a terminal, and JSON there too with LOG_FORMAT=json', async () => {
    // `script` (util-linux) runs the command on a pseudo-terminal: stderr is a TTY, as in `npm run dev`.
    const onTerminal = async (env: NodeJS.ProcessEnv): Promise<string[]> => {
      requireBuild();
      const command = `'${process.execPath}' '${cli}' emulator --port 0`;
      const child = spawn('script', ['-qfec', command, '/dev/null'], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let output = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('EFS emulator: http')) resolve();
        });
        child.once('error', (err) => reject(new Error(`cannot run script (util-linux): ${err.message}`)));
        child.once('exit', (code) => reject(new Error(`exited with ${code} before it was ready: ${output}`)));
      });
      const exited = exitOf(child);
      child.kill('SIGTERM');
      await exited;
      return output.split(/\r?\n/).filter((line) => line.includes('EFS emulator listening'));
    };
    const [human] = await onTerminal({ LOG_FORMAT: '' });
    expect(human).toMatch(
      /^\d\d:\d\d:\d\d info {2}efs-emulator: EFS emulator listening {2}url=http:\/\/127\.0\.0\.1:\d+ /,
    );
    const [json] = await onTerminal({ LOG_FORMAT: 'json' });
    expect(JSON.parse(json as string)).toMatchObject({
      level: 'info',
      component: 'efs-emulator',
      msg: 'EFS emulator listening',
    });
  });

  it('takes its settings from the environment too (EFS_EMULATOR_*), and stops on SIGINT', async () => {
    const { child, url } = await startCli([], {
      EFS_EMULATOR_PORT: '0',
      EFS_EMULATOR_FILE_SYSTEM_LIMIT: '1',
      EFS_EMULATOR_ACCOUNT_ID: '111122223333',
    });
    const client = efsClient(url);
    const created = await client.send(new CreateFileSystemCommand({ CreationToken: 'env-1' }));
    expect(created.OwnerId).toBe('111122223333');
    expect(await rejectionOf(client.send(new CreateFileSystemCommand({ CreationToken: 'env-2' })))).toBeInstanceOf(
      FileSystemLimitExceeded,
    );
    const exited = exitOf(child);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('throttles by rate as AWS does unless told not to: 10 requests a second per operation family by default', async () => {
    const { url } = await startCli(['--port', '0']);
    const admin = new EmulatorAdminClient(`${url}/__admin`);
    expect((await admin.throttle()).settings).toEqual({ enabled: true, ratePerSecond: 10, burst: 10, families: {} });
    const sentAt = Date.now();
    const results = await Promise.allSettled(
      Array.from({ length: 15 }, () => efsClient(url).send(new DescribeFileSystemsCommand({}))),
    );
    // The bucket holds 10 and refills 10 a second: a slow machine earns a token per 100 ms spent sending.
    const refilled = Math.ceil(((Date.now() - sentAt) / 1000) * 10);
    const fulfilled = results.filter((r) => r.status === 'fulfilled').length;
    expect(fulfilled).toBeGreaterThanOrEqual(10);
    expect(fulfilled).toBeLessThanOrEqual(Math.min(15, 10 + refilled));
    for (const r of results) if (r.status === 'rejected') expect(String(r.reason)).toMatch(/Throttling|Rate exceeded/);
    if (refilled < 5) expect(fulfilled).toBeLessThan(15);

    const off = await startCli(['--port', '0', '--throttle', 'false', '--throttle-rate', '2']);
    expect((await new EmulatorAdminClient(`${off.url}/__admin`).throttle()).settings).toMatchObject({
      enabled: false,
      ratePerSecond: 2,
    });
  });

  it('refuses a bad setting with exit code 2 and a message naming the flag', async () => {
    requireBuild();
    const child = spawn(process.execPath, [cli, 'emulator', '--create-delay-ms', 'soon'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await exitOf(child)).toBe(2);
    expect(stderr).toContain('--create-delay-ms: "soon" is not a non-negative number');
  });
});

describe('emulatorComponent', () => {
  let running: RunningComponent | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it('starts the emulator on EFS_EMULATOR_PORT, waits until it answers, and hands back the env for AWS clients', async () => {
    requireBuild();
    const port = await freePort();
    const dir = componentDirs.make();
    const crashes: string[] = [];
    await emulatorComponent.install({
      stackDir: dir,
      logDir: dir,
      ports: resolvePorts({}),
      log: quietLog,
      env: {},
      onCrash: () => {},
    });
    running = await emulatorComponent.start({
      stackDir: dir,
      logDir: path.join(dir, 'logs'),
      ports: { ...resolvePorts({}), EFS_EMULATOR_PORT: port },
      log: quietLog,
      env: {},
      onCrash: (child) => crashes.push(child.name),
    });
    const url = `http://127.0.0.1:${port}`;
    expect(running.env).toEqual({
      AWS_ENDPOINT_URL_EFS: url,
      // The local STS is served on the same port.
      AWS_ENDPOINT_URL_STS: url,
      EFS_EMULATOR_ADMIN_URL: `${url}/__admin`,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    expect(running.endpoints).toEqual({
      'EFS endpoint': url,
      'STS endpoint': url,
      'EFS emulator admin API': `${url}/__admin`,
    });
    expect(running.children.map((c) => c.name)).toEqual(['efs-emulator']);

    const created = await efsClient(running.env.AWS_ENDPOINT_URL_EFS as string).send(
      new CreateFileSystemCommand({ CreationToken: 'component' }),
    );
    const admin = new EmulatorAdminClient(running.env.EFS_EMULATOR_ADMIN_URL as string);
    expect((await admin.fileSystems()).map((f) => f.FileSystemId)).toEqual([created.FileSystemId]);
    expect(fs.readFileSync(path.join(dir, 'logs', 'efs-emulator.log'), 'utf8')).toContain('EFS emulator listening');

    await running.stop();
    running = undefined;
    await expect(fetch(`${url}/__admin/health`)).rejects.toThrow();
    expect(crashes).toEqual([]);
  });

  it('fails with the log file named when the emulator cannot start (port taken)', async () => {
    requireBuild();
    // Accepts connections and never answers, as an unrelated service on the port might.
    const blocker = net.createServer((socket) => sockets.push(socket));
    const sockets: net.Socket[] = [];
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const dir = componentDirs.make();
    const logged: string[] = [];
    const crashes: string[] = [];
    try {
      const err = await rejectionOf(
        emulatorComponent.start({
          stackDir: dir,
          logDir: dir,
          ports: { ...resolvePorts({}), EFS_EMULATOR_PORT: port },
          log: createLogger('stack', { write: (line) => logged.push(line) }),
          env: {},
          onCrash: (child) => crashes.push(child.name),
        }),
      );
      expect(err.message).toContain(
        `the EFS emulator exited during startup; see ${path.join(dir, 'efs-emulator.log')}`,
      );
      expect(crashes).toEqual(['efs-emulator']);
      expect(logged.join('\n')).toContain('stack process exited unexpectedly');
      expect(fs.readFileSync(path.join(dir, 'efs-emulator.log'), 'utf8')).toContain('EADDRINUSE');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
