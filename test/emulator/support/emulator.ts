import { EFSClient } from '@aws-sdk/client-efs';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { ManualClock } from '../../../dev/emulator/clock';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../../dev/emulator/server';
import { createLogger } from '../../../src/shared/log';

export const quietLog = createLogger('efs-emulator', { level: 'warn' });

export interface TestEmulator {
  emulator: RunningEmulator;
  clock: ManualClock;
  /** A fresh client per call: retry quotas and middleware never leak between tests. */
  client(options?: ClientOptions): EFSClient;
}

export interface ClientOptions {
  region?: string;
  /** Attempts per call; 1 (no retries) unless given. Retries wait 5 ms. */
  attempts?: number;
}

/** An in-process emulator on a free loopback port, on a manual clock that only tests move. */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const clock = new ManualClock();
  const emulator = await startEmulator({ clock, log: quietLog, ...options });
  return { emulator, clock, client: (clientOptions) => efsClient(emulator.url, clientOptions) };
}

export function efsClient(endpoint: string, { region = 'us-east-1', attempts = 1 }: ClientOptions = {}): EFSClient {
  return new EFSClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    ...(attempts === 1 ? { maxAttempts: 1 } : { retryStrategy: new ConfiguredRetryStrategy(attempts, () => 5) }),
  });
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
