/** The etcd and kube-apiserver processes: starting them, waiting until they serve, and finding leftovers. */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import { type Logger } from '../../../src/shared/log';
import { type StackContext } from '../component';
import { spawnManaged, type ManagedChild } from '../process';
import { type KubeBinaries } from './build';
import { type KubePaths } from './paths';

export interface ProcessRecord {
  ownerPid: number;
  etcdPid: number;
  apiserverPid: number;
}

export interface ApiServerSettings {
  binaries: KubeBinaries;
  paths: KubePaths;
  port: number;
  etcdPort: number;
}

/** Starts kube-apiserver against the stack's etcd; resolves as soon as the process is spawned. */
export function startApiServer(context: StackContext, settings: ApiServerSettings): ManagedChild {
  const { paths } = settings;
  const args = [
    `--etcd-servers=http://127.0.0.1:${settings.etcdPort}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${settings.port}`,
    `--cert-dir=${path.dirname(paths.caCert)}`,
    `--tls-cert-file=${paths.servingCert}`,
    `--tls-private-key-file=${paths.servingKey}`,
    `--client-ca-file=${paths.caCert}`,
    `--token-auth-file=${paths.tokenFile}`,
    '--authorization-mode=RBAC',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${paths.serviceAccountKey}`,
    `--service-account-signing-key-file=${paths.serviceAccountKey}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    // Without kube-controller-manager nobody creates ServiceAccount tokens, so admission would reject pods.
    '--disable-admission-plugins=ServiceAccount',
    // Keeps the apiserver from writing its loopback address into the `kubernetes` Endpoints every 10 s.
    '--endpoint-reconciler-type=none',
    // Less work on a 2-core machine; the stack has a single client per process.
    '--enable-priority-and-fairness=false',
    // On SIGTERM, end open watches (clients reconnect elsewhere) instead of waiting for them forever.
    '--shutdown-watch-termination-grace-period=2s',
    '--allow-privileged=true',
    '--profiling=false',
  ];
  return spawnManaged({
    name: 'kube-apiserver',
    command: settings.binaries.kubeApiserver,
    args,
    logDir: context.logDir,
    log: context.log,
    onCrash: context.onCrash,
  });
}

export function startEtcd(context: StackContext, binaries: KubeBinaries, paths: KubePaths): ManagedChild {
  const client = `http://127.0.0.1:${context.ports.ETCD_PORT}`;
  const peer = `http://127.0.0.1:${context.ports.ETCD_PEER_PORT}`;
  return spawnManaged({
    name: 'etcd',
    command: binaries.etcd,
    args: [
      '--name=efs-orchestrator-dev',
      `--data-dir=${paths.etcdDataDir}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=efs-orchestrator-dev=${peer}`,
      // A development stack trades durability on power loss for speed; a clean stop loses nothing.
      '--unsafe-no-fsync',
      '--log-level=warn',
    ],
    logDir: context.logDir,
    log: context.log,
    onCrash: context.onCrash,
  });
}

/** Polls `check` until it resolves true; fails early, with the log's tail, if the process exits meanwhile. */
export async function waitUntilServing(
  child: ManagedChild,
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  let exitCode: number | null | undefined;
  void child.exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(
        `${child.name} exited (code ${exitCode}) before it was ready; ${child.logFile} ends with:\n${logTail(child.logFile)}`,
      );
    }
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err;
    }
    await sleep(300);
  }
  const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(
    `timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}${detail}; see ${child.logFile}`,
  );
}

function logTail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export function httpGet(url: string, options: https.RequestOptions = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const client = url.startsWith('https:') ? https : http;
    const request = client.get(url, { ...options, timeout: 5000 }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url} timed out`)));
    request.on('error', reject);
  });
}

/** Stops processes a previous stack process left behind (killed without a chance to stop them). */
export async function stopLeftovers(paths: KubePaths, binaries: KubeBinaries, log: Logger): Promise<void> {
  const record = readProcessRecord(paths);
  if (!record) return;
  const leftovers = [
    { pid: record.apiserverPid, binary: binaries.kubeApiserver },
    { pid: record.etcdPid, binary: binaries.etcd },
  ].filter(({ pid, binary }) => isAlive(pid) && commandOf(pid).startsWith(binary));
  if (leftovers.length > 0 && record.ownerPid !== process.pid && isAlive(record.ownerPid)) {
    throw new Error(
      `the Kubernetes API of the stack in ${path.dirname(paths.kubeDir)} is already running, owned by process ` +
        `${record.ownerPid}: stop that stack first (npm run stack -- down)`,
    );
  }
  for (const { pid, binary } of leftovers) {
    log.warn('stopping a process left over from an earlier run of the stack', { pid, binary });
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 15_000;
    while (isAlive(pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  fs.rmSync(paths.processesFile, { force: true });
}

export function readProcessRecord(paths: KubePaths): ProcessRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(paths.processesFile, 'utf8')) as ProcessRecord;
  } catch {
    return undefined;
  }
}

export function writeProcessRecord(paths: KubePaths, record: ProcessRecord): void {
  const temporary = `${paths.processesFile}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(record));
  fs.renameSync(temporary, paths.processesFile);
}

function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
  } catch {
    return '';
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process whose parent has not reaped it yet is a zombie: it still answers signal 0.
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

export function readPid(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
