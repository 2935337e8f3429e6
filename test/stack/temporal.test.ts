import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Client, Connection } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { type RunningComponent, type StackContext } from '../../dev/stack/component';
import { type StackPorts } from '../../dev/stack/ports';
import { pythonTools } from '../../dev/stack/python';
import { isProcessAlive } from '../../dev/stack/stack';
import {
  temporalComponent,
  temporalRetentionMs,
  temporalServerArgs,
  temporalServerRecordPath,
  type TemporalServerRecord,
} from '../../dev/stack/temporal';
import { searchAttributes } from '../../src/api/search-attributes';
import { createLogger } from '../../src/shared/log';
import { freeStackPorts, temporaryStackDir } from '../support/isolated-stack';

interface Crash {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

describe('the Temporal component', () => {
  let dir: string;
  let ports: StackPorts;
  let running: RunningComponent | undefined;
  const crashes: Crash[] = [];
  const timings: string[] = [];

  const context = (): StackContext => ({
    stackDir: dir,
    logDir: path.join(dir, 'logs'),
    ports,
    log: createLogger('test-temporal', { level: 'warn' }),
    env: {},
    onCrash: (child, code, signal) => crashes.push({ name: child.name, code, signal }),
  });

  async function start(label: string): Promise<RunningComponent> {
    const begin = Date.now();
    running = await temporalComponent.start(context());
    timings.push(`${label}: ${Date.now() - begin} ms`);
    return running;
  }

  async function withClient<T>(work: (client: Client, connection: Connection) => Promise<T>): Promise<T> {
    const connection = await Connection.connect({ address: `127.0.0.1:${ports.TEMPORAL_PORT}` });
    try {
      return await work(new Client({ connection, namespace: 'default' }), connection);
    } finally {
      await connection.close();
    }
  }

  beforeAll(async () => {
    dir = await temporaryStackDir('efs-temporal-');
    ports = await freeStackPorts();
    await temporalComponent.install(context());
  });

  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  afterAll(() => {
    process.stdout.write(`Temporal component start times: ${timings.join(', ')}\n`);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('on a database made without them, registers the search attributes, raises retention and serves the UI', async () => {
    // A database created by a bare dev server: no custom search attributes, 24 h retention.
    const bare = temporalServerArgs(dir, ports).filter(
      (arg, i, all) => arg !== '--search-attribute' && all[i - 1] !== '--search-attribute',
    );
    fs.mkdirSync(path.join(dir, 'temporal'), { recursive: true });
    const server = spawn(pythonTools(dir).temporal, bare, { stdio: 'ignore' });
    const exited = new Promise((resolve) => server.once('exit', resolve));
    const before = await waitForServer(ports, async (connection) => {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      return Object.keys(customAttributes ?? {});
    });
    server.kill('SIGTERM');
    await exited;
    expect(before).not.toContain(searchAttributes.syncState.name);

    const component = await start('existing database without search attributes');
    expect(component.env).toEqual({
      TEMPORAL_ADDRESS: `127.0.0.1:${ports.TEMPORAL_PORT}`,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_UI_URL: `http://127.0.0.1:${ports.TEMPORAL_UI_PORT}`,
    });
    expect(component.endpoints).toEqual({
      Temporal: `127.0.0.1:${ports.TEMPORAL_PORT}`,
      'Temporal UI': `http://127.0.0.1:${ports.TEMPORAL_UI_PORT}`,
    });

    await withClient(async (_client, connection) => {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      for (const key of Object.values(searchAttributes)) expect(customAttributes?.[key.name]).toBeDefined();
      const described = await connection.workflowService.describeNamespace({ namespace: 'default' });
      expect(optionalTsToMs(described.config?.workflowExecutionRetentionTtl)).toBe(temporalRetentionMs);
    });

    const ui = await fetch(`http://127.0.0.1:${ports.TEMPORAL_UI_PORT}/`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toMatch(/<html/i);

    const metrics = await fetch(`http://127.0.0.1:${ports.TEMPORAL_METRICS_PORT}/metrics`);
    expect(metrics.status).toBe(200);
    await metrics.arrayBuffer();

    const record = JSON.parse(fs.readFileSync(temporalServerRecordPath(dir), 'utf8')) as TemporalServerRecord;
    expect(record.pid).toBe(component.children[0]?.pid);
    expect(record.args).toEqual(temporalServerArgs(dir, ports));
    expect(record.args).toEqual(expect.arrayContaining(['--db-filename', path.join(dir, 'temporal', 'temporal.db')]));
  });

  it('keeps a workflow, its search attributes and the retention across a stop and a start on the same database', async () => {
    const first = await start('first start');
    const workflowId = `restart-probe-${Date.now()}`;
    const runId = await withClient(async (client) => {
      const handle = await client.workflow.start('restartProbe', {
        taskQueue: 'no-worker-needed',
        workflowId,
        typedSearchAttributes: [{ key: searchAttributes.name, value: workflowId }],
      });
      return handle.firstExecutionRunId;
    });

    const pid = first.children[0]?.pid ?? -1;
    await first.stop();
    running = undefined;
    expect(isProcessAlive(pid)).toBe(false);
    expect(fs.existsSync(temporalServerRecordPath(dir))).toBe(false);
    expect(crashes).toEqual([]);

    const second = await start('restart on the same database');
    expect(second.children[0]?.pid).not.toBe(pid);
    await withClient(async (client, connection) => {
      const description = await client.workflow.getHandle(workflowId).describe();
      expect(description.runId).toBe(runId);
      expect(description.status.name).toBe('RUNNING');
      // The visibility store kept the search attribute too: the run is findable by it.
      const found: string[] = [];
      for await (const execution of client.workflow.list({ query: `KubernetesName = "${workflowId}"` })) {
        found.push(execution.workflowId);
      }
      expect(found).toEqual([workflowId]);
      const described = await connection.workflowService.describeNamespace({ namespace: 'default' });
      expect(optionalTsToMs(described.config?.workflowExecutionRetentionTtl)).toBe(temporalRetentionMs);
    });
  });

  it('reports a server killed from outside through onCrash', async () => {
    const component = await start('start before a kill');
    const child = component.children[0];
    if (!child) throw new Error('the component reported no process');
    process.kill(child.pid, 'SIGKILL');
    await child.exited;
    expect(crashes).toEqual([{ name: 'temporal', code: null, signal: 'SIGKILL' }]);
    crashes.length = 0;
  });

  it('refuses to start when one of its ports is taken, naming the port and its variable', async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(ports.TEMPORAL_UI_PORT, '127.0.0.1', resolve));
    try {
      await expect(temporalComponent.start(context())).rejects.toThrow(
        `port ${ports.TEMPORAL_UI_PORT} ($TEMPORAL_UI_PORT) on 127.0.0.1 is already in use`,
      );
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('fails fast, pointing at its log, when the server exits while starting', async () => {
    const broken = await temporaryStackDir('efs-temporal-broken-');
    try {
      fs.mkdirSync(path.join(broken, 'temporal'));
      fs.writeFileSync(path.join(broken, 'temporal', 'temporal.db'), 'this is not an SQLite database'.repeat(1000));
      const begin = Date.now();
      const failed = temporalComponent.start({ ...context(), stackDir: broken, logDir: path.join(broken, 'logs') });
      await expect(failed).rejects.toThrow(
        /the Temporal server exited \(code 1\) before .* answered; see .*temporal\.log/,
      );
      expect(Date.now() - begin).toBeLessThan(20_000);
      expect(fs.readFileSync(path.join(broken, 'logs', 'temporal.log'), 'utf8')).toMatch(/not a database/);
      expect(crashes.map((c) => c.name)).toEqual(['temporal']);
      crashes.length = 0;
    } finally {
      fs.rmSync(broken, { recursive: true, force: true });
    }
  });
});

async function waitForServer<T>(ports: StackPorts, read: (connection: Connection) => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const connection = await Connection.connect({
        address: `127.0.0.1:${ports.TEMPORAL_PORT}`,
        connectTimeout: 1000,
      });
      try {
        return await read(connection);
      } finally {
        await connection.close();
      }
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
