/** Restarting kube-apiserver alone, also when another process (an end-to-end test) asks for it. */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Logger } from '../../../src/shared/log';
import { waitFor } from '../process';
import { kubePaths, type KubePaths } from './paths';
import { isAlive, readProcessRecord } from './processes';

export interface RestartOptions {
  /** How long the apiserver stays down before it is started again (clients see connection refused). */
  downtimeMs?: number;
}

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
export function serveRestartRequests(
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
