/**
 * Temporal connection settings: plain, TLS, mutual TLS and API key, resolved from the settings
 * (files read through a stand-in reader), and the secrets never reaching a log line. The
 * handshakes themselves run against a real TLS server in test/packaging/temporal-tls.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { temporalSettings } from '../../src/temporal/settings';
import { ConfigError, loadConfig, type ConfigOf } from '../../src/shared/config';
import { createLogger } from '../../src/shared/log';
import {
  describeTemporalConnection,
  redactTemporalSecrets,
  temporalConnectionOptions,
} from '../../src/temporal/connection';

type TemporalConfig = ConfigOf<typeof temporalSettings>;

const apiKey = 'tcld_secret-api-key-0123456789';
const privateKey = '-----BEGIN PRIVATE KEY-----\nsecret-key-material\n-----END PRIVATE KEY-----\n';
const files: Record<string, string> = {
  '/tls/ca.crt': 'CA PEM',
  '/tls/tls.crt': 'CLIENT CERT PEM',
  '/tls/tls.key': privateKey,
  '/key/api-key': `${apiKey}\n`,
  '/key/empty': '\n',
};
const readFile = (file: string): Buffer => {
  const content = files[file];
  if (content === undefined) throw Object.assign(new Error(`ENOENT: no such file, open '${file}'`), { code: 'ENOENT' });
  return Buffer.from(content);
};

/** The settings as the CLI resolves them from these variables. */
const configFrom = (env: Record<string, string>): TemporalConfig => loadConfig(temporalSettings, new Map(), env);

describe('temporal connection settings', () => {
  it('connect in plain text by default, as on the local stack', () => {
    expect(temporalConnectionOptions(configFrom({ TEMPORAL_ADDRESS: '127.0.0.1:7233' }), readFile)).toEqual({
      address: '127.0.0.1:7233',
      tls: false,
    });
  });

  it('use TLS with the system roots for TEMPORAL_TLS=true', () => {
    expect(temporalConnectionOptions(configFrom({ TEMPORAL_TLS: 'true' }), readFile)).toEqual({
      address: '127.0.0.1:7233',
      tls: {},
    });
  });

  it('read the server CA, the client certificate and key, and the server name for mutual TLS', () => {
    const options = temporalConnectionOptions(
      configFrom({
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/tls/ca.crt',
        TEMPORAL_TLS_CLIENT_CERT_PATH: '/tls/tls.crt',
        TEMPORAL_TLS_CLIENT_KEY_PATH: '/tls/tls.key',
        TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      }),
      readFile,
    );
    expect(options).toEqual({
      address: '127.0.0.1:7233',
      tls: {
        serverNameOverride: 'temporal.internal',
        serverRootCACertificate: Buffer.from('CA PEM'),
        clientCertPair: { crt: Buffer.from('CLIENT CERT PEM'), key: Buffer.from(privateKey) },
      },
    });
  });

  it('send an API key over TLS, from the variable or from a file without its trailing newline', () => {
    const cloud = { TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'ns.acct' };
    const expected = { address: 'ns.acct.tmprl.cloud:7233', tls: {}, apiKey };
    expect(temporalConnectionOptions(configFrom({ ...cloud, TEMPORAL_API_KEY: apiKey }), readFile)).toEqual(expected);
    expect(
      temporalConnectionOptions(configFrom({ ...cloud, TEMPORAL_API_KEY_FILE: '/key/api-key' }), readFile),
    ).toEqual(expected);
    // TLS off on request (a local TLS-terminating proxy), key still sent.
    expect(
      temporalConnectionOptions(configFrom({ ...cloud, TEMPORAL_API_KEY: apiKey, TEMPORAL_TLS: 'false' }), readFile),
    ).toEqual({ ...expected, tls: false });
  });

  it('reject contradictions and unreadable files with errors that name the setting, never a secret', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ TEMPORAL_TLS_CLIENT_CERT_PATH: '/tls/tls.crt' }, /--temporal-tls-key \(\$TEMPORAL_TLS_CLIENT_KEY_PATH\)/],
      [{ TEMPORAL_TLS_CLIENT_KEY_PATH: '/tls/tls.key' }, /mutual TLS needs both/],
      [{ TEMPORAL_TLS: 'false', TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/tls/ca.crt' }, /\$TEMPORAL_TLS\) is false/],
      [{ TEMPORAL_API_KEY: apiKey, TEMPORAL_API_KEY_FILE: '/key/api-key' }, /not both/],
      [{ TEMPORAL_API_KEY_FILE: '/key/empty' }, /\/key\/empty is empty/],
      [{ TEMPORAL_API_KEY_FILE: '/key/missing' }, /\$TEMPORAL_API_KEY_FILE\): cannot read \/key\/missing \(ENOENT\)/],
      [{ TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/tls/nope.crt' }, /cannot read \/tls\/nope\.crt/],
    ];
    for (const [env, message] of cases) {
      let error: unknown;
      try {
        temporalConnectionOptions(configFrom(env), readFile);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain(apiKey);
    }
    expect(() => configFrom({ TEMPORAL_TLS: 'maybe' })).toThrow('$TEMPORAL_TLS: "maybe" is not true, false or auto');
  });
});

describe('what is logged about the connection', () => {
  const logged = (config: TemporalConfig): string => {
    const lines: string[] = [];
    createLogger('worker', { write: (line) => lines.push(line) }).info('worker ready', {
      ...describeTemporalConnection(config),
      config: redactTemporalSecrets(config),
    });
    return lines.join('\n');
  };

  it('says whether TLS and an API key are in use and where they come from, never the key', () => {
    const fromVariable = configFrom({ TEMPORAL_API_KEY: apiKey, TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' });
    const line = logged(fromVariable);
    expect(line).not.toContain(apiKey);
    expect(JSON.parse(line)).toMatchObject({
      temporalAddress: '127.0.0.1:7233',
      tls: { serverCa: 'system roots', clientCert: 'none', serverName: 'temporal.internal' },
      apiKey: 'set (from $TEMPORAL_API_KEY or --temporal-api-key)',
      config: { temporalApiKey: '[redacted]', temporalTlsServerName: 'temporal.internal' },
    });
  });

  it('names the files, not their contents', () => {
    const fromFiles = configFrom({
      TEMPORAL_API_KEY_FILE: '/key/api-key',
      TEMPORAL_TLS_CLIENT_CERT_PATH: '/tls/tls.crt',
      TEMPORAL_TLS_CLIENT_KEY_PATH: '/tls/tls.key',
    });
    const line = logged(fromFiles);
    expect(line).not.toContain(apiKey);
    expect(line).not.toContain('secret-key-material');
    expect(JSON.parse(line)).toMatchObject({
      tls: { serverCa: 'system roots', clientCert: '/tls/tls.crt' },
      apiKey: 'set (from the file /key/api-key)',
    });
  });

  it('says plainly when the connection is neither encrypted nor authenticated', () => {
    expect(JSON.parse(logged(configFrom({})))).toMatchObject({ tls: 'off', apiKey: 'none' });
  });
});
