/**
 * Starts the EFS emulator as an HTTP server: the EFS REST-JSON API, a local STS (form POSTs to `/`,
 * dev/emulator/sts.ts) and, under /__admin, the admin API.
 */
import { type AddressInfo } from 'node:net';
import * as http from 'node:http';
import { type Logger, createLogger } from '../../src/shared/log';
import { EmulatorAdminClient } from './admin-client';
import { adminPrefix } from './admin-types';
import { handleAdmin } from './admin';
import { type ControlledClock } from './clock';
import { Emulator, type EmulatorSettings } from './emulator';
import { send } from './http';
import { isStsRequest } from './sts';

export interface EmulatorOptions extends EmulatorSettings {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Loopback by default. */
  host?: string;
  log?: Logger;
}

export interface RunningEmulator {
  /** The EFS endpoint, e.g. for `new EFSClient({endpoint: url})` or AWS_ENDPOINT_URL_EFS; also the STS endpoint (AWS_ENDPOINT_URL_STS). */
  url: string;
  /** Base of the admin API, e.g. `http://127.0.0.1:18080/__admin`. */
  adminUrl: string;
  host: string;
  port: number;
  /** A typed client of the admin API. */
  admin: EmulatorAdminClient;
  /** The emulator's clock, for in-process tests that want to move time directly. */
  clock: ControlledClock;
  /** The emulator itself (state, faults, counters), for in-process inspection. */
  emulator: Emulator;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const { port = 0, host = '127.0.0.1', log = createLogger('efs-emulator'), ...settings } = options;
  const emulator = new Emulator(settings, log);

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const isAdmin = url.pathname === adminPrefix || url.pathname.startsWith(adminPrefix + '/');
    const handled = isAdmin
      ? handleAdmin(emulator, req, res, url)
      : isStsRequest(req, url)
        ? emulator.handleSts(req, res)
        : emulator.handleEfs(req, res, url);
    handled.catch((err: unknown) => {
      log.error('request failed', { error: err, stack: (err as Error).stack });
      send(
        res,
        {
          status: 500,
          headers: { 'x-amzn-errortype': 'InternalServerError' },
          body: { ErrorCode: 'InternalServerError', Message: String(err) },
        },
        'error',
      );
    });
  });
  // The SDK keeps connections alive; a short idle timeout keeps close() quick for callers that do not.
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${urlHost}:${address.port}`;
  const adminUrl = url + adminPrefix;
  log.info('EFS emulator listening', { url, adminUrl, config: emulator.config });

  let closed: Promise<void> | undefined;
  return {
    url,
    adminUrl,
    host: address.address,
    port: address.port,
    admin: new EmulatorAdminClient(adminUrl),
    clock: emulator.clock,
    emulator,
    close() {
      closed ??= new Promise<void>((resolve) => {
        emulator.faults.release();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
