import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import { createLogger, type LogLevel } from '../shared/log';

export interface TemporalRuntimeOptions {
  /** host:port of the SDK's Prometheus endpoint; empty or absent for none. */
  prometheusBindAddress?: string;
}

/**
 * Routes the Temporal SDK's own logs (worker state, workflow `log` calls, replays) into our JSON
 * log lines, at `minimum` level and above, and serves the SDK's metrics when asked. Installs once
 * per process; later calls do nothing.
 */
export function installTemporalRuntime(
  minimum: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' = 'INFO',
  options: TemporalRuntimeOptions = {},
): void {
  if (Runtime._instance) return;
  const log = createLogger('temporal-sdk');
  const levels: Record<string, LogLevel> = {
    TRACE: 'debug',
    DEBUG: 'debug',
    INFO: 'info',
    WARN: 'warn',
    ERROR: 'error',
  };
  const logger = new DefaultLogger(minimum, (entry: LogEntry) => {
    const { sdkComponent, ...meta } = entry.meta ?? {};
    log[levels[entry.level] ?? 'info'](entry.message, { sdkComponent, ...meta });
  });
  const bindAddress = options.prometheusBindAddress;
  if (bindAddress) {
    try {
      Runtime.install({ logger, telemetryOptions: { metrics: { prometheus: { bindAddress } } } });
      log.info('serving Temporal SDK metrics', { url: `http://${bindAddress}/metrics` });
      return;
    } catch (err) {
      // A taken port must not stop the worker; the runtime is not installed after this failure.
      log.error('Temporal SDK metrics not served; choose another --temporal-metrics-bind / TEMPORAL_METRICS_BIND', {
        bindAddress,
        error: err,
      });
    }
  }
  Runtime.install({ logger });
}
