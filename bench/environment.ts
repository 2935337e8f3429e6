import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { EmulatorAdminClient } from '../dev/emulator/admin-client';
import { type CountersSnapshot } from '../dev/emulator/admin-types';
import { emulatorComponent } from '../dev/emulator/component';
import { defaultPorts } from '../dev/stack/ports';
import { inspectStack, readStackState, stackFiles } from '../dev/stack/stack';
import { fileSystemNames, group, version, type FileSystemObject } from '../src/api/filesystem';
import { workflowIdFor } from '../src/api/workflow-contract';
import { type Logger } from '../src/shared/log';
import { repoRoot, stackDir } from '../src/shared/paths';
import { freePort } from '../test/support/free-port';
import {
  applyFileSystem,
  createE2eContext,
  patchObject,
  startOrchestrator,
  type E2eContext,
  type OrchestratorProcess,
} from '../test/e2e/harness';
import { ObjectObserver } from './observer';
import { cpuSeconds, processMemory, type ProcessMemory } from './proc';

/**
 * Where the benchmarks run: the shared local stack's Temporal and Kubernetes API, and an EFS
 * emulator of their own, so that its counters, delays and faults see only the benchmark's calls
 * (tests running at the same time use the stack's emulator and change its settings).
 */
export interface BenchEnvironment {
  emulator: { url: string; adminUrl: string; admin: EmulatorAdminClient; pid: number };
  logDir: string;
  close(): Promise<void>;
}

export async function prepareEnvironment(log: Logger): Promise<BenchEnvironment> {
  const stopStack = ensureStack(log);
  const logDir = path.join(repoRoot, 'test-output', 'bench');
  fs.mkdirSync(logDir, { recursive: true });
  let crashed: string | undefined;
  const running = await emulatorComponent.start({
    stackDir: stackDir(),
    logDir,
    ports: { ...defaultPorts, EFS_EMULATOR_PORT: await freePort() },
    log,
    env: {},
    onCrash: (child, code, signal) => {
      crashed = `${child.name} exited (${code ?? signal}); see ${child.logFile}`;
    },
  });
  const url = running.env.AWS_ENDPOINT_URL_EFS as string;
  const adminUrl = running.env.EFS_EMULATOR_ADMIN_URL as string;
  const child = running.children[0];
  if (!child) throw new Error('the EFS emulator component started no process');
  log.info('benchmark EFS emulator', { url, pid: child.pid, log: child.logFile });
  return {
    emulator: { url, adminUrl, admin: new EmulatorAdminClient(adminUrl), pid: child.pid },
    logDir,
    async close() {
      await running.stop();
      stopStack?.();
      if (crashed) throw new Error(crashed);
    },
  };
}

/**
 * Reuses a running local stack, or starts one (and returns how to stop it again), like the tests'
 * global setup does.
 */
function ensureStack(log: Logger): (() => void) | undefined {
  const dir = stackDir();
  if (inspectStack(dir).healthy && fs.existsSync(stackFiles(dir).env)) return undefined;
  const cli = path.join(repoRoot, 'bin', 'efs-orchestrator.js');
  log.info('starting the local stack for the benchmarks (npm run stack -- up)', { stackDir: dir });
  const up = spawnSync(process.execPath, [cli, 'stack', 'up', '--stack-dir', dir], { stdio: ['ignore', 2, 2] });
  if (up.status !== 0) {
    throw new Error(
      `the local stack did not start (stack up exited ${up.status}); see ${stackFiles(dir).supervisorLog}`,
    );
  }
  return () => {
    spawnSync(process.execPath, [cli, 'stack', 'down', '--stack-dir', dir], { stdio: ['ignore', 2, 2] });
  };
}

/** One scenario's own namespace, task queue, worker and watcher processes, and instruments. */
export interface ScenarioRun {
  ctx: E2eContext;
  worker: OrchestratorProcess;
  watcher: OrchestratorProcess;
  observer: ObjectObserver;
  sampler: CounterSampler;
  /** CPU seconds of the processes when the scenario's objects were applied. */
  cpuAtStart: ProcessCpu;
  /** The worker's memory once ready, before any object: its peak so far includes bundling the workflow code. */
  workerMemoryAtStart: ProcessMemory;
}

/** CPU seconds used so far by each process of a scenario: worker, watcher, emulator and the stack's own. */
export type ProcessCpu = Record<string, number | null>;

const quietOrchestrator = {
  // Debug logs of every call would cost the worker more CPU than the work measured.
  LOG_LEVEL: 'info',
  METRICS_PORT: '0',
  TEMPORAL_METRICS_BIND: 'off',
};

/**
 * Starts a worker and a watcher for a new scenario on the benchmark emulator (reset first), and
 * watches the scenario's namespace. Resolves when both are ready and the watcher leads.
 */
export async function startScenario(env: BenchEnvironment, name: string): Promise<ScenarioRun> {
  const ctx = await createE2eContext(`bench-${name}`);
  ctx.env = {
    ...ctx.env,
    AWS_ENDPOINT_URL_EFS: env.emulator.url,
    EFS_EMULATOR_ADMIN_URL: env.emulator.adminUrl,
  };
  ctx.admin = env.emulator.admin;
  await ctx.admin.reset();
  const worker = startOrchestrator(ctx, 'worker', quietOrchestrator);
  const watcher = startOrchestrator(ctx, 'watcher', quietOrchestrator);
  await Promise.all([worker.waitForLog('worker ready', 120_000), watcher.waitForLog('became leader', 120_000)]);
  const observer = new ObjectObserver(ctx.kc, ctx.namespace, async () => {
    const { items, resourceVersion } = await ctx.fileSystems.list(ctx.namespace);
    return { items: items as FileSystemObject[], resourceVersion };
  });
  await observer.start();
  const run: ScenarioRun = {
    ctx,
    worker,
    watcher,
    observer,
    sampler: new CounterSampler(ctx.admin, pidOf(worker)),
    cpuAtStart: {},
    workerMemoryAtStart: processMemory(pidOf(worker)),
  };
  run.cpuAtStart = processCpu(run, env);
  return run;
}

export function pidOf(proc: OrchestratorProcess): number {
  if (proc.child.pid === undefined || proc.child.exitCode !== null) {
    throw new Error(`the ${proc.role} process is not running; see ${proc.logFile}`);
  }
  return proc.child.pid;
}

/**
 * CPU seconds of the scenario's worker, watcher and emulator, and of the shared stack's Temporal
 * server, kube-apiserver and etcd (null for a process that has gone, e.g. restarted by a test).
 */
export function processCpu(run: ScenarioRun, env: BenchEnvironment): ProcessCpu {
  const stackChildren = readStackState(stackDir())?.components.flatMap((c) => c.children) ?? [];
  const processes: [string, number | undefined][] = [
    ['worker', run.worker.child.pid],
    ['watcher', run.watcher.child.pid],
    ['emulator', env.emulator.pid],
    ...stackChildren
      .filter((c) => ['temporal', 'kube-apiserver', 'etcd'].includes(c.name))
      .map((c): [string, number] => [c.name, c.pid]),
  ];
  return Object.fromEntries(
    processes.map(([name, pid]) => {
      try {
        return [name, pid === undefined ? null : cpuSeconds(pid)];
      } catch {
        return [name, null];
      }
    }),
  );
}

/** CPU seconds each process used between two readings. */
export function cpuUsed(from: ProcessCpu, to: ProcessCpu): ProcessCpu {
  return Object.fromEntries(
    Object.entries(to).map(([name, end]) => {
      const start = from[name];
      return [
        name,
        end === null || start === null || start === undefined ? null : Math.round((end - start) * 100) / 100,
      ];
    }),
  );
}

/** Names `<prefix>-000`, `<prefix>-001`, ... */
export function objectNames(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);
}

/** Creates all the objects at once (one request each, all in flight together). */
export async function applyAll(run: ScenarioRun, names: readonly string[]): Promise<void> {
  await Promise.all(
    names.map(async (name) => {
      const t = run.observer.timeline(name);
      t.sentAt = Date.now();
      const obj = await applyFileSystem(run.ctx, name, { tags: [{ key: 'bench', value: name }] });
      t.appliedAt = Date.now();
      t.uid = obj.metadata.uid;
    }),
  );
}

/** Lengths of the workflows' histories (events, and of those, activities scheduled), as they are now. */
export async function historyLengths(
  run: ScenarioRun,
): Promise<{ name: string; events: number; activities: number }[]> {
  const timelines = [...run.observer.timelines.values()];
  const out: { name: string; events: number; activities: number }[] = [];
  // A few at a time: the shared Temporal server serves tests too.
  for (let i = 0; i < timelines.length; i += 10) {
    const batch = timelines.slice(i, i + 10);
    out.push(
      ...(await Promise.all(
        batch.map(async (t) => {
          const id = workflowIdFor('FileSystem', { namespace: run.ctx.namespace, name: t.name, uid: t.uid ?? '' });
          const history = await run.ctx.temporal.workflow.getHandle(id).fetchHistory();
          const events = history.events ?? [];
          const activities = events.filter((e) => e.activityTaskScheduledEventAttributes != null).length;
          return { name: t.name, events: events.length, activities };
        }),
      )),
    );
  }
  return out;
}

/**
 * Ends a scenario without leaving work behind on the shared stack: stops its processes,
 * terminates its workflows, lets its objects go (finalizers dropped, as nothing will delete their
 * emulated file systems), deletes them and then its namespace.
 */
export async function finishScenario(run: ScenarioRun): Promise<void> {
  run.sampler.stop();
  run.observer.stop();
  await Promise.all([run.worker.kill('SIGKILL'), run.watcher.kill('SIGKILL')]);
  const { ctx } = run;
  const timelines = [...run.observer.timelines.values()];
  for (let i = 0; i < timelines.length; i += 10) {
    await Promise.all(
      timelines.slice(i, i + 10).map(async (t) => {
        if (t.uid) {
          const id = workflowIdFor('FileSystem', { namespace: ctx.namespace, name: t.name, uid: t.uid });
          await ctx.temporal.workflow
            .getHandle(id)
            .terminate('benchmark finished')
            .catch(() => undefined);
        }
        await patchObject(ctx, 'FileSystem', t.name, { metadata: { finalizers: null } }).catch(() => undefined);
      }),
    );
  }
  await removeNamespace(ctx);
  await ctx.close();
}

/** The shortest stretch a peak request rate is averaged over. */
export const peakWindowMs = 2_000;

/**
 * Deletes a scenario's objects and namespace. The local stack runs no namespace controller, so the
 * objects are deleted first and the namespace's own finalizer is cleared, else it stays Terminating.
 */
export async function removeNamespace(ctx: E2eContext): Promise<void> {
  const core = ctx.kc.makeApiClient(CoreV1Api);
  await ctx.fileSystems.api
    .deleteCollectionNamespacedCustomObject({
      group,
      version,
      namespace: ctx.namespace,
      plural: fileSystemNames.plural,
    })
    .catch(() => undefined);
  await core.deleteNamespace({ name: ctx.namespace }).catch(() => undefined);
  await core
    .replaceNamespaceFinalize({
      name: ctx.namespace,
      body: { metadata: { name: ctx.namespace }, spec: { finalizers: [] } },
    })
    .catch(() => undefined);
}

export interface CounterSample {
  at: number;
  requests: number;
  describeFileSystems: number;
  /** The worker's resident set at the time, MiB. */
  workerRssMiB: number;
}

/**
 * Reads the emulator's counters and the worker's resident set about once a second while a scenario
 * runs, for the peak request rate the account's EFS API would have seen and the worker's peak
 * memory under load (its VmHWM also holds the start-up peak of bundling the workflow code).
 */
export class CounterSampler {
  readonly samples: CounterSample[] = [];
  private timer?: NodeJS.Timeout;
  private busy = false;

  constructor(
    private readonly admin: EmulatorAdminClient,
    private readonly workerPid: number,
  ) {}

  start(intervalMs = 1_000): void {
    void this.sample();
    this.timer = setInterval(() => void this.sample(), intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async sample(): Promise<CountersSnapshot | undefined> {
    if (this.busy) return undefined;
    this.busy = true;
    try {
      const sent = Date.now();
      const counters = await this.admin.counters();
      this.samples.push({
        // The emulator read its counters somewhere between sending and answering.
        at: (sent + Date.now()) / 2,
        requests: counters.total.requests,
        describeFileSystems: counters.operations.DescribeFileSystems?.requests ?? 0,
        workerRssMiB: processMemory(this.workerPid).rssMiB,
      });
      return counters;
    } catch {
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  peakWorkerRssMiB(): number {
    return Math.max(...this.samples.map((s) => s.workerRssMiB));
  }

  /**
   * Highest requests per second over any stretch of at least `windowMs` between two samples
   * (shorter stretches would let the samples' own timing jitter overstate a spike).
   */
  peakPerSecond(windowMs = peakWindowMs): { requests: number; describeFileSystems: number } {
    let requests = 0;
    let describeFileSystems = 0;
    let j = 0;
    for (let i = 1; i < this.samples.length; i++) {
      const b = this.samples[i] as CounterSample;
      while (j + 1 < i && b.at - (this.samples[j + 1] as CounterSample).at >= windowMs) j++;
      const a = this.samples[j] as CounterSample;
      const seconds = (b.at - a.at) / 1000;
      if (seconds * 1000 < windowMs) continue;
      requests = Math.max(requests, (b.requests - a.requests) / seconds);
      describeFileSystems = Math.max(describeFileSystems, (b.describeFileSystems - a.describeFileSystems) / seconds);
    }
    return { requests, describeFileSystems };
  }
}
