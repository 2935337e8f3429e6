/**
 * The Temporal connection settings on the wire: a real TLS server on loopback with its own CA,
 * demanding a client certificate, answers the gRPC calls that `Connection.connect` (the watcher,
 * the CLI) and `NativeConnection.connect` (the worker) make first, and records what each client
 * presented: the server name it asked for, its certificate and its Authorization header. This is
 * what talking to Temporal Cloud or a self-hosted cluster with mutual TLS takes. A plaintext gRPC
 * server, like the local dev server, shows what an API key does without TEMPORAL_TLS=false.
 */
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { temporalSettings } from '../../src/temporal/settings';
import { loadConfig } from '../../src/shared/config';
import { repoRoot } from '../../src/shared/paths';
import { connectTemporal, connectTemporalClient, temporalConnectionOptions } from '../../src/temporal/connection';

interface SeenCall {
  path: string;
  authorization?: string;
  serverName: string | false | null;
  clientCommonName?: string | string[];
}

const serverName = 'temporal.test';
const apiKey = 'test-api-key-7f3a';
let dir: string;
let server: http2.Http2SecureServer;
let address: string;
const seen: SeenCall[] = [];

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('this test makes its certificates with openssl: install it (apt-get install openssl)');
    }
    throw err;
  }
}

/** A CA, a server certificate for `serverName` and a client certificate, all signed by the CA. */
function makeCertificates(): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '1',
    '-subj',
    '/CN=test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  for (const [name, subject, extensions] of [
    ['server', '/CN=temporal.test', `subjectAltName=DNS:${serverName}\nextendedKeyUsage=serverAuth\n`],
    ['client', '/CN=efs-orchestrator', 'extendedKeyUsage=clientAuth\n'],
  ] as const) {
    fs.writeFileSync(
      path.join(dir, `${name}.ext`),
      `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n${extensions}`,
    );
    openssl(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
    openssl([
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '1',
      '-out',
      `${name}.crt`,
      '-extfile',
      `${name}.ext`,
    ]);
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'efs-temporal-tls-'));
  makeCertificates();
  const pem = (file: string): Buffer => fs.readFileSync(path.join(dir, file));
  server = http2.createSecureServer({
    key: pem('server.key'),
    cert: pem('server.crt'),
    ca: pem('ca.crt'),
    requestCert: true,
    rejectUnauthorized: true,
    ALPNProtocols: ['h2'],
  });
  server.on('stream', (stream, headers) => {
    const socket = stream.session?.socket as TLSSocket;
    seen.push({
      path: String(headers[':path']),
      authorization: headers.authorization,
      serverName: socket.servername,
      clientCommonName: socket.getPeerCertificate().subject?.CN,
    });
    stream.resume();
    // An empty message is a valid answer to any call (all fields at their defaults), then OK.
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(Buffer.alloc(5));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The settings as the CLI resolves them from these variables. */
function settings(env: Record<string, string>) {
  return loadConfig(temporalSettings, new Map(), { TEMPORAL_ADDRESS: address, ...env });
}

const mutualTls = () => ({
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.join(dir, 'ca.crt'),
  TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, 'client.crt'),
  TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(dir, 'client.key'),
  TEMPORAL_TLS_SERVER_NAME: serverName,
});

function callsSince(start: number): SeenCall[] {
  return seen.slice(start);
}

describe('connecting to Temporal over TLS', () => {
  it('the client (watcher, CLI) presents its certificate, the server name and the API key from a file', async () => {
    fs.writeFileSync(path.join(dir, 'api-key'), `${apiKey}\n`);
    const start = seen.length;
    const connection = await connectTemporalClient(
      settings({ ...mutualTls(), TEMPORAL_API_KEY_FILE: path.join(dir, 'api-key') }),
    );
    await connection.close();
    const calls = callsSince(start);
    expect(calls.map((c) => c.path)).toContain('/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo');
    for (const call of calls) {
      expect(call).toMatchObject({
        authorization: `Bearer ${apiKey}`,
        serverName,
        clientCommonName: 'efs-orchestrator',
      });
    }
  });

  it('the worker’s native connection does the same, with the API key from the variable', async () => {
    const start = seen.length;
    const connection = await NativeConnection.connect(
      temporalConnectionOptions(settings({ ...mutualTls(), TEMPORAL_API_KEY: apiKey })),
    );
    await connection.close();
    const calls = callsSince(start);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      expect(call).toMatchObject({
        authorization: `Bearer ${apiKey}`,
        serverName,
        clientCommonName: 'efs-orchestrator',
      });
    }
  });

  it('without the server’s CA the server is not trusted, and without a client certificate it refuses', async () => {
    const start = seen.length;
    const untrusted = settings({ ...mutualTls(), TEMPORAL_TLS_SERVER_CA_CERT_PATH: '' });
    await expect(
      Connection.connect({ ...temporalConnectionOptions(untrusted), connectTimeout: 3_000 }),
    ).rejects.toThrow();
    const anonymous = settings({
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.join(dir, 'ca.crt'),
      TEMPORAL_TLS_SERVER_NAME: serverName,
    });
    await expect(
      Connection.connect({ ...temporalConnectionOptions(anonymous), connectTimeout: 3_000 }),
    ).rejects.toThrow();
    // Neither got as far as a call.
    expect(callsSince(start)).toEqual([]);
  });
});

describe('an API key against a server without TLS', () => {
  let plain: http2.Http2Server;
  let plainAddress: string;
  const plainCalls: SeenCall[] = [];

  beforeAll(async () => {
    plain = http2.createServer();
    plain.on('stream', (stream, headers) => {
      plainCalls.push({ path: String(headers[':path']), authorization: headers.authorization, serverName: false });
      stream.resume();
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(Buffer.alloc(5));
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    plainAddress = `127.0.0.1:${(plain.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => plain.close(() => resolve()));
  });

  const withKey = (env: Record<string, string> = {}) =>
    loadConfig(temporalSettings, new Map(), { TEMPORAL_ADDRESS: plainAddress, TEMPORAL_API_KEY: apiKey, ...env });
  const explained =
    /TLS is on because an API key is set and --temporal-tls \(\$TEMPORAL_TLS\) is auto: .*TEMPORAL_TLS=false/;

  it('the worker’s native connection says that the API key turned TLS on, and how to turn it off', async () => {
    const failure = connectTemporal(withKey(), (options) => NativeConnection.connect(options));
    await expect(failure).rejects.toThrow(explained);
    // The transport's own words stay in the message, for whoever knows them.
    await expect(failure).rejects.toThrow(/InvalidContentType/);
  });

  it('so does the client’s (watcher, CLI)', async () => {
    await expect(connectTemporalClient(withKey())).rejects.toThrow(explained);
  });

  it('`efs-orchestrator worker` prints it and exits 2, as for any setting to fix', async () => {
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [path.join(repoRoot, 'bin', 'efs-orchestrator.js'), 'worker'],
        {
          env: {
            PATH: process.env.PATH,
            TEMPORAL_ADDRESS: plainAddress,
            TEMPORAL_API_KEY: apiKey,
            KUBECONFIG: '',
            METRICS_PORT: '0',
            TEMPORAL_METRICS_BIND: 'off',
          },
          timeout: 60_000,
        },
        (err, stdout, stderr) => resolve({ code: err ? (err.code as number) : 0, stdout, stderr }),
      );
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(`^efs-orchestrator worker: cannot connect to Temporal at ${plainAddress}`),
    );
    expect(result.stderr).toMatch(explained);
    expect(result.stderr).not.toContain(apiKey);
  });

  it('with TEMPORAL_TLS=false both connect in plain text and send the key', async () => {
    const start = plainCalls.length;
    const client = await connectTemporalClient(withKey({ TEMPORAL_TLS: 'false' }));
    await client.close();
    const native = await connectTemporal(withKey({ TEMPORAL_TLS: 'false' }), (options) =>
      NativeConnection.connect(options),
    );
    await native.close();
    const calls = plainCalls.slice(start);
    expect(calls.length).toBeGreaterThan(1);
    for (const call of calls) expect(call.authorization).toBe(`Bearer ${apiKey}`);
  });

  it('a refused connection is reported as it is, without the TLS hint', async () => {
    const closed = await new Promise<string>((resolve) => {
      const probe = http2.createServer();
      probe.listen(0, '127.0.0.1', () => {
        const port = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(`127.0.0.1:${port}`));
      });
    });
    const native = connectTemporal(withKey({ TEMPORAL_ADDRESS: closed }), (options) =>
      NativeConnection.connect(options),
    );
    await expect(native).rejects.toThrow(/Connection refused/);
    await expect(native).rejects.not.toThrow(/TEMPORAL_TLS/);
    const client = connectTemporal(withKey({ TEMPORAL_ADDRESS: closed }), (options) =>
      Connection.connect({ ...options, connectTimeout: 2_000 }),
    );
    await expect(client).rejects.toThrow(/Failed to connect before the deadline/);
    await expect(client).rejects.not.toThrow(/TEMPORAL_TLS/);
  });
});
