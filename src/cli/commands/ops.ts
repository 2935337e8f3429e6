import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { Client, WorkflowNotFoundError, type Connection, type WorkflowExecutionDescription } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { stringify } from 'yaml';
import {
  ConditionType,
  fileSystemNames,
  group,
  version,
  type Condition,
  type FileSystemObject,
} from '../../api/filesystem';
import { resyncSignal, stateQuery, workflowIdFor, type WorkflowState } from '../../api/workflow-contract';
import { loadKubeConfig } from '../../kube/client';
import { syncStateOf } from '../../metrics/sync-state';
import { ConfigError, parsers, type ConfigOf, type Setting } from '../../shared/config';
import { connectTemporalClient } from '../../temporal/connection';
import { defineCommand } from '../command';
import { kubeSettings } from '../../kube/settings';
import { temporalSettings } from '../../temporal/settings';

/**
 * Commands for the people who run the orchestrator: `resync` re-runs syncs through the workflows,
 * `explain` puts everything known about one object on one screen, `status` lists the objects.
 */

const setting = <T>(s: Setting<T>): Setting<T> => s;

const selectionSettings = {
  namespace: setting({
    flag: 'namespace',
    default: '',
    description: 'Kubernetes namespace of the objects (empty: all; for <name> without a namespace: default)',
    parse: parsers.string,
  }),
  selector: setting({
    flag: 'selector',
    default: '',
    description: 'Only objects matching this label selector, e.g. team=storage',
    parse: parsers.string,
  }),
};

const temporalUiSettings = {
  temporalUiUrl: setting({
    flag: 'temporal-ui-url',
    env: 'TEMPORAL_UI_URL',
    default: 'http://127.0.0.1:8233',
    description: 'Base URL of the Temporal UI, for links to workflow runs',
    parse: parsers.string,
  }),
};

/** How long `explain` waits for a worker to answer the state query. */
const queryTimeoutMs = 5_000;

export interface NamedRef {
  namespace: string;
  name: string;
}

/** `<namespace>/<name>`, or `<name>` in the given (else `default`) namespace. */
export function parseObjectArgument(arg: string, namespace = ''): NamedRef {
  const parts = arg.split('/');
  if (parts.length === 1 && parts[0]) return { namespace: namespace || 'default', name: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { namespace: parts[0], name: parts[1] };
  throw new ConfigError(`"${arg}" is not <namespace>/<name>`);
}

/** The run's page in the Temporal UI (the latest run when no run id is given). */
export function temporalUiLink(uiUrl: string, temporalNamespace: string, workflowId: string, runId?: string): string {
  const base = `${uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(temporalNamespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${encodeURIComponent(runId)}/history` : base;
}

/** kubectl's way of showing an age: 42s, 3m10s, 25m, 5h12m, 3d4h, 40d. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const d = Math.floor(h / 24);
  if (s < 120) return `${s}s`;
  if (m < 10) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  if (h < 3) return `${m}m`;
  if (h < 8) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  if (h < 48) return `${h}h`;
  if (d < 8) return h % 24 ? `${d}d${h % 24}h` : `${d}d`;
  return `${d}d`;
}

function ageOf(timestamp: string | undefined, now: number): string {
  const at = Date.parse(timestamp ?? '');
  return Number.isFinite(at) ? formatAge(now - at) : '-';
}

/** Left-aligned columns, like kubectl's tables. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('   ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

class Objects {
  private readonly api: CustomObjectsApi;

  constructor(kc: KubeConfig) {
    this.api = kc.makeApiClient(CustomObjectsApi);
  }

  async get(ref: NamedRef): Promise<FileSystemObject | undefined> {
    try {
      return (await this.api.getNamespacedCustomObject({
        group,
        version,
        plural: fileSystemNames.plural,
        namespace: ref.namespace,
        name: ref.name,
      })) as FileSystemObject;
    } catch (err) {
      if ((err as { code?: unknown }).code === 404) return undefined;
      throw err;
    }
  }

  async list(namespace: string, labelSelector: string): Promise<FileSystemObject[]> {
    const selector = labelSelector || undefined;
    const body = (
      namespace
        ? await this.api.listNamespacedCustomObject({
            group,
            version,
            plural: fileSystemNames.plural,
            namespace,
            labelSelector: selector,
          })
        : await this.api.listCustomObjectForAllNamespaces({
            group,
            version,
            plural: fileSystemNames.plural,
            labelSelector: selector,
          })
    ) as { items: FileSystemObject[] };
    return body.items.sort((a, b) =>
      `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`),
    );
  }
}

type TemporalConfig = ConfigOf<typeof temporalSettings>;

/** The one place these commands connect to Temporal (with the configured TLS or API key). */
async function connectTemporal(config: TemporalConfig): Promise<{ client: Client; connection: Connection }> {
  const connection = await connectTemporalClient(config);
  return { client: new Client({ connection, namespace: config.temporalNamespace }), connection };
}

const workflowIdOf = (obj: FileSystemObject): string =>
  workflowIdFor(fileSystemNames.kind, {
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
    uid: obj.metadata.uid,
  });

const conditionOf = (obj: FileSystemObject, type: string): Condition | undefined =>
  obj.status?.conditions?.find((c) => c.type === type);

const write = (text: string): boolean => process.stdout.write(text);

export const resyncCommand = defineCommand({
  name: 'resync',
  usage: '<namespace>/<name>... | --all-terminal | --selector <labels> [--namespace <ns>]',
  summary: 'Re-run the sync of objects now, through their workflows (works while the watcher is down)',
  settings: {
    ...temporalSettings,
    ...kubeSettings,
    ...selectionSettings,
    allTerminal: setting({
      flag: 'all-terminal',
      default: false,
      description: 'Every object whose ACK.Terminal condition is True (within --namespace and --selector)',
      parse: parsers.boolean,
    }),
  },
  async run(config, positional) {
    if (positional.length === 0 && !config.allTerminal && !config.selector) {
      throw new ConfigError('name objects as <namespace>/<name>, or select them with --all-terminal or --selector');
    }
    const objects = new Objects(loadKubeConfig(config.kubeconfig || undefined));
    const targets = new Map<string, FileSystemObject>();
    let failures = 0;
    for (const arg of positional) {
      const ref = parseObjectArgument(arg, config.namespace);
      const obj = await objects.get(ref);
      if (obj) targets.set(obj.metadata.uid, obj);
      else {
        write(`${ref.namespace}/${ref.name}  not found\n`);
        failures++;
      }
    }
    if (config.allTerminal || (config.selector && positional.length === 0)) {
      for (const obj of await objects.list(config.namespace, config.selector)) {
        if (!config.allTerminal || conditionOf(obj, ConditionType.terminal)?.status === 'True') {
          targets.set(obj.metadata.uid, obj);
        }
      }
    }
    if (targets.size === 0) {
      if (failures === 0) write('no FileSystem objects matched\n');
      return failures > 0 ? 1 : 0;
    }
    const { client, connection } = await connectTemporal(config);
    try {
      for (const obj of targets.values()) {
        const label = `${obj.metadata.namespace}/${obj.metadata.name}`;
        const workflowId = workflowIdOf(obj);
        try {
          await client.workflow.getHandle(workflowId).signal(resyncSignal);
          write(`${label}  resync requested  (workflow ${workflowId})\n`);
        } catch (err) {
          failures++;
          if (err instanceof WorkflowNotFoundError) {
            write(`${label}  no running workflow ${workflowId}: the watcher starts one when it sees the object\n`);
          } else {
            write(`${label}  failed: ${(err as Error).message}\n`);
          }
        }
      }
    } finally {
      await connection.close();
    }
    return failures > 0 ? 1 : 0;
  },
});

export const statusCommand = defineCommand({
  name: 'status',
  usage: '[--namespace <ns>] [--selector <labels>]',
  summary: 'List FileSystem objects with their sync state and age',
  settings: { ...kubeSettings, ...selectionSettings },
  async run(config) {
    const objects = await new Objects(loadKubeConfig(config.kubeconfig || undefined)).list(
      config.namespace,
      config.selector,
    );
    if (objects.length === 0) {
      write(`no FileSystem objects${config.namespace ? ` in namespace ${config.namespace}` : ''}\n`);
      return 0;
    }
    const now = Date.now();
    const rows = objects.map((obj) => [
      obj.metadata.namespace,
      obj.metadata.name,
      obj.status?.fileSystemID ?? '-',
      syncStateOf(obj),
      conditionOf(obj, ConditionType.synced)?.status ?? '-',
      ageOf(obj.metadata.creationTimestamp, now),
    ]);
    write(formatTable(['NAMESPACE', 'NAME', 'ID', 'STATE', 'SYNCED', 'AGE'], rows));
    return 0;
  },
});

/** What Temporal knows about an object's workflow, or why it cannot say. */
interface WorkflowFacts {
  description?: WorkflowExecutionDescription;
  state?: WorkflowState;
  stateError?: string;
  error?: string;
}

async function workflowFacts(config: TemporalConfig, workflowId: string): Promise<WorkflowFacts> {
  let temporal: { client: Client; connection: Connection };
  try {
    temporal = await connectTemporal(config);
  } catch (err) {
    return { error: `Temporal at ${config.temporalAddress} is not reachable: ${(err as Error).message}` };
  }
  const { client, connection } = temporal;
  try {
    const handle = client.workflow.getHandle(workflowId);
    let description: WorkflowExecutionDescription;
    try {
      description = await handle.describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        return { error: 'no workflow yet: the watcher starts one when it sees the object' };
      }
      throw err;
    }
    try {
      const state = await connection.withDeadline(Date.now() + queryTimeoutMs, () => handle.query(stateQuery));
      return { description, state };
    } catch (err) {
      const reason = (err as Error).message || String(err);
      return {
        description,
        stateError: `no worker answered within ${queryTimeoutMs / 1000} s (is one polling task queue ${description.taskQueue}?): ${reason}`,
      };
    }
  } catch (err) {
    return { error: (err as Error).message };
  } finally {
    await connection.close();
  }
}

const pendingActivityStates: Record<number, string> = {
  1: 'scheduled',
  2: 'running',
  3: 'cancel requested',
  4: 'paused',
  5: 'pause requested',
};

const when = (ms: number | undefined, now: number): string | undefined => {
  if (ms === undefined) return undefined;
  const delta = ms - now;
  const relative = delta >= 0 ? `in ${formatAge(delta)}` : `${formatAge(-delta)} ago`;
  return `${new Date(ms).toISOString()} (${relative})`;
};

/** Everything known about one object, for a person: the object, its conditions, its workflow. */
export function renderExplanation(
  obj: FileSystemObject,
  facts: WorkflowFacts,
  links: { uiUrl: string; temporalNamespace: string },
  now: number = Date.now(),
): string {
  const out: string[] = [];
  const field = (name: string, value: string): void => {
    out.push(`${`${name}:`.padEnd(20)}${value}`);
  };
  const indent = (text: string, by = '  '): string =>
    text
      .trimEnd()
      .split('\n')
      .map((l) => by + l)
      .join('\n');
  const { metadata, status } = obj;
  const workflowId = workflowIdOf(obj);

  field('FileSystem', `${metadata.namespace}/${metadata.name}`);
  field('UID', metadata.uid);
  field('Created', `${metadata.creationTimestamp ?? '-'} (${ageOf(metadata.creationTimestamp, now)} ago)`);
  field('Generation', `${metadata.generation ?? '-'} (status reflects ${status?.observedGeneration ?? 'none yet'})`);
  if (metadata.deletionTimestamp) field('Deletion requested', metadata.deletionTimestamp);
  field('Sync state', syncStateOf(obj));
  field(
    'File system',
    status?.fileSystemID ? `${status.fileSystemID} (${status.lifeCycleState ?? 'state unknown'})` : '(none yet)',
  );
  // kubectl's copy of the applied manifest repeats the spec below, at length.
  const annotations = Object.fromEntries(
    Object.entries(metadata.annotations ?? {}).filter(
      ([key]) => key !== 'kubectl.kubernetes.io/last-applied-configuration',
    ),
  );
  if (Object.keys(annotations).length > 0) {
    out.push('Annotations:');
    for (const [key, value] of Object.entries(annotations)) out.push(`  ${key}: ${value}`);
  }
  out.push('Spec:');
  out.push(obj.spec && Object.keys(obj.spec).length > 0 ? indent(stringify(obj.spec)) : '  (empty: AWS defaults)');

  out.push('Conditions:');
  const conditions = status?.conditions ?? [];
  if (conditions.length === 0) out.push('  (none yet: no workflow has reported)');
  else {
    const table = formatTable(
      ['TYPE', 'STATUS', 'REASON', 'AGE', 'MESSAGE'],
      conditions.map((c) => [c.type, c.status, c.reason, ageOf(c.lastTransitionTime, now), c.message || '-']),
    );
    out.push(indent(table));
  }

  out.push('Workflow:');
  out.push(`  Id:               ${workflowId}`);
  const { description, state } = facts;
  if (facts.error) out.push(`  ${facts.error}`);
  if (description) {
    out.push(
      `  Run:              ${description.runId} (${description.status.name}, started ${formatAge(now - description.startTime.getTime())} ago, ${description.historyLength} events)`,
    );
  }
  if (state) {
    out.push(`  State:            ${state.syncState}: ${state.message}`);
    out.push(`  Generations:      handled ${state.handledGeneration}, latest seen ${state.latestGeneration ?? '-'}`);
  } else if (facts.stateError) {
    out.push(`  State:            unknown: ${facts.stateError}`);
  }

  const pending = description?.raw.pendingActivities ?? [];
  let activityFailure: string | undefined;
  let nextAttempt: number | undefined;
  if (pending.length === 0) {
    if (description) out.push('Pending activity:   none');
  } else {
    for (const activity of pending) {
      const max = activity.maximumAttempts ? ` of ${activity.maximumAttempts}` : '';
      out.push(
        `Pending activity:   ${activity.activityType?.name ?? '?'} (${pendingActivityStates[activity.state ?? 0] ?? 'unknown state'}, attempt ${activity.attempt ?? 1}${max})`,
      );
      const failure = activity.lastFailure?.message;
      if (failure) {
        activityFailure ??= failure;
        out.push(`  Last failure:     ${failure}`);
      }
      const heartbeat = when(optionalTsToMs(activity.lastHeartbeatTime), now);
      if (heartbeat) out.push(`  Last heartbeat:   ${heartbeat}`);
      const next = optionalTsToMs(activity.nextAttemptScheduleTime);
      if (next !== undefined) {
        nextAttempt ??= next;
        out.push(`  Next attempt:     ${when(next, now)}`);
      }
      if (activity.lastWorkerIdentity) out.push(`  Worker:           ${activity.lastWorkerIdentity}`);
    }
  }

  const failing = [ConditionType.terminal, ConditionType.recoverable]
    .map((type) => conditionOf(obj, type))
    .find((c) => c?.status === 'True');
  const lastError =
    activityFailure ??
    (state && ['Terminal', 'Recoverable'].includes(state.syncState) ? state.message : undefined) ??
    (failing ? `${failing.reason}: ${failing.message}` : undefined);
  field('Last error', lastError ?? 'none');
  const nextRetry = state?.nextRetryAt ? Date.parse(state.nextRetryAt) : nextAttempt;
  field(
    'Next retry',
    nextRetry !== undefined && Number.isFinite(nextRetry)
      ? (when(nextRetry, now) ?? '-')
      : syncStateOf(obj) === 'Terminal'
        ? `none: fix the cause, then \`efs-orchestrator resync ${metadata.namespace}/${metadata.name}\``
        : 'none scheduled',
  );
  field('Temporal UI', temporalUiLink(links.uiUrl, links.temporalNamespace, workflowId, description?.runId));
  return out.join('\n') + '\n';
}

export const explainCommand = defineCommand({
  name: 'explain',
  usage: '<namespace>/<name>',
  summary: "Show one object's spec, conditions, workflow state, pending activity, last error and Temporal UI link",
  settings: { ...temporalSettings, ...kubeSettings, ...temporalUiSettings, namespace: selectionSettings.namespace },
  async run(config, positional) {
    if (positional.length !== 1) throw new ConfigError('name one object: explain <namespace>/<name>');
    const ref = parseObjectArgument(positional[0] as string, config.namespace);
    const obj = await new Objects(loadKubeConfig(config.kubeconfig || undefined)).get(ref);
    if (!obj) {
      process.stderr.write(`FileSystem ${ref.namespace}/${ref.name} not found\n`);
      return 1;
    }
    const facts = await workflowFacts(config, workflowIdOf(obj));
    write(renderExplanation(obj, facts, { uiUrl: config.temporalUiUrl, temporalNamespace: config.temporalNamespace }));
    return 0;
  },
});
