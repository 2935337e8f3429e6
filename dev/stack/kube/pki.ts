/** The local Kubernetes API's credentials: a CA, a serving certificate, the service-account key and an admin token. */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { kubeContextName } from './kubeconfig';
import { type KubePaths } from './paths';

/**
 * Creates, once, a CA and a serving certificate for 127.0.0.1/localhost, the service-account
 * signing key and a token file with one admin in system:masters. Returns the admin token.
 */
export function ensureCredentials(paths: KubePaths): string {
  const pkiDir = path.dirname(paths.caCert);
  fs.mkdirSync(pkiDir, { recursive: true, mode: 0o700 });
  const pkiFiles = [paths.caCert, paths.caKey, paths.servingCert, paths.servingKey];
  if (!pkiFiles.every((file) => fs.existsSync(file))) createCertificates(paths, pkiDir);
  if (!fs.existsSync(paths.serviceAccountKey)) openssl(['genrsa', '-out', paths.serviceAccountKey, '2048'], pkiDir);
  if (!fs.existsSync(paths.tokenFile)) {
    // Format: token,user,uid,"groups"; system:masters bypasses RBAC.
    const token = randomBytes(32).toString('hex');
    fs.writeFileSync(paths.tokenFile, `${token},${kubeContextName}-admin,${kubeContextName}-admin,"system:masters"\n`, {
      mode: 0o600,
    });
  }
  return readAdminToken(paths);
}

function readAdminToken(paths: KubePaths): string {
  const token = fs.readFileSync(paths.tokenFile, 'utf8').split(',')[0]?.trim();
  if (!token) throw new Error(`${paths.tokenFile} holds no token; delete it to have a new one generated`);
  return token;
}

function createCertificates(paths: KubePaths, pkiDir: string): void {
  const caConfig = path.join(pkiDir, 'ca.cnf');
  fs.writeFileSync(
    caConfig,
    [
      '[req]',
      'distinguished_name = dn',
      'prompt = no',
      '[dn]',
      `CN = ${kubeContextName}-ca`,
      '[v3_ca]',
      'basicConstraints = critical,CA:TRUE',
      'keyUsage = critical,keyCertSign,cRLSign,digitalSignature',
      'subjectKeyIdentifier = hash',
      '',
    ].join('\n'),
  );
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '3650',
      '-config',
      caConfig,
      '-extensions',
      'v3_ca',
    ].concat(['-keyout', paths.caKey, '-out', paths.caCert]),
    pkiDir,
  );

  const servingConfig = path.join(pkiDir, 'apiserver.cnf');
  fs.writeFileSync(
    servingConfig,
    [
      '[req]',
      'distinguished_name = dn',
      'prompt = no',
      '[dn]',
      'CN = kube-apiserver',
      '[v3_serving]',
      'basicConstraints = critical,CA:FALSE',
      'keyUsage = critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage = serverAuth',
      'authorityKeyIdentifier = keyid,issuer',
      // 10.0.0.1 is the `kubernetes` service's address in --service-cluster-ip-range.
      'subjectAltName = IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.0.0.1',
      '',
    ].join('\n'),
  );
  const csr = path.join(pkiDir, 'apiserver.csr');
  openssl(
    [
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-config',
      servingConfig,
      '-keyout',
      paths.servingKey,
      '-out',
      csr,
    ],
    pkiDir,
  );
  openssl(
    ['x509', '-req', '-in', csr, '-CA', paths.caCert, '-CAkey', paths.caKey, '-days', '3650'].concat(
      ['-set_serial', `0x${randomBytes(16).toString('hex')}`, '-extfile', servingConfig, '-extensions', 'v3_serving'],
      ['-out', paths.servingCert],
    ),
    pkiDir,
  );
  fs.rmSync(csr);
  for (const key of [paths.caKey, paths.servingKey]) fs.chmodSync(key, 0o600);
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        'openssl is needed to create the local Kubernetes API’s certificates: install the openssl package',
      );
    }
    throw new Error(`openssl ${args[0]} failed: ${stderr || (err as Error).message}`);
  }
}
