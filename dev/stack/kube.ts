import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { KubeConfig, V1CustomResourceDefinition } from '@kubernetes/client-node' with {
  'resolution-mode': 'import',
};
import * as YAML from 'yaml';
import { type Logger } from '../../src/shared/log';
import { repoRoot } from '../../src/shared/paths';
import { type RunningComponent, type StackComponent, type StackContext } from './component';
import { spawnManaged, waitFor, type ManagedChild } from './process';

// client-node 1.x is an ES module; Node 20.19+ loads it with require(), which keeps this file CommonJS.
const k8s = require('@kubernetes/client-node') as typeof import('@kubernetes/client-node', {
  with: { 'resolution-mode': 'import' },
});

/** The wrapper Go module that pins kube-apiserver and etcd (go.mod + go.sum). */
export const kubeModuleDir = path.join(repoRoot, 'dev', 'kube');
/** The project's CustomResourceDefinitions, installed on every start. */
export const defaultCrdDir = path.join(repoRoot, 'config', 'crd');
/** Name of the cluster, user prefix and context in the stack's kubeconfig. */
export const kubeContextName = 'efs-orchestrator-dev';
const fieldManager = 'efs-orchestrator-dev-stack';

// ---------------------------------------------------------------------------------------------
// Building kube-apiserver and etcd from the wrapper module
// ---------------------------------------------------------------------------------------------

/** Measured on 2 cores with empty Go caches (module download included). */
const coldBuildMinutes = 8;

interface WrapperModule {
  goVersion: string;
  kubernetesVersion: string;
  etcdVersion: string;
}

export function readWrapperModule(dir: string = kubeModuleDir): WrapperModule {
  const goMod = fs.readFileSync(path.join(dir, 'go.mod'), 'utf8');
  const find = (pattern: RegExp, what: string): string => {
    const match = pattern.exec(goMod);
    if (!match?.[1]) throw new Error(`${path.join(dir, 'go.mod')} has no ${what}`);
    return match[1];
  };
  return {
    goVersion: find(/^go (\d+\.\d+(?:\.\d+)?)\s*$/m, '`go` line'),
    kubernetesVersion: find(/^\s*k8s\.io\/kubernetes (v\d+\.\d+\.\d+)\s*$/m, 'k8s.io/kubernetes requirement'),
    etcdVersion: find(
      /^\s*go\.etcd\.io\/etcd\/server\/v3 (v\d+\.\d+\.\d+)\s*$/m,
      'go.etcd.io/etcd/server/v3 requirement',
    ),
  };
}

interface BuildTarget {
  binary: 'kube-apiserver' | 'etcd';
  goPackage: string;
  version: string;
  ldflags: string;
}

function buildTargets(module: WrapperModule): BuildTarget[] {
  const [, major, minor] = /^v(\d+)\.(\d+)/.exec(module.kubernetesVersion) ?? [];
  // Built from the module cache, /version would otherwise say v0.0.0-master and kubectl would warn about skew.
  const versionStamp = [
    `-X k8s.io/component-base/version.gitVersion=${module.kubernetesVersion}`,
    `-X k8s.io/component-base/version.gitMajor=${major}`,
    `-X k8s.io/component-base/version.gitMinor=${minor}`,
  ].join(' ');
  return [
    {
      binary: 'kube-apiserver',
      goPackage: 'k8s.io/kubernetes/cmd/kube-apiserver',
      version: module.kubernetesVersion,
      ldflags: `-s -w ${versionStamp}`,
    },
    { binary: 'etcd', goPackage: 'go.etcd.io/etcd/server/v3', version: module.etcdVersion, ldflags: '-s -w' },
  ];
}

export interface KubeBinaries {
  kubeApiserver: string;
  etcd: string;
  kubernetesVersion: string;
}

export function kubeBinaries(binDir: string, moduleDir: string = kubeModuleDir): KubeBinaries {
  return {
    kubeApiserver: path.join(binDir, 'kube-apiserver'),
    etcd: path.join(binDir, 'etcd'),
    kubernetesVersion: readWrapperModule(moduleDir).kubernetesVersion,
  };
}

export interface BuildOptions {
  binDir: string;
  /** Full output of the Go builds (every compiled package, errors). */
  logFile: string;
  log: Logger;
  moduleDir?: string;
  /** How often a progress line is logged while Go compiles. */
  progressIntervalMs?: number;
}

export interface BuildResult {
  binaries: KubeBinaries;
  /** False when the stamp matched and nothing ran. */
  built: boolean;
  seconds: number;
}

/**
 * Builds kube-apiserver and etcd into `binDir`, once: a stamp holding the hash of the wrapper's
 * go.mod, go.sum and build flags makes later calls free until the pins change. Concurrent callers
 * (several stacks or test files) share one build through a lock directory.
 */
export async function ensureKubeBinaries(options: BuildOptions): Promise<BuildResult> {
  const started = Date.now();
  const moduleDir = options.moduleDir ?? kubeModuleDir;
  const binaries = kubeBinaries(options.binDir, moduleDir);
  const stampFile = path.join(options.binDir, '.kube-build.sha256');
  const upToDate = (): boolean =>
    fs.existsSync(binaries.kubeApiserver) &&
    fs.existsSync(binaries.etcd) &&
    fs.existsSync(stampFile) &&
    fs.readFileSync(stampFile, 'utf8') === buildStamp(moduleDir);
  if (upToDate()) return { binaries, built: false, seconds: (Date.now() - started) / 1000 };

  fs.mkdirSync(options.binDir, { recursive: true });
  return withLock(path.join(options.binDir, '.kube-build.lock'), options.log, async () => {
    if (upToDate()) return { binaries, built: false, seconds: (Date.now() - started) / 1000 };
    const module = readWrapperModule(moduleDir);
    const env = goBuildEnv();
    checkGo(module.goVersion, env);
    fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
    fs.writeFileSync(options.logFile, '');
    for (const target of buildTargets(module)) {
      await buildTarget(target, moduleDir, env, options);
    }
    // After the builds: -mod=mod may have tidied go.mod/go.sum, and the stamp must describe the result.
    fs.writeFileSync(stampFile, buildStamp(moduleDir));
    const seconds = (Date.now() - started) / 1000;
    options.log.info('kube-apiserver and etcd are built', { binDir: options.binDir, seconds: Math.round(seconds) });
    return { binaries, built: true, seconds };
  });
}

function buildStamp(moduleDir: string): string {
  const module = readWrapperModule(moduleDir);
  const hash = createHash('sha256');
  for (const file of ['go.mod', 'go.sum']) hash.update(fs.readFileSync(path.join(moduleDir, file)));
  hash.update(JSON.stringify(buildTargets(module)));
  return hash.digest('hex');
}

function goBuildEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CGO_ENABLED: '0',
    // The wrapper's go line is the minimum; never let go fetch another toolchain behind our back.
    GOTOOLCHAIN: 'local',
    // -buildvcs=false: the wrapper lives inside the project's git checkout, whose state is irrelevant here.
    GOFLAGS: '-mod=mod -buildvcs=false',
  };
}

function checkGo(required: string, env: NodeJS.ProcessEnv): void {
  const howToInstall =
    `Go ${required} or newer is needed to build kube-apiserver and etcd for the local stack: ` +
    'install it from https://go.dev/doc/install and put `go` on PATH';
  let found: string;
  try {
    found = execFileSync('go', ['env', 'GOVERSION'], { env, encoding: 'utf8' }).trim();
  } catch (err) {
    throw new Error(`${howToInstall} (running \`go env GOVERSION\` failed: ${(err as Error).message})`);
  }
  if (compareVersions(found.replace(/^go/, ''), required) < 0) throw new Error(`${howToInstall} (found ${found})`);
}

function compareVersions(a: string, b: string): number {
  const parse = (v: string): number[] => v.split(/[.a-z-]/).map((part) => Number(part) || 0);
  const [left, right] = [parse(a), parse(b)];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

async function buildTarget(
  target: BuildTarget,
  moduleDir: string,
  env: NodeJS.ProcessEnv,
  options: BuildOptions,
): Promise<void> {
  const { log, logFile } = options;
  const output = path.join(options.binDir, target.binary);
  log.info(
    `building ${target.binary} ${target.version} (first run: ~${coldBuildMinutes} min on 2 cores for both binaries with ` +
      'empty Go caches, seconds when they are warm)',
    { logFile },
  );
  log.info(`resolving the packages of ${target.binary} (downloads Go modules on the first run)`);
  const listed = await runGo(['list', '-deps', target.goPackage], moduleDir, env, logFile);
  const total = listed.stdout.split('\n').filter(Boolean).length;

  const partial = `${output}.partial`;
  const started = Date.now();
  let compiled = 0;
  const progressTimer = setInterval(() => {
    log.info(`building ${target.binary}: ${compiled} of at most ${total} packages compiled`, {
      elapsedSeconds: Math.round((Date.now() - started) / 1000),
    });
  }, options.progressIntervalMs ?? 30_000);
  try {
    await runGo(
      ['build', '-v', '-trimpath', '-ldflags', target.ldflags, '-o', partial, target.goPackage],
      moduleDir,
      env,
      logFile,
      // `go build -v` names each package as it compiles it: one line each, no spaces.
      (line) => {
        if (/^\S+$/.test(line)) compiled++;
      },
    );
  } finally {
    clearInterval(progressTimer);
  }
  fs.renameSync(partial, output);
  log.info(`built ${target.binary} ${target.version}`, {
    path: output,
    packagesCompiled: compiled,
    seconds: Math.round((Date.now() - started) / 1000),
  });
}

/** Runs `go`, appending stderr to the build log; rejects with the log's tail on failure. */
function runGo(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  logFile: string,
  onStderrLine?: (line: string) => void,
): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    fs.appendFileSync(logFile, `$ go ${args.join(' ')}\n`);
    const child = spawn('go', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const lines = readline.createInterface({ input: child.stderr });
    lines.on('line', (line) => {
      fs.appendFileSync(logFile, line + '\n');
      onStderrLine?.(line);
    });
    child.once('error', (err) => reject(new Error(`could not run go: ${err.message}`)));
    child.once('close', (code) => {
      if (code === 0) return resolve({ stdout });
      const tail = fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-30).join('\n');
      reject(
        new Error(
          `\`go ${args.slice(0, 2).join(' ')} …\` in ${cwd} failed (exit ${code}); if it could not download ` +
            `modules: the first build needs the Go module proxy ($GOPROXY) to be reachable. Full log: ${logFile}\n${tail}`,
        ),
      );
    });
  });
}

/** A lock directory holding the owner's pid; a lock whose owner died is taken over. */
async function withLock<T>(lockDir: string, log: Logger, fn: () => Promise<T>): Promise<T> {
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = readPid(path.join(lockDir, 'pid'));
    const ageMs = Date.now() - (fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if ((owner !== undefined && !isAlive(owner)) || (owner === undefined && ageMs > 30_000)) {
      fs.rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!announced) {
      log.info('waiting for another process that is building kube-apiserver and etcd', { pid: owner, lockDir });
      announced = true;
    }
    await sleep(2000);
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Credentials, kubeconfig and CRDs
// ---------------------------------------------------------------------------------------------

export interface KubePaths {
  /** Everything the Kubernetes API keeps between runs: credentials, etcd data, process records. */
  kubeDir: string;
  etcdDataDir: string;
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  serviceAccountKey: string;
  tokenFile: string;
  kubeconfig: string;
  /** Pids of the running processes and of the stack process that owns them (see restartStackApiServer). */
  processesFile: string;
  /** Restart requests from other processes (see restartStackApiServer). */
  controlDir: string;
}

export function kubePaths(stackDir: string): KubePaths {
  const kubeDir = path.join(stackDir, 'kube');
  const pki = path.join(kubeDir, 'pki');
  return {
    kubeDir,
    etcdDataDir: path.join(kubeDir, 'etcd'),
    caCert: path.join(pki, 'ca.crt'),
    caKey: path.join(pki, 'ca.key'),
    servingCert: path.join(pki, 'apiserver.crt'),
    servingKey: path.join(pki, 'apiserver.key'),
    serviceAccountKey: path.join(pki, 'sa.key'),
    tokenFile: path.join(kubeDir, 'tokens.csv'),
    kubeconfig: path.join(stackDir, 'kubeconfig'),
    processesFile: path.join(kubeDir, 'processes.json'),
    controlDir: path.join(kubeDir, 'control'),
  };
}

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

/** Writes a kubeconfig with one cluster (CA embedded), a token user and the context `efs-orchestrator-dev`. */
export function writeKubeconfig(paths: KubePaths, server: string, token: string): void {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: kubeContextName,
        cluster: { server, 'certificate-authority-data': fs.readFileSync(paths.caCert).toString('base64') },
      },
    ],
    users: [{ name: `${kubeContextName}-admin`, user: { token } }],
    contexts: [
      {
        name: kubeContextName,
        context: { cluster: kubeContextName, user: `${kubeContextName}-admin`, namespace: 'default' },
      },
    ],
    'current-context': kubeContextName,
    preferences: {},
  };
  const temporary = `${paths.kubeconfig}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, YAML.stringify(config), { mode: 0o600 });
  fs.renameSync(temporary, paths.kubeconfig);
}

/** The stack's kubeconfig (`<stackDir>/kubeconfig`) as a client-node KubeConfig. */
export function loadStackKubeConfig(stackDir: string): KubeConfig {
  const file = kubePaths(stackDir).kubeconfig;
  if (!fs.existsSync(file)) {
    throw new Error(`no kubeconfig at ${file}: start the local stack first (npm run stack -- up)`);
  }
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(file);
  return kc;
}

export interface InstallCrdsOptions {
  log?: Logger;
  /** How long each CRD may take to become Established. */
  timeoutMs?: number;
}

/**
 * Server-side applies every CustomResourceDefinition found in the `*.yaml`/`*.yml` files of `dir`
 * (several documents per file allowed; a kustomization file beside them is not a CRD and is skipped), then waits until each is Established and NamesAccepted.
 * Returns the CRD names in file order.
 */
export async function installCrds(kc: KubeConfig, dir: string, options: InstallCrdsOptions = {}): Promise<string[]> {
  if (!fs.existsSync(dir)) throw new Error(`the CRD directory ${dir} does not exist`);
  const files = fs
    .readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name) && !/^kustomization\.ya?ml$/.test(name))
    .sort();
  const crds: { file: string; body: V1CustomResourceDefinition }[] = [];
  for (const name of files) {
    const file = path.join(dir, name);
    for (const document of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]?.message}`);
      const body = document.toJS() as V1CustomResourceDefinition | null;
      if (body == null) continue;
      if (body.kind !== 'CustomResourceDefinition' || !body.metadata?.name) {
        throw new Error(
          `${file}: expected only CustomResourceDefinitions with a metadata.name, found kind ${body.kind}`,
        );
      }
      crds.push({ file, body });
    }
  }
  const api = kc.makeApiClient(k8s.ApiextensionsV1Api);
  const applyContentType = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply);
  for (const { file, body } of crds) {
    const name = body.metadata?.name ?? '';
    try {
      await api.patchCustomResourceDefinition({ name, body, fieldManager, force: true }, applyContentType);
    } catch (err) {
      throw new Error(`applying the CRD ${name} from ${file} failed: ${describeApiError(err)}`);
    }
    options.log?.info('CRD applied', { crd: name, file });
  }
  for (const { body } of crds) {
    const name = body.metadata?.name ?? '';
    let conditions: { type: string; status: string; reason?: string; message?: string }[] = [];
    try {
      await waitFor(
        `the CRD ${name} to be Established and NamesAccepted`,
        async () => {
          const current = await api.readCustomResourceDefinition({ name });
          conditions = current.status?.conditions ?? [];
          const isTrue = (type: string): boolean => conditions.some((c) => c.type === type && c.status === 'True');
          return isTrue('Established') && isTrue('NamesAccepted');
        },
        { timeoutMs: options.timeoutMs ?? 60_000, intervalMs: 200 },
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}; its conditions: ${JSON.stringify(conditions)}`);
    }
  }
  return crds.map(({ body }) => body.metadata?.name ?? '');
}

function describeApiError(err: unknown): string {
  const apiError = err as { code?: number; body?: unknown };
  if (typeof apiError.code === 'number' && typeof apiError.body === 'string') {
    try {
      return `HTTP ${apiError.code}: ${(JSON.parse(apiError.body) as { message?: string }).message}`;
    } catch {
      return `HTTP ${apiError.code}: ${apiError.body}`;
    }
  }
  return err instanceof Error ? err.message : String(err);
}

// ---------------------------------------------------------------------------------------------
// kubectl
// ---------------------------------------------------------------------------------------------

const cloudSdkBin = '/usr/lib/google-cloud-sdk/bin';

/**
 * A kubectl within one minor version of the built kube-apiserver (kubectl's supported skew),
 * linked as `<binDir>/kubectl` so the env file can put it first on PATH. Looks at $KUBECTL, the
 * Google Cloud SDK's versioned kubectl binaries, then `kubectl` on PATH. Returns undefined when
 * none fits: the stack works without kubectl.
 */
export function linkKubectl(binDir: string, kubernetesVersion: string, log: Logger): string | undefined {
  const serverMinor = Number(/^v\d+\.(\d+)/.exec(kubernetesVersion)?.[1]);
  const candidates = [
    process.env.KUBECTL,
    ...[serverMinor + 1, serverMinor, serverMinor - 1].map((minor) => path.join(cloudSdkBin, `kubectl.1.${minor}`)),
    'kubectl',
  ].filter((candidate): candidate is string => !!candidate);
  const link = path.join(binDir, 'kubectl');
  for (const candidate of candidates) {
    const minor = kubectlClientMinor(candidate);
    if (minor === undefined || Math.abs(minor - serverMinor) > 1) continue;
    const target = candidate.includes('/') ? candidate : whichOnPath(candidate);
    if (!target || path.resolve(target) === link) continue;
    fs.mkdirSync(binDir, { recursive: true });
    // Link beside, then rename over: stacks sharing the folder may do this at the same moment.
    const temporary = `${link}.${process.pid}.tmp`;
    fs.rmSync(temporary, { force: true });
    fs.symlinkSync(target, temporary);
    fs.renameSync(temporary, link);
    return link;
  }
  log.warn(
    `no kubectl 1.${serverMinor - 1}–1.${serverMinor + 1} found: the stack runs without it, but to use kubectl against ` +
      `it install kubectl 1.${serverMinor} (or set $KUBECTL to one)`,
  );
  return undefined;
}

function kubectlClientMinor(command: string): number | undefined {
  try {
    const out = execFileSync(command, ['version', '--client', '-o', 'json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    });
    const info = JSON.parse(out) as { clientVersion?: { gitVersion?: string } };
    const version = info.clientVersion?.gitVersion ?? '';
    // The Cloud SDK's dispatcher reports a version of its own, not of the kubectl it would run.
    if (version.includes('dispatcher')) return undefined;
    const minor = Number(/^v\d+\.(\d+)/.exec(version)?.[1]);
    return Number.isFinite(minor) ? minor : undefined;
  } catch {
    return undefined;
  }
}

function whichOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    if (fs.existsSync(candidate)) return fs.realpathSync(candidate);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------------------

interface ProcessRecord {
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

function startEtcd(context: StackContext, binaries: KubeBinaries, paths: KubePaths): ManagedChild {
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
async function waitUntilServing(
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

function httpGet(url: string, options: https.RequestOptions = {}): Promise<{ status: number; body: string }> {
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
async function stopLeftovers(paths: KubePaths, binaries: KubeBinaries, log: Logger): Promise<void> {
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

function readProcessRecord(paths: KubePaths): ProcessRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(paths.processesFile, 'utf8')) as ProcessRecord;
  } catch {
    return undefined;
  }
}

function writeProcessRecord(paths: KubePaths, record: ProcessRecord): void {
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

function isAlive(pid: number): boolean {
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

function readPid(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------
// The component
// ---------------------------------------------------------------------------------------------

export interface RestartOptions {
  /** How long the apiserver stays down before it is started again (clients see connection refused). */
  downtimeMs?: number;
}

export interface RunningKube extends RunningComponent {
  url: string;
  kubeconfig: string;
  /** Where `kubectl` for this stack is linked, if a fitting one was found. */
  kubectl: string | undefined;
  etcd: ManagedChild;
  /** The current kube-apiserver process (a new one after each restart). */
  apiServer(): ManagedChild;
  /** Stops kube-apiserver alone (etcd keeps running, so every object stays) and starts it again. */
  restartApiServer(options?: RestartOptions): Promise<void>;
}

export interface KubeComponentOptions {
  /** Directory of CRD manifests installed on start; default config/crd. */
  crdDir?: string;
  /** Where the built binaries go; default `<stackDir>/bin`. Tests share the dev stack's build. */
  binDir?: string;
  /** How long kube-apiserver may take to report ready (2 cores: ~10-30 s, more when busy). */
  readyTimeoutMs?: number;
}

export interface KubeComponent extends StackComponent {
  start(context: StackContext): Promise<RunningKube>;
}

export function createKubeComponent(options: KubeComponentOptions = {}): KubeComponent {
  const binDirOf = (context: StackContext): string => options.binDir ?? path.join(context.stackDir, 'bin');
  const crdDir = options.crdDir ?? defaultCrdDir;
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;

  const install = async (context: StackContext): Promise<void> => {
    await ensureKubeBinaries({
      binDir: binDirOf(context),
      logFile: path.join(context.logDir, 'kube-build.log'),
      log: context.log,
    });
  };

  return {
    name: 'kubernetes',
    install,
    async start(context) {
      const started = Date.now();
      const log = context.log;
      const binDir = binDirOf(context);
      await install(context);
      const binaries = kubeBinaries(binDir);
      const paths = kubePaths(context.stackDir);
      fs.mkdirSync(paths.kubeDir, { recursive: true });
      await stopLeftovers(paths, binaries, log);
      const token = ensureCredentials(paths);
      const ca = fs.readFileSync(paths.caCert);
      const port = context.ports.KUBE_APISERVER_PORT;
      const url = `https://127.0.0.1:${port}`;
      const settings: ApiServerSettings = { binaries, paths, port, etcdPort: context.ports.ETCD_PORT };

      const etcd = startEtcd(context, binaries, paths);
      const children: ManagedChild[] = [etcd];
      let apiServer: ManagedChild | undefined;
      const record = (): void =>
        writeProcessRecord(paths, { ownerPid: process.pid, etcdPid: etcd.pid, apiserverPid: apiServer?.pid ?? -1 });
      const waitForApiServer = (child: ManagedChild): Promise<void> =>
        waitUntilServing(
          child,
          `kube-apiserver to be ready at ${url}/readyz`,
          async () =>
            (await httpGet(`${url}/readyz`, { ca, headers: { Authorization: `Bearer ${token}` } })).status === 200,
          readyTimeoutMs,
        );
      const launchApiServer = async (): Promise<void> => {
        apiServer = startApiServer(context, settings);
        children.splice(1, children.length - 1, apiServer);
        record();
        await waitForApiServer(apiServer);
      };

      let stopping = false;
      const stopAll = async (): Promise<void> => {
        await apiServer?.stop(15_000);
        await etcd.stop(15_000);
        const current = readProcessRecord(paths);
        if (current?.ownerPid === process.pid) fs.rmSync(paths.processesFile, { force: true });
      };
      try {
        record();
        await waitUntilServing(
          etcd,
          `etcd to be healthy on 127.0.0.1:${context.ports.ETCD_PORT}`,
          async () => {
            const { status, body } = await httpGet(`http://127.0.0.1:${context.ports.ETCD_PORT}/health`);
            return status === 200 && (JSON.parse(body) as { health?: string }).health === 'true';
          },
          30_000,
        );
        log.info('starting kube-apiserver (a few seconds; up to a minute on a busy 2-core machine)', { url });
        await launchApiServer();
        writeKubeconfig(paths, url, token);
        const kc = loadStackKubeConfig(context.stackDir);
        const crds = await installCrds(kc, crdDir, { log });
        log.info('Kubernetes API ready', { url, crds, seconds: Math.round((Date.now() - started) / 1000) });
      } catch (err) {
        await stopAll();
        throw err;
      }

      let restarting: Promise<void> = Promise.resolve();
      const restartApiServer = (restart: RestartOptions = {}): Promise<void> => {
        const next = restarting.then(async () => {
          if (stopping) throw new Error('the Kubernetes API is stopping');
          log.info('restarting kube-apiserver (etcd keeps running)', { downtimeMs: restart.downtimeMs ?? 0 });
          await apiServer?.stop(15_000);
          if (restart.downtimeMs) await sleep(restart.downtimeMs);
          await launchApiServer();
        });
        restarting = next.catch(() => undefined);
        return next;
      };
      const controlTimer = serveRestartRequests(paths, restartApiServer, log);

      const kubectl = linkKubectl(binDir, binaries.kubernetesVersion, log);
      const env: Record<string, string> = { KUBECONFIG: paths.kubeconfig };
      if (kubectl) {
        env.KUBECTL = kubectl;
        // The env file prepends the new directory to the reader's PATH, so `kubectl` is the fitting one.
        env.PATH = [binDir, context.env.PATH ?? process.env.PATH ?? ''].filter(Boolean).join(path.delimiter);
      }
      const running: RunningKube = {
        name: 'kubernetes',
        children,
        env,
        endpoints: { 'Kubernetes API': url, kubeconfig: paths.kubeconfig },
        url,
        kubeconfig: paths.kubeconfig,
        kubectl,
        etcd,
        apiServer: () => {
          if (!apiServer) throw new Error('kube-apiserver is not running');
          return apiServer;
        },
        restartApiServer,
        async stop() {
          stopping = true;
          clearInterval(controlTimer);
          await restarting;
          await stopAll();
        },
      };
      return running;
    },
  };
}

/** The stack's Kubernetes API: kube-apiserver on etcd, built from dev/kube, CRDs from config/crd. */
export const kubeComponent = createKubeComponent();

// ---------------------------------------------------------------------------------------------
// Restarting kube-apiserver from another process
// ---------------------------------------------------------------------------------------------

interface RestartRequest {
  downtimeMs?: number;
}
interface RestartReply {
  ok: boolean;
  pid?: number;
  error?: string;
}

/**
 * The process that started the stack owns kube-apiserver; other processes (end-to-end tests that
 * reuse a running stack) ask it to restart the apiserver by dropping `<id>.request` files into
 * `<stackDir>/kube/control/` and reading `<id>.reply`. The owner polls the folder.
 */
function serveRestartRequests(
  paths: KubePaths,
  restart: (options: RestartOptions) => Promise<void>,
  log: Logger,
): NodeJS.Timeout {
  fs.mkdirSync(paths.controlDir, { recursive: true });
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    const requests = fs.readdirSync(paths.controlDir).filter((name) => name.endsWith('.request'));
    if (requests.length === 0) return;
    busy = true;
    void (async () => {
      for (const name of requests) {
        const file = path.join(paths.controlDir, name);
        const replyFile = file.replace(/\.request$/, '.reply');
        let reply: RestartReply;
        try {
          const request = JSON.parse(fs.readFileSync(file, 'utf8')) as RestartRequest;
          fs.rmSync(file, { force: true });
          await restart(request);
          reply = { ok: true, pid: readProcessRecord(paths)?.apiserverPid };
        } catch (err) {
          log.error('restarting kube-apiserver on request failed', { error: err });
          reply = { ok: false, error: (err as Error).message };
        }
        fs.writeFileSync(`${replyFile}.tmp`, JSON.stringify(reply));
        fs.renameSync(`${replyFile}.tmp`, replyFile);
      }
    })().finally(() => (busy = false));
  }, 250);
  timer.unref();
  return timer;
}

/**
 * Restarts only the kube-apiserver of the stack running in `stackDir` (possibly in another
 * process); etcd keeps running, so objects survive and watchers see their connection end.
 * Resolves with the new apiserver's pid once it is ready again.
 */
export async function restartStackApiServer(
  stackDir: string,
  options: RestartOptions & { timeoutMs?: number } = {},
): Promise<number> {
  const paths = kubePaths(stackDir);
  const owner = readProcessRecord(paths)?.ownerPid;
  if (owner === undefined || !isAlive(owner)) {
    throw new Error(`no running stack owns the Kubernetes API in ${stackDir}: start it first (npm run stack -- up)`);
  }
  const id = `${Date.now()}-${randomBytes(4).toString('hex')}`;
  const requestFile = path.join(paths.controlDir, `${id}.request`);
  const replyFile = path.join(paths.controlDir, `${id}.reply`);
  fs.mkdirSync(paths.controlDir, { recursive: true });
  const request: RestartRequest = { downtimeMs: options.downtimeMs };
  fs.writeFileSync(`${requestFile}.tmp`, JSON.stringify(request));
  fs.renameSync(`${requestFile}.tmp`, requestFile);
  let reply: RestartReply | undefined;
  try {
    await waitFor(
      `the stack process ${owner} to restart kube-apiserver`,
      async () => {
        if (!fs.existsSync(replyFile)) {
          if (!isAlive(owner)) throw new Error(`the stack process ${owner} exited`);
          return false;
        }
        reply = JSON.parse(fs.readFileSync(replyFile, 'utf8')) as RestartReply;
        return true;
      },
      { timeoutMs: options.timeoutMs ?? 180_000, intervalMs: 200 },
    );
  } finally {
    fs.rmSync(requestFile, { force: true });
    fs.rmSync(replyFile, { force: true });
  }
  if (!reply?.ok || reply.pid === undefined) throw new Error(`restarting kube-apiserver failed: ${reply?.error}`);
  return reply.pid;
}
