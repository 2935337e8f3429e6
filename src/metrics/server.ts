import * as http from 'node:http';
import { type AddressInfo } from 'node:net';
import { type Logger } from '../shared/log';
import { orchestratorMetrics, type OrchestratorMetrics } from './registry';

export interface MetricsServer {
  /** The port actually bound. */
  port: number;
  url: string;
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  host: string;
  /** 0: no server. */
  port: number;
  log: Logger;
  metrics?: OrchestratorMetrics;
}

/**
 * Serves `/metrics` (Prometheus text format) and `/healthz`. A port that is already taken is
 * logged as an error and the orchestrator runs on without metrics: losing the scrape endpoint
 * must not stop the reconciliation it reports on.
 */
export async function serveMetrics(options: MetricsServerOptions): Promise<MetricsServer | undefined> {
  const { host, port, log } = options;
  if (port === 0) return undefined;
  const metrics = options.metrics ?? orchestratorMetrics;
  metrics.includeDefaultMetrics();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    } else if (path === '/metrics') {
      metrics.registry.metrics().then(
        (body) => res.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(body),
        (err: unknown) => {
          log.error('collecting metrics failed', { error: err });
          res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`collecting metrics failed: ${String(err)}\n`);
        },
      );
    } else if (path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: try /metrics\n');
    }
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    log.error('metrics not served: cannot listen; choose another port with --metrics-port / METRICS_PORT (0: off)', {
      host,
      port,
      error: err,
    });
    return undefined;
  }
  const bound = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}/metrics`;
  log.info('serving metrics', { url });
  return {
    port: bound,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
