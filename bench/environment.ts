import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { EmulatorAdminClient } from '../dev/emulator/admin-client';
import { type CountersSnapshot } from '../dev/emulator/admin-types';
import { emulatorComponent } from '../dev/emulator/component';
import { defaultPorts } from '../dev/stack/ports';
import { inspectStack, readStackState, stackFiles } from '../dev/stack/stack';
import { fileSystemNames, group, version, type FileSystemObject, type FileSystemSpec } from '../src/api/filesystem';
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
import { type WorkflowHandle } from '@temporalio/client';
import { cpuSeconds, killTree, processMemory, workingPid, type ProcessMemory } from './proc';

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

/** The benchmark emulator throttles by rate like AWS unless told not to. */
export interface EnvironmentOptions {
  throttle: boolean;
  throttleRatePerSecond: number;
}

export async function prepareEnvironment(log: Logger, options: EnvironmentOptions): Promise<BenchEnvironment> {
  const stopStack = ensureStack(log);
  const logDir = path.join(repoRoot, 'test-output', 'bench');
  fs.mkdirSync(logDir, { recursive: true });
  let crashed: string | undefined;
  const running = await emulatorComponent.start({
    stackDir: stackDir(),
    logDir,
    ports: { ...defaultPorts, EFS_EMULATOR_PORT: await freePort() },
    log,
    env: {
      EFS_EMULATOR_THROTTLE: String(options.throttle),
      EFS_EMULATOR_THROTTLE_RATE: String(options.throttleRatePerSecond),
      EFS_EMULATOR_THROTTLE_BURST: String(Math.max(1, Math.round(options.throttleRatePerSecond))),
    },
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
      killStartedProcesses();
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

/** How the orchestrator runs: one `efs-orchestrator run` process per replica, or separate worker and watcher processes. */
export type ProcessMode = 'single' | 'separate';

/** `single` when the compiled CLI has the `run` command (watcher and worker in one process). */
export function defaultProcessMode(): ProcessMode {
  const main = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');
  return fs.existsSync(main) && /\brun: \(\) =>/.test(fs.readFileSync(main, 'utf8')) ? 'single' : 'separate';
}

export interface ScenarioOptions {
  mode: ProcessMode;
  /** Worker replicas: `run` processes in single mode, worker processes beside one watcher otherwise. */
  workers: number;
  /** Extra environment of the orchestrator processes (e.g. scaled-down cadences). */
  env?: Record<string, string>;
}

/** One scenario's own namespace, task queue, orchestrator processes, and instruments. */
export interface ScenarioRun {
  ctx: E2eContext;
  /** Named `run-1`, `worker-1`, `watcher`, ...: the names the figures use. */
  processes: Map<string, OrchestratorProcess>;
  options: ScenarioOptions;
  observer: ObjectObserver;
  sampler: CounterSampler;
  /** CPU seconds of the processes when the scenario's objects were applied. */
  cpuAtStart: ProcessCpu;
  /** Each orchestrator process's memory once ready, before any object (its peak includes bundling the workflow code). */
  memoryAtStart: Record<string, ProcessMemory>;
}

/** CPU seconds used so far by each process of a scenario: orchestrator, emulator and the stack's own. */
export type ProcessCpu = Record<string, number | null>;

const quietOrchestrator = {
  // Debug logs of every call would cost the orchestrator more CPU than the work measured.
  LOG_LEVEL: 'info',
  METRICS_PORT: '0',
  TEMPORAL_METRICS_BIND: 'off',
};

/** Every orchestrator process the benchmarks started and have not stopped yet. */
const started = new Set<OrchestratorProcess>();

/** Stops (SIGKILL, with their children) every orchestrator process still running; safe to call from an exit handler. */
export function killStartedProcesses(): void {
  for (const proc of started) if (proc.child.pid !== undefined) killTree(proc.child.pid);
  started.clear();
}

async function stopProcesses(procs: Iterable<OrchestratorProcess>): Promise<void> {
  await Promise.all(
    [...procs].map(async (proc) => {
      // Its children first: the CLI started by an older Node runs on the project's Node as a child.
      if (proc.child.pid !== undefined) killTree(proc.child.pid);
      await proc.kill('SIGKILL');
      started.delete(proc);
    }),
  );
}

/**
 * Starts the orchestrator for a new scenario on the benchmark emulator (reset first), and watches
 * the scenario's namespace. Resolves when every process is ready and a watcher leads.
 */
export async function startScenario(
  env: BenchEnvironment,
  name: string,
  options: ScenarioOptions,
): Promise<ScenarioRun> {
  const ctx = await createE2eContext(`bench-${name}`);
  ctx.env = {
    ...ctx.env,
    AWS_ENDPOINT_URL_EFS: env.emulator.url,
    EFS_EMULATOR_ADMIN_URL: env.emulator.adminUrl,
  };
  ctx.admin = env.emulator.admin;
  await ctx.admin.reset();
  const extra = { ...quietOrchestrator, ...options.env };
  const processes = new Map<string, OrchestratorProcess>();
  const launch = (label: string, role: 'worker' | 'watcher' | 'run'): OrchestratorProcess => {
    const proc = startOrchestrator(ctx, role, extra);
    started.add(proc);
    processes.set(label, proc);
    return proc;
  };
  const ready: Promise<void>[] = [];
  for (let i = 1; i <= options.workers; i++) {
    const proc = launch(
      `${options.mode === 'single' ? 'run' : 'worker'}-${i}`,
      options.mode === 'single' ? 'run' : 'worker',
    );
    ready.push(proc.waitForLog('worker ready', 180_000));
  }
  if (options.mode === 'separate') launch('watcher', 'watcher');
  const watchers = [...processes].filter(([label]) => label !== 'worker' && !label.startsWith('worker-'));
  ready.push(Promise.any(watchers.map(([, proc]) => proc.waitForLog('became leader', 180_000))).then(() => undefined));
  try {
    await Promise.all(ready);
  } catch (err) {
    await stopProcesses(processes.values());
    throw err;
  }
  const observer = new ObjectObserver(ctx.kc, ctx.namespace, async () => {
    const { items, resourceVersion } = await ctx.fileSystems.list(ctx.namespace);
    return { items: items as FileSystemObject[], resourceVersion };
  });
  await observer.start();
  const run: ScenarioRun = {
    ctx,
    processes,
    options,
    observer,
    sampler: new CounterSampler(ctx.admin, () => sampledPids(run, env)),
    cpuAtStart: {},
    memoryAtStart: Object.fromEntries([...processes].map(([label, proc]) => [label, processMemory(pidOf(proc))])),
  };
  run.cpuAtStart = processCpu(run, env);
  return run;
}

/** The pid doing the work for an orchestrator process (see workingPid). */
export function pidOf(proc: OrchestratorProcess): number {
  if (proc.child.pid === undefined || proc.child.exitCode !== null) {
    throw new Error(`the ${proc.role} process is not running; see ${proc.logFile}`);
  }
  return workingPid(proc.child.pid);
}

/** Pids whose CPU and memory the figures report: the orchestrator's, the emulator's and the stack's Temporal server. */
function sampledPids(run: ScenarioRun, env: BenchEnvironment): Record<string, number | undefined> {
  const stackChildren = readStackState(stackDir())?.components.flatMap((c) => c.children) ?? [];
  const pids: Record<string, number | undefined> = {};
  for (const [label, proc] of run.processes) {
    pids[label] = proc.child.pid === undefined || proc.child.exitCode !== null ? undefined : workingPid(proc.child.pid);
  }
  pids.emulator = workingPid(env.emulator.pid);
  for (const c of stackChildren) if (['temporal', 'kube-apiserver', 'etcd'].includes(c.name)) pids[c.name] = c.pid;
  return pids;
}

/** Names of the orchestrator's processes in a run. */
export function orchestratorNames(run: ScenarioRun): string[] {
  return [...run.processes.keys()];
}

/**
 * CPU seconds of the scenario's orchestrator processes and emulator, and of the shared stack's
 * Temporal server, kube-apiserver and etcd (null for a process that has gone, e.g. killed by a test).
 */
export function processCpu(run: ScenarioRun, env: BenchEnvironment): ProcessCpu {
  return Object.fromEntries(
    Object.entries(sampledPids(run, env)).map(([name, pid]) => {
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
export async function applyAll(
  run: ScenarioRun,
  names: readonly string[],
  extraSpec: FileSystemSpec = {},
): Promise<void> {
  await Promise.all(
    names.map(async (name) => {
      const t = run.observer.timeline(name);
      t.sentAt = Date.now();
      const obj = await applyFileSystem(run.ctx, name, { ...extraSpec, tags: [{ key: 'bench', value: name }] });
      t.appliedAt = Date.now();
      t.uid = obj.metadata.uid;
    }),
  );
}

/** What one workflow's history holds, as it is now. */
export interface HistoryCount {
  workflowId: string;
  /** A FileSystem object's workflow (else another workflow of the run, e.g. an observer). */
  object: boolean;
  events: number;
  activities: number;
  actions: number;
}

/** Workflow ids of the run: its objects' workflows and every other workflow on its task queue. */
export async function scenarioWorkflowIds(run: ScenarioRun): Promise<string[]> {
  const ids = new Set(objectWorkflowIds(run));
  try {
    for await (const execution of run.ctx.temporal.workflow.list({ query: `TaskQueue = '${run.ctx.taskQueue}'` })) {
      ids.add(execution.workflowId);
    }
  } catch {
    // Visibility may lag or refuse the query; the objects' own workflows are known anyway.
  }
  return [...ids];
}

function objectWorkflowIds(run: ScenarioRun): string[] {
  return [...run.observer.timelines.values()]
    .filter((t) => t.uid !== undefined)
    .map((t) => workflowIdFor('FileSystem', { namespace: run.ctx.namespace, name: t.name, uid: t.uid as string }));
}

/**
 * Every workflow history of the run (all runs of each workflow id, continued-as-new included),
 * counted: events, activities scheduled and Temporal actions.
 */
export async function workflowHistories(run: ScenarioRun): Promise<HistoryCount[]> {
  const objects = new Set(objectWorkflowIds(run));
  const ids = await scenarioWorkflowIds(run);
  const out: HistoryCount[] = [];
  // A few at a time: the shared Temporal server serves tests too.
  for (let i = 0; i < ids.length; i += 10) {
    out.push(
      ...(await Promise.all(
        ids.slice(i, i + 10).map(async (workflowId) => {
          const counted = { workflowId, object: objects.has(workflowId), events: 0, activities: 0, actions: 0 };
          for (const events of await historiesOf(run, workflowId)) {
            counted.events += events.length;
            counted.activities += events.filter((e) => e.activityTaskScheduledEventAttributes != null).length;
            counted.actions += temporalActions(events);
          }
          return counted;
        }),
      )),
    );
  }
  return out;
}

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

/** The events of each run of a workflow id, oldest run first. */
async function historiesOf(run: ScenarioRun, workflowId: string): Promise<HistoryEvent[][]> {
  const runs: HistoryEvent[][] = [];
  try {
    for await (const execution of run.ctx.temporal.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      const history = await run.ctx.temporal.workflow.getHandle(workflowId, execution.runId).fetchHistory();
      runs.push(history.events ?? []);
    }
  } catch {
    // Visibility unavailable: the latest run at least.
  }
  if (runs.length === 0) {
    const history = await run.ctx.temporal.workflow
      .getHandle(workflowId)
      .fetchHistory()
      .catch(() => undefined);
    if (history) runs.push(history.events ?? []);
  }
  return runs;
}

/**
 * Temporal actions a history stands for, as Temporal Cloud bills them: a workflow started (or
 * continued as new), each signal and update received, each activity attempt (retries recorded on
 * the started event), each timer, child workflow, external signal, search-attribute upsert, side
 * effect or local activity marker. Queries leave no event and are not counted.
 */
export function temporalActions(events: readonly HistoryEvent[]): number {
  let actions = 0;
  for (const e of events) {
    if (e.workflowExecutionStartedEventAttributes) actions++;
    else if (e.workflowExecutionSignaledEventAttributes) actions++;
    else if (e.workflowExecutionUpdateAcceptedEventAttributes) actions++;
    else if (e.activityTaskStartedEventAttributes)
      actions += Math.max(1, e.activityTaskStartedEventAttributes.attempt ?? 1);
    else if (e.timerStartedEventAttributes) actions++;
    else if (e.startChildWorkflowExecutionInitiatedEventAttributes) actions++;
    else if (e.signalExternalWorkflowExecutionInitiatedEventAttributes) actions++;
    else if (e.upsertWorkflowSearchAttributesEventAttributes) actions++;
    else if (e.markerRecordedEventAttributes) actions++;
  }
  return actions;
}

/** Totals over a run's histories, per object (workflows that are not an object's are shared out). */
export function historiesPerObject(
  histories: readonly HistoryCount[],
  objects: number,
): { events: number | null; actions: number | null; otherWorkflows: number; objectEvents: number[] } {
  const sum = (f: (h: HistoryCount) => number) => histories.reduce((total, h) => total + f(h), 0);
  return {
    events: objects === 0 ? null : sum((h) => h.events) / objects,
    actions: objects === 0 ? null : sum((h) => h.actions) / objects,
    otherWorkflows: histories.filter((h) => !h.object).length,
    objectEvents: histories.filter((h) => h.object).map((h) => h.events),
  };
}

/**
 * Ends a scenario without leaving work behind on the shared stack: stops its processes,
 * terminates its workflows, lets its objects go (finalizers dropped, as nothing will delete their
 * emulated file systems), deletes them and then its namespace.
 */
export async function finishScenario(run: ScenarioRun): Promise<void> {
  run.sampler.stop();
  run.observer.stop();
  await stopProcesses(run.processes.values());
  const { ctx } = run;
  for (const id of await scenarioWorkflowIds(run)) {
    await ctx.temporal.workflow
      .getHandle(id)
      .terminate('benchmark finished')
      .catch(() => undefined);
  }
  const timelines = [...run.observer.timelines.values()];
  for (let i = 0; i < timelines.length; i += 10) {
    await Promise.all(
      timelines.slice(i, i + 10).map(async (t) => {
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
  throttled: number;
  /** Resident set of each sampled process at the time, MiB. */
  rssMiB: Record<string, number>;
}

/** Throttled requests in a counters snapshot: the rate throttle's and throttling faults'. */
export function throttledRequests(counters: CountersSnapshot): number {
  return Object.values(counters.operations).reduce((sum, op) => sum + (op.throttled ?? 0) + op.faults, 0);
}

/**
 * Reads the emulator's counters and the processes' resident sets about once a second while a
 * scenario runs, for the peak request rate the account's EFS API would have seen and each
 * process's peak memory under load (VmHWM also holds the start-up peak of bundling workflow code).
 */
export class CounterSampler {
  readonly samples: CounterSample[] = [];
  private timer?: NodeJS.Timeout;
  private busy = false;

  constructor(
    private readonly admin: EmulatorAdminClient,
    private readonly pids: () => Record<string, number | undefined>,
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
      const rssMiB: Record<string, number> = {};
      for (const [name, pid] of Object.entries(this.pids())) {
        if (pid === undefined) continue;
        try {
          rssMiB[name] = processMemory(pid).rssMiB;
        } catch {
          // gone
        }
      }
      this.samples.push({
        // The emulator read its counters somewhere between sending and answering.
        at: (sent + Date.now()) / 2,
        requests: counters.total.requests,
        describeFileSystems: counters.operations.DescribeFileSystems?.requests ?? 0,
        throttled: throttledRequests(counters),
        rssMiB,
      });
      return counters;
    } catch {
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  /** Highest resident set sampled per process, MiB. */
  peakRssMiB(): Record<string, number> {
    const peaks: Record<string, number> = {};
    for (const sample of this.samples) {
      for (const [name, rss] of Object.entries(sample.rssMiB)) peaks[name] = Math.max(peaks[name] ?? 0, rss);
    }
    return peaks;
  }

  /** Highest sum of the named processes' resident sets in one sample, MiB. */
  peakCombinedRssMiB(names: readonly string[]): number {
    return Math.max(0, ...this.samples.map((s) => names.reduce((sum, name) => sum + (s.rssMiB[name] ?? 0), 0)));
  }

  /**
   * Highest requests per second over any stretch of at least `windowMs` between two samples
   * (shorter stretches would let the samples' own timing jitter overstate a spike).
   */
  peakPerSecond(windowMs = peakWindowMs): { requests: number; describeFileSystems: number; throttled: number } {
    const peak = { requests: 0, describeFileSystems: 0, throttled: 0 };
    let j = 0;
    for (let i = 1; i < this.samples.length; i++) {
      const b = this.samples[i] as CounterSample;
      while (j + 1 < i && b.at - (this.samples[j + 1] as CounterSample).at >= windowMs) j++;
      const a = this.samples[j] as CounterSample;
      const seconds = (b.at - a.at) / 1000;
      if (seconds * 1000 < windowMs) continue;
      peak.requests = Math.max(peak.requests, (b.requests - a.requests) / seconds);
      peak.describeFileSystems = Math.max(
        peak.describeFileSystems,
        (b.describeFileSystems - a.describeFileSystems) / seconds,
      );
      peak.throttled = Math.max(peak.throttled, (b.throttled - a.throttled) / seconds);
    }
    return peak;
  }
}
