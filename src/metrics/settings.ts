import { ConfigError, parsers, type Setting } from '../shared/config';

const setting = <T>(s: Setting<T>): Setting<T> => s;

/** `host:port`, or `off` (also `0`) for none. */
export function parseBindAddress(raw: string): string {
  if (raw === 'off' || raw === '0') return '';
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:\s]+):(\d+)$/.exec(raw);
  if (!match || Number(match[2]) > 65535) throw new ConfigError(`"${raw}" is not host:port (or "off")`);
  return raw;
}

/** The orchestrator's /metrics endpoint, served by `worker`, `watcher` and `run`. */
export const metricsSettings = {
  metricsPort: setting({
    flag: 'metrics-port',
    env: 'METRICS_PORT',
    default: 9464,
    description: 'Port of the Prometheus /metrics endpoint (0: off)',
    parse: parsers.port,
  }),
  metricsHost: setting({
    flag: 'metrics-host',
    env: 'METRICS_HOST',
    default: '127.0.0.1',
    description: 'Address the /metrics endpoint listens on (0.0.0.0 in a pod, so Prometheus can scrape it)',
    parse: parsers.string,
  }),
};

/** The Temporal SDK's own metrics (workers, pollers, task latencies): a second endpoint, only where a worker runs. */
export const temporalMetricsSettings = {
  temporalMetricsBind: setting({
    flag: 'temporal-metrics-bind',
    env: 'TEMPORAL_METRICS_BIND',
    default: '127.0.0.1:9465',
    description: "host:port of the Temporal SDK's Prometheus /metrics endpoint (off: none)",
    parse: parseBindAddress,
  }),
};
