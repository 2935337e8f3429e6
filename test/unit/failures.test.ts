import { describe, expect, it } from '@jest/globals';
import { FileSystemInUse, ThrottlingException, TooManyRequests } from '@aws-sdk/client-efs';
import {
  ActivityFailure,
  ApplicationFailure,
  defaultPayloadConverter,
  DefaultFailureConverter,
  encodeRetryState,
  encodeTimeoutType,
  ensureApplicationFailure,
  type ProtoFailure,
} from '@temporalio/common';
import { classified, toApplicationFailure } from '../../src/activities/failures';
import { classifyError, type ClassifiedError } from '../../src/domain/errors';
import { classificationOf } from '../../src/workflows/failures';

const samples: ClassifiedError[] = [
  { class: 'retryable', code: 'ThrottlingException', message: 'Rate exceeded' },
  {
    class: 'recoverable',
    code: 'IncorrectFileSystemLifeCycleState',
    message: 'File system is not available',
    retryAfterMs: 3_000,
  },
  {
    class: 'recoverable',
    code: 'TooManyRequests',
    message: 'Wait until 2026-11-29T10:00:00Z UTC and try again.',
    retryAfterMs: 77_104_000,
  },
  { class: 'terminal', code: 'InvalidSpec', message: 'spec.kmsKeyID needs encrypted: true' },
  {
    class: 'terminal',
    code: 'FileSystemLimitExceeded',
    message: 'You have reached the maximum number of file systems',
  },
];

/**
 * What Temporal does with an activity's failure: the worker encodes the thrown error as a Failure,
 * the server wraps it in an activity failure, and the workflow decodes that into an ActivityFailure
 * whose cause is the decoded ApplicationFailure (details pass through the payload converter as JSON).
 */
const converter = new DefaultFailureConverter();
function asWorkflowSeesIt(
  cause: ProtoFailure,
  retryState: 'NON_RETRYABLE_FAILURE' | 'MAXIMUM_ATTEMPTS_REACHED' | 'TIMEOUT',
): Error {
  return converter.failureToError(
    {
      message: 'Activity task failed',
      activityFailureInfo: {
        activityType: { name: 'ensureFileSystem' },
        activityId: '7',
        identity: '4242@worker-0',
        retryState: encodeRetryState(retryState),
      },
      cause,
    },
    defaultPayloadConverter,
  );
}
/** The worker's side: an activity's error is made an ApplicationFailure, then encoded. */
const encoded = (err: unknown): ProtoFailure =>
  converter.errorToFailure(ensureApplicationFailure(err), defaultPayloadConverter);

describe('toApplicationFailure', () => {
  it.each(samples)(
    '$class $code: nonRetryable iff not retryable, type = code, details[0] = the classification',
    (c) => {
      const failure = toApplicationFailure(c);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure.nonRetryable).toBe(c.class !== 'retryable');
      expect(failure.type).toBe(c.code);
      expect(failure.message).toBe(c.message);
      expect(failure.details?.[0]).toEqual(c);
    },
  );
});

describe('classified', () => {
  it('passes a result through', async () => {
    await expect(classified(async () => 'fs-0123456789abcdef0')).resolves.toBe('fs-0123456789abcdef0');
  });

  it('turns an AWS error into an ApplicationFailure carrying its classification', async () => {
    const error = new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
    const thrown = await classified(async () => {
      throw error;
    }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(ApplicationFailure);
    const failure = thrown as ApplicationFailure;
    expect(failure.nonRetryable).toBe(false);
    expect(failure.type).toBe('ThrottlingException');
    expect(failure.details?.[0]).toEqual(classifyError(error));
  });

  it('makes a recoverable AWS error non-retryable for Temporal (the workflow waits instead)', async () => {
    const thrown = await classified(async () => {
      throw new FileSystemInUse({
        message: 'File system has mount targets',
        ErrorCode: 'FileSystemInUse',
        $metadata: { httpStatusCode: 409 },
      });
    }).catch((e: unknown) => e as ApplicationFailure);
    expect(thrown.nonRetryable).toBe(true);
    expect((thrown.details?.[0] as ClassifiedError).class).toBe('recoverable');
  });

  it('rethrows an ApplicationFailure untouched, so nothing is classified twice', async () => {
    const original = toApplicationFailure({
      class: 'terminal',
      code: 'InvalidSpec',
      message: 'spec.performanceMode must be ...',
    });
    const thrown = await classified(async () => {
      throw original;
    }).catch((e: unknown) => e);
    expect(thrown).toBe(original);
  });
});

describe('classificationOf: reading the classification back in the workflow', () => {
  it.each(samples)('round-trips $class $code through the failure converter inside an ActivityFailure', (c) => {
    const failure = asWorkflowSeesIt(
      encoded(toApplicationFailure(c)),
      c.class === 'retryable' ? 'MAXIMUM_ATTEMPTS_REACHED' : 'NON_RETRYABLE_FAILURE',
    );
    expect(failure).toBeInstanceOf(ActivityFailure);
    expect((failure as ActivityFailure).cause).toBeInstanceOf(ApplicationFailure);
    expect(classificationOf(failure)).toEqual(c);
  });

  it('round-trips what classified() produced from a real SDK error, wait included', async () => {
    const now = new Date();
    const until = new Date(now.getTime() + 3 * 60 * 60 * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const thrown = await classified(async () => {
      throw new TooManyRequests({
        message: `Wait until ${until} UTC and try again.`,
        ErrorCode: 'TooManyRequests',
        $metadata: { httpStatusCode: 429 },
      });
    }).catch((e: unknown) => e);
    const back = classificationOf(asWorkflowSeesIt(encoded(thrown), 'NON_RETRYABLE_FAILURE'));
    expect(back.class).toBe('recoverable');
    expect(back.code).toBe('TooManyRequests');
    expect(back.retryAfterMs).toBeGreaterThan(3 * 60 * 60 * 1000 - 60_000);
    expect(back.retryAfterMs).toBeLessThanOrEqual(3 * 60 * 60 * 1000);
  });

  it('a timed-out activity (TimeoutFailure cause) is retryable', () => {
    for (const timeoutType of ['START_TO_CLOSE', 'HEARTBEAT', 'SCHEDULE_TO_CLOSE'] as const) {
      const failure = asWorkflowSeesIt(
        {
          message: `activity ${timeoutType} timeout`,
          timeoutFailureInfo: { timeoutType: encodeTimeoutType(timeoutType) },
        },
        'TIMEOUT',
      );
      expect(classificationOf(failure)).toEqual({
        class: 'retryable',
        code: 'ActivityTimeout',
        message: `activity ${timeoutType} timeout`,
      });
    }
  });

  it('an ApplicationFailure without our classification falls back to its nonRetryable flag', () => {
    const terminal = asWorkflowSeesIt(
      encoded(ApplicationFailure.nonRetryable('quota gone', 'QuotaExceeded')),
      'NON_RETRYABLE_FAILURE',
    );
    expect(classificationOf(terminal)).toEqual({ class: 'terminal', code: 'QuotaExceeded', message: 'quota gone' });
    const retryable = asWorkflowSeesIt(
      encoded(ApplicationFailure.retryable('flaky', 'Flaky')),
      'MAXIMUM_ATTEMPTS_REACHED',
    );
    expect(classificationOf(retryable)).toEqual({ class: 'retryable', code: 'Flaky', message: 'flaky' });
  });

  it('a plain Error thrown by an activity (encoded as an ApplicationFailure of its class name) is retryable', () => {
    const failure = asWorkflowSeesIt(
      encoded(new TypeError('cannot read properties of undefined')),
      'MAXIMUM_ATTEMPTS_REACHED',
    );
    expect(classificationOf(failure)).toEqual({
      class: 'retryable',
      code: 'TypeError',
      message: 'cannot read properties of undefined',
    });
  });

  it('reads an ApplicationFailure that is not wrapped, and anything else as retryable', () => {
    const c = samples[3] as ClassifiedError;
    expect(classificationOf(toApplicationFailure(c))).toEqual(c);
    expect(classificationOf(new Error('worker lost'))).toEqual({
      class: 'retryable',
      code: 'Error',
      message: 'worker lost',
    });
    expect(classificationOf('string')).toEqual({ class: 'retryable', code: 'Error', message: 'string' });
  });
});
