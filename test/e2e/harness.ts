import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { EFSClient } from '@aws-sdk/client-efs';
import { Client, Connection } from '@temporalio/client';
import { EmulatorAdminClient } from '../../dev/emulator/admin-client';
import { type FaultRuleStatus, type FaultSpec } from '../../dev/emulator/admin-types';
import { testRunLabel } from '../../dev/stack/orchestrator';
import {
  groupVersionOf,
  fileSystemNames,
  type Condition,
  type FileSystemObject,
  type FileSystemSpec,
} from '../../src/api/filesystem';
import { kindInfo } from '../../src/api/kinds';
import { type KubeObject } from '../../src/api/object';
import { KindClient, loadKubeConfig, mergePatch } from '../../src/kube/client';
import { repoRoot } from '../../src/shared/paths';
import { stackEnv } from '../support/stack-env';

/**
 * End-to-end tests run the orchestrator as separate processes against the shared local stack.
 * Each test run gets its own Kubernetes namespace, task queue and label, so the dev stack's own
 * worker and watcher (which skip labelled objects) never touch its objects.
 */
export interface E2eContext {
  env: Record<string, string>;
  kc: KubeConfig;
  fileSystems: KindClient;
  namespace: string;
  runId: string;
  taskQueue: string;
  admin: EmulatorAdminClient;
  temporal: Client;
  processes: OrchestratorProcess[];
  /** Fault rules this run added (removed again by close(), leaving other runs' rules alone). */
  faults: string[];
  close(): Promise<void>;
}

/** Adds a fault rule to the shared emulator and remembers it, so close() removes exactly this run's rules. */
/** An EFS client on the stack's emulator that reports every answer as it is (no SDK retries): tests read AWS state with it. */
export function efsClientFor(ctx: E2eContext): EFSClient {
  return new EFSClient({
    region: ctx.env.AWS_REGION,
    endpoint: ctx.env.AWS_ENDPOINT_URL_EFS,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

export async function injectFault(ctx: E2eContext, spec: FaultSpec): Promise<FaultRuleStatus> {
  const rule = await ctx.admin.injectFault(spec);
  ctx.faults.push(rule.id);
  return rule;
}

export async function createE2eContext(name: string): Promise<E2eContext> {
  const env = stackEnv();
  const runId = `${name}-${randomBytes(3).toString('hex')}`;
  const kc = loadKubeConfig(env.KUBECONFIG);
  const namespace = `e2e-${runId}`;
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const ctx: E2eContext = {
    env,
    kc,
    fileSystems: new KindClient(kc, fileSystemNames),
    namespace,
    runId,
    taskQueue: `e2e-${runId}`,
    admin: new EmulatorAdminClient(env.EFS_EMULATOR_ADMIN_URL ?? ''),
    temporal: new Client({ connection, namespace: env.TEMPORAL_NAMESPACE }),
    processes: [],
    faults: [],
    async close() {
      await Promise.all(ctx.processes.map((p) => p.kill('SIGKILL')));
      // A rule that fired all its times is gone already.
      for (const id of ctx.faults) await ctx.admin.removeFault(id).catch(() => undefined);
      await connection.close();
    },
  };
  return ctx;
}

export interface OrchestratorProcess {
  role: string;
  child: ChildProcess;
  logFile: string;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Resolves when the process logged a line containing `text` (after it started). */
  waitForLog(text: string, timeoutMs?: number): Promise<void>;
}

/** Starts `efs-orchestrator <role>` with only the stack's env plus this run's isolation settings. */
export function startOrchestrator(
  ctx: E2eContext,
  role: 'worker' | 'watcher' | 'run',
  extraEnv: Record<string, string> = {},
): OrchestratorProcess {
  const logDir = path.join(repoRoot, 'test-output', 'e2e');
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${ctx.runId}-${role}-${ctx.processes.length}.log`);
  const out = fs.openSync(logFile, 'w');
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'efs-orchestrator.js'), role], {
    env: {
      PATH: process.env.PATH,
      ...ctx.env,
      EFS_ORCHESTRATOR_TASK_QUEUE: ctx.taskQueue,
      WATCH_NAMESPACE: ctx.namespace,
      WATCH_LABEL_SELECTOR: `${testRunLabel}=${ctx.runId}`,
      LOG_LEVEL: 'debug',
      // Many orchestrator processes share this host: no metrics ports unless a test asks for them.
      METRICS_PORT: '0',
      TEMPORAL_METRICS_BIND: 'off',
      ...extraEnv,
    },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const proc: OrchestratorProcess = {
    role,
    child,
    logFile,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
    async waitForLog(text, timeoutMs = 60_000) {
      await eventually(
        `${role} to log "${text}" (see ${logFile})`,
        async () => fs.readFileSync(logFile, 'utf8').includes(text),
        timeoutMs,
      );
    },
  };
  ctx.processes.push(proc);
  return proc;
}

const pluralOf = (kind: string): string => kindInfo(kind).names.plural;
/** Where a kind's objects live in the API: group, version and plural (FieldExport is services.k8s.aws). */
const coordinatesOf = (kind: string): { group: string; version: string; plural: string } => {
  const { group, version } = groupVersionOf(kindInfo(kind).names);
  return { group, version, plural: pluralOf(kind) };
};

/** Creates an object of any of our kinds in the run's namespace, labelled for the run's watcher. */
export async function applyObject(
  ctx: E2eContext,
  kind: string,
  name: string,
  spec: unknown,
  annotations: Record<string, string> = {},
): Promise<KubeObject> {
  return (await ctx.fileSystems.api.createNamespacedCustomObject({
    ...coordinatesOf(kind),
    namespace: ctx.namespace,
    body: {
      apiVersion: groupVersionOf(kindInfo(kind).names).apiVersion,
      kind,
      metadata: { name, namespace: ctx.namespace, labels: { [testRunLabel]: ctx.runId }, annotations },
      spec,
    },
  })) as KubeObject;
}

export async function getObject(ctx: E2eContext, kind: string, name: string): Promise<KubeObject | undefined> {
  try {
    return (await ctx.fileSystems.api.getNamespacedCustomObject({
      ...coordinatesOf(kind),
      namespace: ctx.namespace,
      name,
    })) as KubeObject;
  } catch (err) {
    if ((err as { code?: unknown }).code === 404) return undefined;
    throw err;
  }
}

/** Merge-patches an object (spec, annotations). */
export async function patchObject(
  ctx: E2eContext,
  kind: string,
  name: string,
  patch: Record<string, unknown>,
): Promise<void> {
  await ctx.fileSystems.api.patchNamespacedCustomObject(
    { ...coordinatesOf(kind), namespace: ctx.namespace, name, body: patch },
    mergePatch,
  );
}

export async function deleteObject(ctx: E2eContext, kind: string, name: string): Promise<void> {
  await ctx.fileSystems.api.deleteNamespacedCustomObject({
    ...coordinatesOf(kind),
    namespace: ctx.namespace,
    name,
  });
}

export async function waitForObjectCondition(
  ctx: E2eContext,
  kind: string,
  name: string,
  type: string,
  status: 'True' | 'False' | 'Unknown',
  timeoutMs = 120_000,
): Promise<KubeObject> {
  let found: KubeObject | undefined;
  await eventually(
    `${kind} ${ctx.namespace}/${name} to have ${type}=${status}`,
    async () => {
      found = await getObject(ctx, kind, name);
      return conditionOf(found, type)?.status === status;
    },
    timeoutMs,
    200,
    () => JSON.stringify(found?.status ?? null),
  );
  return found as KubeObject;
}

export async function waitForGone(ctx: E2eContext, kind: string, name: string, timeoutMs = 120_000): Promise<void> {
  await eventually(
    `${kind} ${ctx.namespace}/${name} to be gone`,
    async () => (await getObject(ctx, kind, name)) === undefined,
    timeoutMs,
  );
}

export async function applyFileSystem(
  ctx: E2eContext,
  name: string,
  spec: FileSystemSpec = {},
  annotations: Record<string, string> = {},
): Promise<FileSystemObject> {
  return (await applyObject(ctx, 'FileSystem', name, spec, annotations)) as FileSystemObject;
}

export async function getFileSystem(ctx: E2eContext, name: string): Promise<FileSystemObject | undefined> {
  return (await getObject(ctx, 'FileSystem', name)) as FileSystemObject | undefined;
}

export async function deleteFileSystem(ctx: E2eContext, name: string): Promise<void> {
  await deleteObject(ctx, 'FileSystem', name);
}

export function conditionOf(obj: KubeObject | undefined, type: string): Condition | undefined {
  return obj?.status?.conditions?.find((c) => c.type === type);
}

/** Waits until the FileSystem's condition has the status; returns the object as it was then. */
export async function waitForCondition(
  ctx: E2eContext,
  name: string,
  type: string,
  status: 'True' | 'False' | 'Unknown',
  timeoutMs = 120_000,
): Promise<FileSystemObject> {
  return (await waitForObjectCondition(ctx, 'FileSystem', name, type, status, timeoutMs)) as FileSystemObject;
}

/** The emulator's file systems that belong to this test run's objects (by their creation token's uid). */
export async function fileSystemsOfRun(
  ctx: E2eContext,
): Promise<{ FileSystemId: string; CreationToken: string; LifeCycleState: string }[]> {
  const all = await ctx.admin.fileSystems();
  const list = await ctx.fileSystems.list(ctx.namespace);
  const uids = new Set(list.items.map((o) => o.metadata.uid));
  return all.filter((fs) => [...uids].some((uid) => fs.CreationToken.endsWith(uid)));
}

export async function eventually(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
  intervalMs = 200,
  describeLast: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const last = describeLast();
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}` +
          (lastError ? `; last error: ${(lastError as Error).message}` : '') +
          (last ? `; last seen: ${last}` : ''),
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
