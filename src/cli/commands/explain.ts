import { Client, WorkflowNotFoundError, type Connection, type WorkflowExecutionDescription } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { stringify } from 'yaml';
import { ConditionType } from '../../api/filesystem';
import { kindInfo } from '../../api/kinds';
import { type StorageClassStatus } from '../../api/storage-class';
import { stateQuery, type WorkflowState } from '../../api/workflow-contract';
import { loadKubeConfig } from '../../kube/client';
import { kubeSettings } from '../../kube/settings';
import { syncStateOf } from '../../metrics/sync-state';
import { ConfigError, parsers, type ConfigOf } from '../../shared/config';
import { connectWorkflowClient } from '../../temporal/connection';
import { temporalSettings } from '../../temporal/settings';
import { defineCommand } from '../command';
import { ageOf, formatAge, formatTable } from '../format';
import {
  argumentOf,
  conditionOf,
  ObjectSelection,
  parseObjectArgument,
  resourceIdOf,
  selectionSettings,
  workflowIdOf,
  type SelectedObject,
} from './object-selection';

/** `explain`: everything known about one object, of any kind, on one screen. */

const temporalUiSettings = {
  temporalUiUrl: {
    flag: 'temporal-ui-url',
    env: 'TEMPORAL_UI_URL',
    default: 'http://127.0.0.1:8233',
    description: 'Base URL of the Temporal UI, for links to workflow runs',
    parse: parsers.string,
  },
};

/** How long `explain` waits for a worker to answer the state query. */
const queryTimeoutMs = 5_000;

/** The run's page in the Temporal UI (the latest run when no run id is given). */
export function temporalUiLink(uiUrl: string, temporalNamespace: string, workflowId: string, runId?: string): string {
  const base = `${uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(temporalNamespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${encodeURIComponent(runId)}/history` : base;
}

/** What Temporal knows about an object's workflow, or why it cannot say. */
export interface WorkflowFacts {
  description?: WorkflowExecutionDescription;
  state?: WorkflowState;
  stateError?: string;
  error?: string;
}

async function workflowFacts(config: ConfigOf<typeof temporalSettings>, workflowId: string): Promise<WorkflowFacts> {
  let temporal: { client: Client; connection: Connection };
  try {
    temporal = await connectWorkflowClient(config);
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

/** "MountTarget" -> "Mount target": how the resource of a kind is named in a sentence. */
const resourceLabel = (kind: string): string =>
  kind.replace(/(?<=[a-z])([A-Z])/g, (letter: string) => ` ${letter.toLowerCase()}`);

/** Everything known about one object, for a person: the object, its conditions, its workflow. */
export function renderExplanation(
  selected: SelectedObject,
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
  const { kind, obj } = selected;
  const { metadata } = obj;
  const status = obj.status as (typeof obj.status & { fileSystemID?: string }) | undefined;
  const workflowId = workflowIdOf(selected);

  field(kind, `${metadata.namespace}/${metadata.name}`);
  field('UID', metadata.uid);
  field('Created', `${metadata.creationTimestamp ?? '-'} (${ageOf(metadata.creationTimestamp, now)} ago)`);
  field('Generation', `${metadata.generation ?? '-'} (status reflects ${status?.observedGeneration ?? 'none yet'})`);
  if (metadata.deletionTimestamp) field('Deletion requested', metadata.deletionTimestamp);
  field('Sync state', syncStateOf(obj));
  const resourceId = resourceIdOf(selected);
  field(
    resourceLabel(kind),
    resourceId ? `${resourceId} (${status?.lifeCycleState ?? 'state unknown'})` : '(none yet)',
  );
  // A mount target or access point belongs to a file system: name it too.
  if (status?.fileSystemID && status.fileSystemID !== resourceId) field('File system', status.fileSystemID);
  // A FileSystem published as a StorageClass: whether it is ready, else what it waits for.
  const storageClass = (status as { storageClass?: StorageClassStatus } | undefined)?.storageClass;
  if (storageClass) {
    field(
      'StorageClass',
      `${storageClass.name ?? '(no name)'} (${storageClass.ready ? 'ready' : `not ready: ${storageClass.reason}`}): ${storageClass.message}`,
    );
  }
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
  const spec = obj.spec as Record<string, unknown> | undefined;
  out.push(spec && Object.keys(spec).length > 0 ? indent(stringify(spec)) : '  (empty: AWS defaults)');

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
  out.push(`  Type:             ${description?.type ?? kindInfo(kind).workflowType}`);
  if (facts.error) out.push(`  ${facts.error}`);
  if (description) {
    out.push(
      `  Run:              ${description.runId} (${description.status.name}, started ${formatAge(now - description.startTime.getTime())} ago, ${description.historyLength} events)`,
    );
  }
  if (state) {
    out.push(`  State:            ${state.syncState}: ${state.message}`);
    out.push(`  Generations:      handled ${state.handledGeneration}, latest seen ${state.latestGeneration ?? '-'}`);
    if (state.awaitingObserver) out.push(`  Awaiting:         the observer to see ${state.awaitingObserver}`);
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
        ? `none: fix the cause, then \`efs-orchestrator resync ${argumentOf(selected)}\``
        : 'none scheduled',
  );
  field('Temporal UI', temporalUiLink(links.uiUrl, links.temporalNamespace, workflowId, description?.runId));
  return out.join('\n') + '\n';
}

export const explainCommand = defineCommand({
  name: 'explain',
  usage: '<kind>/<namespace>/<name> | <namespace>/<name> (a FileSystem)',
  summary: "Show one object's spec, conditions, workflow state, pending activity, last error and Temporal UI link",
  settings: { ...temporalSettings, ...kubeSettings, ...temporalUiSettings, namespace: selectionSettings.namespace },
  async run(config, positional) {
    if (positional.length !== 1) {
      throw new ConfigError(
        'name one object: explain <kind>/<namespace>/<name> (or <namespace>/<name> for a FileSystem)',
      );
    }
    const ref = parseObjectArgument(positional[0] as string, config.namespace);
    const selected = await new ObjectSelection(loadKubeConfig(config.kubeconfig || undefined)).get(ref);
    if (!selected) {
      process.stderr.write(`${ref.kind} ${ref.namespace}/${ref.name} not found\n`);
      return 1;
    }
    const facts = await workflowFacts(config, workflowIdOf(selected));
    process.stdout.write(
      renderExplanation(selected, facts, { uiUrl: config.temporalUiUrl, temporalNamespace: config.temporalNamespace }),
    );
    return 0;
  },
});
