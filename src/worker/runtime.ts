import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import { createLogger, type LogLevel } from '../shared/log';

/**
 * Routes the Temporal SDK's own logs (worker state, workflow `log` calls, replays) into our JSON
 * log lines, at `minimum` level and above. Installs once per process; later calls do nothing.
 */
export function installTemporalRuntime(minimum: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' = 'INFO'): void {
  if (Runtime._instance) return;
  const log = createLogger('temporal-sdk');
  const levels: Record<string, LogLevel> = {
    TRACE: 'debug',
    DEBUG: 'debug',
    INFO: 'info',
    WARN: 'warn',
    ERROR: 'error',
  };
  Runtime.install({
    logger: new DefaultLogger(minimum, (entry: LogEntry) => {
      const { sdkComponent, ...meta } = entry.meta ?? {};
      log[levels[entry.level] ?? 'info'](entry.message, { sdkComponent, ...meta });
    }),
  });
}
