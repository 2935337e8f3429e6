import { ApplicationFailure } from '@temporalio/common';
import { classifyError, type ClassifiedError } from '../domain/errors';

/**
 * Every activity failure leaves the worker as an ApplicationFailure whose type is the error code,
 * whose `nonRetryable` follows the error class, and whose first detail is the classification, so
 * the workflow never classifies a second time.
 */
export function toApplicationFailure(classified: ClassifiedError): ApplicationFailure {
  return ApplicationFailure.create({
    type: classified.code,
    message: classified.message,
    nonRetryable: classified.class !== 'retryable',
    details: [classified],
  });
}

export async function classified<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    if (err instanceof ApplicationFailure) throw err;
    throw toApplicationFailure(classifyError(err));
  }
}
