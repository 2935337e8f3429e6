import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { installTemporalRuntime } from '../worker/runtime';

/**
 * Replaying recorded histories against today's workflow code: the check that a change would not
 * break workflows already running. Histories are Temporal's JSON (as `temporal workflow show
 * --output json` writes them); the fixtures under test/fixtures/histories run on every `npm test`.
 */
export interface ReplayOutcome {
  workflowId: string;
  file?: string;
  ok: boolean;
  error?: string;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow code bundled once per process (bundling takes about a second). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: quietLogger });
  return bundle;
}

/** A Temporal SDK logger that says nothing (bundling and replay are chatty). */
export const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export async function replayHistory(history: unknown, workflowId: string): Promise<ReplayOutcome> {
  installTemporalRuntime('WARN');
  try {
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, workflowId);
    return { workflowId, ok: true };
  } catch (err) {
    return { workflowId, ok: false, error: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

export async function replayFile(file: string): Promise<ReplayOutcome> {
  const history: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  const workflowId = path.basename(file, '.json');
  return { ...(await replayHistory(history, workflowId)), file };
}

export interface TemporalTarget {
  address: string;
  namespace: string;
}

/** Fetches a workflow's history from the server as JSON, ready to commit as a fixture or replay. */
export async function fetchHistoryJson(target: TemporalTarget, workflowId: string, runId?: string): Promise<string> {
  const connection = await Connection.connect({ address: target.address });
  try {
    const client = new Client({ connection, namespace: target.namespace });
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    return historyToJSON(history);
  } finally {
    await connection.close();
  }
}
