import * as fs from 'node:fs';
import * as net from 'node:net';
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import { temporalSettings, type TlsMode } from './settings';
import { ConfigError } from '../shared/config';
import { type LogFields } from '../shared/log';

/**
 * How the worker, the watcher and the CLI reach Temporal: plain on the local stack, TLS or mutual
 * TLS against a self-hosted cluster, an API key against Temporal Cloud. The secrets (private key,
 * API key) live only in the connection: they are never logged (describeTemporalConnection) and
 * never passed to workflows or activities, so they cannot end up in a workflow history.
 */
export interface TemporalConnectionConfig {
  temporalAddress: string;
  temporalTls: TlsMode;
  temporalTlsServerCaCertPath: string;
  temporalTlsClientCertPath: string;
  temporalTlsClientKeyPath: string;
  temporalTlsServerName: string;
  temporalApiKey: string;
  temporalApiKeyFile: string;
}

/** What both `Connection.connect` (client) and `NativeConnection.connect` (worker) accept. */
export interface TemporalConnectionOptions {
  address: string;
  /** Always explicit: the SDK would otherwise turn TLS on by itself whenever an API key is set. */
  tls: TLSConfig | false;
  apiKey?: string;
}

type ReadFile = (file: string) => Buffer;

/** Resolves the settings into connection options, reading the certificate and key files. Throws ConfigError. */
export function temporalConnectionOptions(
  config: TemporalConnectionConfig,
  readFile: ReadFile = (file) => fs.readFileSync(file),
): TemporalConnectionOptions {
  const apiKey = resolveApiKey(config, readFile);
  const certPath = config.temporalTlsClientCertPath;
  const keyPath = config.temporalTlsClientKeyPath;
  if ((certPath === '') !== (keyPath === '')) {
    throw new ConfigError(
      `mutual TLS needs both ${source('temporalTlsClientCertPath')} and ${source('temporalTlsClientKeyPath')}; only one is set`,
    );
  }
  const tlsOn = tlsEnabled(config, apiKey !== undefined);
  if (!tlsOn && tlsSettingsGiven(config)) {
    throw new ConfigError(
      `${source('temporalTls')} is false, yet a TLS certificate, CA or server name is set: remove one or the other`,
    );
  }
  const options: TemporalConnectionOptions = { address: config.temporalAddress, tls: false };
  if (apiKey !== undefined) options.apiKey = apiKey;
  if (!tlsOn) return options;

  const tls: TLSConfig = {};
  if (config.temporalTlsServerName) tls.serverNameOverride = config.temporalTlsServerName;
  if (config.temporalTlsServerCaCertPath) {
    tls.serverRootCACertificate = readSettingFile('temporalTlsServerCaCertPath', config, readFile);
  }
  if (certPath) {
    tls.clientCertPair = {
      crt: readSettingFile('temporalTlsClientCertPath', config, readFile),
      key: readSettingFile('temporalTlsClientKeyPath', config, readFile),
    };
  }
  options.tls = tls;
  return options;
}

/**
 * Connects with the configured TLS and API key through `connect` (`Connection.connect` for a
 * client, `NativeConnection.connect` for the worker). When TLS is on only because an API key is
 * set, a failure says so and how to turn TLS off: the SDKs' own message then is a bare transport
 * error (`InvalidContentType` from the worker's, a connect deadline from the client's).
 */
export async function connectTemporal<C>(
  config: TemporalConnectionConfig,
  connect: (options: TemporalConnectionOptions) => Promise<C>,
): Promise<C> {
  const options = temporalConnectionOptions(config);
  try {
    return await connect(options);
  } catch (err) {
    const tlsOnlyForApiKey = options.tls !== false && options.apiKey !== undefined && config.temporalTls === 'auto';
    // Only a server that answers on the port can be one that speaks no TLS.
    if (!tlsOnlyForApiKey || !(await acceptsTcp(config.temporalAddress))) throw err;
    throw new ConfigError(
      `cannot connect to Temporal at ${config.temporalAddress} over TLS (${(err as Error).message}). TLS is on ` +
        `because an API key is set and ${source('temporalTls')} is auto: a server without TLS, like the local ` +
        `dev server, needs ${temporalSettings.temporalTls.env}=false (or --${temporalSettings.temporalTls.flag}=false)`,
      { cause: err },
    );
  }
}

/** Whether something accepts TCP connections at `host:port` (a hostname, IPv4 or bracketed IPv6). */
async function acceptsTcp(address: string, timeoutMs = 3_000): Promise<boolean> {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  if (!match) return false;
  return new Promise((resolve) => {
    const socket = net.connect({ host: match[1], port: Number(match[2]), timeout: timeoutMs });
    const done = (accepted: boolean): void => {
      socket.destroy();
      resolve(accepted);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/** A client connection (the watcher, the CLI) with the configured TLS and API key. */
export async function connectTemporalClient(config: TemporalConnectionConfig): Promise<Connection> {
  return connectTemporal(config, (options) => Connection.connect(options));
}

/** A workflow client in the configured Temporal namespace, on a connection of its own that the caller closes. */
export async function connectWorkflowClient(
  config: TemporalConnectionConfig & { temporalNamespace: string },
): Promise<{ client: Client; connection: Connection }> {
  const connection = await connectTemporalClient(config);
  return { client: new Client({ connection, namespace: config.temporalNamespace }), connection };
}

/**
 * The connection settings as they may be logged: file paths and whether TLS and an API key are in
 * use, never a key itself.
 */
export function describeTemporalConnection(config: TemporalConnectionConfig): LogFields {
  const apiKey = config.temporalApiKeyFile
    ? `set (from the file ${config.temporalApiKeyFile})`
    : config.temporalApiKey
      ? `set (from $${temporalSettings.temporalApiKey.env} or --${temporalSettings.temporalApiKey.flag})`
      : 'none';
  const tlsOn = tlsEnabled(config, apiKey !== 'none');
  return {
    temporalAddress: config.temporalAddress,
    tls: tlsOn
      ? {
          serverCa: config.temporalTlsServerCaCertPath || 'system roots',
          clientCert: config.temporalTlsClientCertPath || 'none',
          ...(config.temporalTlsServerName ? { serverName: config.temporalTlsServerName } : {}),
        }
      : 'off',
    apiKey,
  };
}

/** A copy of any config with the Temporal API key replaced, for code that logs a whole config object. */
export function redactTemporalSecrets<C extends Partial<TemporalConnectionConfig>>(config: C): C {
  return config.temporalApiKey ? { ...config, temporalApiKey: '[redacted]' } : config;
}

function tlsSettingsGiven(config: TemporalConnectionConfig): boolean {
  return Boolean(
    config.temporalTlsServerCaCertPath || config.temporalTlsClientCertPath || config.temporalTlsServerName,
  );
}

function tlsEnabled(config: TemporalConnectionConfig, hasApiKey: boolean): boolean {
  return config.temporalTls === 'auto' ? tlsSettingsGiven(config) || hasApiKey : config.temporalTls;
}

function resolveApiKey(config: TemporalConnectionConfig, readFile: ReadFile): string | undefined {
  if (config.temporalApiKey && config.temporalApiKeyFile) {
    throw new ConfigError(
      `set the API key either with ${source('temporalApiKey')} or with ${source('temporalApiKeyFile')}, not both`,
    );
  }
  if (config.temporalApiKey) return config.temporalApiKey;
  if (!config.temporalApiKeyFile) return undefined;
  // A key file written with `echo` ends in a newline, which is not part of the key.
  const key = readSettingFile('temporalApiKeyFile', config, readFile).toString('utf8').trim();
  if (key === '') throw new ConfigError(`${source('temporalApiKeyFile')}: ${config.temporalApiKeyFile} is empty`);
  return key;
}

type FileSetting =
  'temporalTlsServerCaCertPath' | 'temporalTlsClientCertPath' | 'temporalTlsClientKeyPath' | 'temporalApiKeyFile';

function readSettingFile(key: FileSetting, config: TemporalConnectionConfig, readFile: ReadFile): Buffer {
  const file = config[key];
  try {
    return readFile(file);
  } catch (err) {
    // The message names the file, never its content.
    throw new ConfigError(`${source(key)}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function source(key: keyof typeof temporalSettings): string {
  const setting = temporalSettings[key];
  return `--${setting.flag} ($${setting.env})`;
}
