import * as net from 'node:net';
import * as path from 'node:path';

/**
 * The running supervisor's control channel: a Unix socket in the stack folder that takes one JSON
 * request per connection. It lets another process (an end-to-end test, say) stop, start or restart
 * one component of a running stack, e.g. take Temporal down while the worker keeps polling, while
 * the supervisor stays the owner of every process and `stack status` stays truthful.
 */
export type ControlAction = 'stop' | 'start' | 'restart';

export interface ControlRequest {
  action: ControlAction;
  component: string;
  /** `SIGKILL` stops the component's processes the way a crash would (no graceful shutdown). */
  signal?: 'SIGTERM' | 'SIGKILL';
  /** For `restart`: how long the component stays down before it is started again. */
  downtimeMs?: number;
}

export type ControlResponse = { ok: true; pids: number[] } | { ok: false; error: string };

export function controlSocketPath(stackDir: string): string {
  return path.join(stackDir, 'control.sock');
}

export async function sendControlRequest(
  stackDir: string,
  request: ControlRequest,
  { timeoutMs = 120_000 }: { timeoutMs?: number } = {},
): Promise<number[]> {
  const socketPath = controlSocketPath(stackDir);
  const response = await new Promise<ControlResponse>((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(`the stack supervisor did not answer "${request.action} ${request.component}" in ${timeoutMs} ms`),
      );
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(JSON.stringify(request) + '\n'));
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why =
        err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? 'no stack supervisor is running on' : 'cannot reach';
      reject(new Error(`${why} ${stackDir} (${err.code ?? err.message}); start one with \`npm run stack -- up\``));
    });
    socket.on('end', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(received) as ControlResponse);
      } catch {
        reject(new Error(`the stack supervisor sent an unreadable answer: ${received}`));
      }
    });
  });
  if (!response.ok) throw new Error(`${request.action} ${request.component}: ${response.error}`);
  return response.pids;
}

/** Stops one component of the running stack; `status` then shows it as stopped, not crashed. */
export function stopStackComponent(
  stackDir: string,
  component: string,
  signal?: 'SIGTERM' | 'SIGKILL',
): Promise<number[]> {
  return sendControlRequest(stackDir, { action: 'stop', component, signal });
}

/** Starts a component stopped with `stopStackComponent`; resolves with its new pids once it is ready. */
export function startStackComponent(stackDir: string, component: string): Promise<number[]> {
  return sendControlRequest(stackDir, { action: 'start', component });
}

/** Stops and starts one component of the running stack; resolves with its new pids once it is ready again. */
export function restartStackComponent(
  stackDir: string,
  component: string,
  options: { signal?: 'SIGTERM' | 'SIGKILL'; downtimeMs?: number } = {},
): Promise<number[]> {
  return sendControlRequest(stackDir, { action: 'restart', component, ...options });
}
