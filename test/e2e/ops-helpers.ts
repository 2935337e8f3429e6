import { execFile } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { repoRoot } from '../../src/shared/paths';
import { type E2eContext } from './harness';

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

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
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
