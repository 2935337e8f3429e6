import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import { type ClassifiedError } from '../domain/errors';

/**
 * Reads back the classification an activity attached to its failure (src/activities/failures.ts).
 * Failures that never reached our code (an activity timing out, a worker dying) are transient.
 */
export function classificationOf(err: unknown): ClassifiedError {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    const detail = cause.details?.[0] as ClassifiedError | undefined;
    if (detail && typeof detail.class === 'string') return detail;
    return {
      class: cause.nonRetryable ? 'terminal' : 'retryable',
      code: cause.type ?? 'Error',
      message: cause.message,
    };
  }
  if (cause instanceof TimeoutFailure) return { class: 'retryable', code: 'ActivityTimeout', message: cause.message };
  const message = cause instanceof Error ? cause.message : String(cause);
  return { class: 'retryable', code: 'Error', message };
}
