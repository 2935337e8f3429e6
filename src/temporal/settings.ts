import { taskQueue } from '../api/workflow-contract';
import { ConfigError, parsers, type Setting } from '../shared/config';

/** How the worker, the watcher and the CLI find and reach Temporal: one definition for all three. */
const setting = <T>(s: Setting<T>): Setting<T> => s;

/** `auto` turns TLS on as soon as any TLS file, a server name or an API key is given. */
export type TlsMode = 'auto' | boolean;

function parseTlsMode(raw: string): TlsMode {
  if (raw === 'auto') return 'auto';
  try {
    return parsers.boolean(raw);
  } catch {
    throw new ConfigError(`"${raw}" is not true, false or auto`);
  }
}

export const temporalSettings = {
  temporalAddress: setting({
    flag: 'temporal-address',
    env: 'TEMPORAL_ADDRESS',
    default: '127.0.0.1:7233',
    description: 'Temporal frontend host:port',
    parse: parsers.string,
  }),
  temporalNamespace: setting({
    flag: 'temporal-namespace',
    env: 'TEMPORAL_NAMESPACE',
    default: 'default',
    description: 'Temporal namespace',
    parse: parsers.string,
  }),
  taskQueue: setting({
    flag: 'task-queue',
    env: 'EFS_ORCHESTRATOR_TASK_QUEUE',
    default: taskQueue,
    description: 'Temporal task queue of the workflows',
    parse: parsers.string,
  }),
  // Connection security, named like Temporal's own client environment configuration so that a
  // Temporal Cloud profile's variables work unchanged. Files are read at connect time.
  temporalTls: setting<TlsMode>({
    flag: 'temporal-tls',
    env: 'TEMPORAL_TLS',
    default: 'auto',
    description:
      'TLS to Temporal: true, false or auto (on when a CA, client certificate, server name or API key is set)',
    parse: parseTlsMode,
  }),
  temporalTlsServerCaCertPath: setting({
    flag: 'temporal-tls-ca',
    env: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
    default: '',
    description: 'PEM file of the CA that signed the Temporal server certificate (empty: the system roots)',
    parse: parsers.string,
  }),
  temporalTlsClientCertPath: setting({
    flag: 'temporal-tls-cert',
    env: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
    default: '',
    description: 'PEM client certificate for mutual TLS (with --temporal-tls-key)',
    parse: parsers.string,
  }),
  temporalTlsClientKeyPath: setting({
    flag: 'temporal-tls-key',
    env: 'TEMPORAL_TLS_CLIENT_KEY_PATH',
    default: '',
    description: 'PEM private key of the client certificate',
    parse: parsers.string,
  }),
  temporalTlsServerName: setting({
    flag: 'temporal-tls-server-name',
    env: 'TEMPORAL_TLS_SERVER_NAME',
    default: '',
    description: 'Name the server certificate must carry, when it differs from the address host (SNI override)',
    parse: parsers.string,
  }),
  temporalApiKey: setting({
    flag: 'temporal-api-key',
    env: 'TEMPORAL_API_KEY',
    default: '',
    description: 'Temporal API key (Temporal Cloud); prefer the variable or a key file to the flag, which ps shows',
    parse: parsers.string,
  }),
  temporalApiKeyFile: setting({
    flag: 'temporal-api-key-file',
    env: 'TEMPORAL_API_KEY_FILE',
    default: '',
    description: 'File holding the Temporal API key (e.g. a mounted Secret)',
    parse: parsers.string,
  }),
};
