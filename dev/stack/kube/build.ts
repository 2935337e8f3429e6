/** Building kube-apiserver and etcd from the wrapper Go module (dev/kube), once per module version. */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { type Logger } from '../../../src/shared/log';
import { repoRoot } from '../../../src/shared/paths';
import { isAlive, readPid, sleep } from './processes';

/** The wrapper Go module that pins kube-apiserver and etcd (go.mod + go.sum). */
export const kubeModuleDir = path.join(repoRoot, 'dev', 'kube');

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
