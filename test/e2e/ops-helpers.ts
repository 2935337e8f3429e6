import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { expect } from '@jest/globals';
import { type FaultSpec } from '../../dev/emulator/admin-types';
import { ConditionType, type FileSystemObject, type FileSystemSpec } from '../../src/api/filesystem';
import { repoRoot } from '../../src/shared/paths';
import { applyFileSystem, conditionOf, eventually, fileSystemsOfRun, getFileSystem, type E2eContext } from './harness';

/** Runs the compiled `efs-orchestrator` CLI with the stack's env, as a person would. */
export function runCli(
  ctx: E2eContext,
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(repoRoot, 'bin', 'efs-orchestrator.js'), ...args],
      { env: { PATH: process.env.PATH, ...ctx.env, ...extraEnv }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export async function scrape(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`GET /metrics on port ${port}: HTTP ${response.status}`);
  return response.text();
}

/** The value of one series in Prometheus text output (`name{labels}` exactly as printed), or undefined. */
export function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Env that keeps a test's orchestrator processes off the default metrics ports (the dev stack's own use them). */
export const noMetricsPorts = { METRICS_PORT: '0', TEMPORAL_METRICS_BIND: 'off' };

const ownFaults = new Map<E2eContext, string[]>();

/**
 * Injects an emulator fault that only this run's requests match (its namespace is in the tags of
 * every create), and remembers it so that removeOwnFaults takes away this run's faults only.
 */
export async function injectOwnFault(ctx: E2eContext, spec: FaultSpec): Promise<void> {
  const rule = await ctx.admin.injectFault({ requestIncludes: ctx.namespace, ...spec });
  ownFaults.set(ctx, [...(ownFaults.get(ctx) ?? []), rule.id]);
}

/** Removes this run's faults, leaving those of other runs sharing the stack alone. */
export async function removeOwnFaults(ctx: E2eContext): Promise<void> {
  for (const id of ownFaults.get(ctx) ?? []) {
    // A rule that has fired all its times may be gone already.
    await ctx.admin.removeFault(id).catch(() => undefined);
  }
  ownFaults.delete(ctx);
}

/**
 * Applies an object whose CreateFileSystem fails as AWS fails a bad request (terminal), and
 * waits until the object says so. The fault matches only this run's requests, but another run
 * sharing the stack may clear all faults first, and the object syncs instead: then it tries
 * again with a new object. Returns the terminal object's name.
 */
export async function applyTerminalObject(
  ctx: E2eContext,
  baseName: string,
  spec: FileSystemSpec = {},
  attempts = 3,
): Promise<string> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const name = attempt === 1 ? baseName : `${baseName}-${attempt}`;
    await injectOwnFault(ctx, {
      kind: 'error',
      errorCode: 'BadRequest',
      status: 400,
      operation: 'CreateFileSystem',
      times: 1,
    });
    await applyFileSystem(ctx, name, spec);
    let settled: FileSystemObject | undefined;
    await eventually(
      `${name} to be terminal or synced`,
      async () => {
        settled = await getFileSystem(ctx, name);
        return [ConditionType.terminal, ConditionType.synced].some((t) => conditionOf(settled, t)?.status === 'True');
      },
      120_000,
      200,
      () => JSON.stringify(settled?.status ?? null),
    );
    if (conditionOf(settled, ConditionType.terminal)?.status === 'True') return name;
  }
  throw new Error(
    `no CreateFileSystem fault reached this run's objects in ${attempts} tries: something else on the stack keeps clearing the emulator's faults`,
  );
}

/** Every object of the run has exactly one file system of its own. */
export async function expectOneFileSystemPerObject(ctx: E2eContext): Promise<void> {
  const objects = (await ctx.fileSystems.list(ctx.namespace)).items.length;
  const found = await fileSystemsOfRun(ctx);
  expect(found).toHaveLength(objects);
  expect(new Set(found.map((f) => f.CreationToken)).size).toBe(objects);
}
