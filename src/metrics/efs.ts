import { type EFSClient } from '@aws-sdk/client-efs';
import { orchestratorMetrics, type OrchestratorMetrics } from './registry';

/** Error names AWS uses for throttling (429 answers count too). */
const throttleNames = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'SlowDown',
]);

/** `CreateFileSystemCommand` -> `CreateFileSystem`. */
export function operationOf(commandName: string | undefined): string {
  return (commandName ?? 'Unknown').replace(/Command$/, '') || 'Unknown';
}

/** `success`, or the error's name (a socket error's code when its name says nothing). */
export function outcomeOf(error: unknown): string {
  const err = (error ?? {}) as { name?: unknown; code?: unknown };
  const name = typeof err.name === 'string' && err.name ? err.name : 'Error';
  return name === 'Error' && typeof err.code === 'string' ? err.code : name;
}

export function isThrottle(error: unknown): boolean {
  const err = (error ?? {}) as { $metadata?: { httpStatusCode?: unknown } };
  return throttleNames.has(outcomeOf(error)) || err.$metadata?.httpStatusCode === 429;
}

/**
 * Counts every EFS call by operation and outcome with a middleware at the `initialize` step, the
 * outermost one: with `maxAttempts: 1` one call is one request, and failures of any later step
 * (serialization, network, AWS errors) are seen.
 */
export function instrumentEfsClient(client: EFSClient, metrics: OrchestratorMetrics = orchestratorMetrics): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = operationOf(context.commandName);
      const stopTimer = metrics.efsCallDuration.startTimer({ operation });
      try {
        const output = await next(args);
        metrics.efsCalls.inc({ operation, outcome: 'success' });
        return output;
      } catch (err) {
        metrics.efsCalls.inc({ operation, outcome: outcomeOf(err) });
        if (isThrottle(err)) metrics.efsThrottles.inc({ operation });
        throw err;
      } finally {
        stopTimer();
      }
    },
    { step: 'initialize', name: 'efsOrchestratorMetrics', override: true },
  );
}
