import { activityInfo, heartbeat, sleep } from '@temporalio/activity';
import { type StatusFields } from '../api/status';
import { SyncState, type SyncView } from '../domain/conditions';
import { classifyError, type ClassifiedError } from '../domain/errors';
import { pollDelayMs } from '../domain/polling';
import { type ObjectRef } from '../kube/client';
import { writeStatus, type StatusWrite } from '../kube/status';
import { classified, toApplicationFailure } from './failures';
import { type ObjectClients } from './objects';

/** Arguments of the long waits: who to report to while waiting, and how. */
export interface WaitArgs {
  ref: ObjectRef;
  workflowId: string;
  /** The file system waited on; for other kinds, the file system they belong to. */
  fileSystemId: string;
  /** For mount targets and access points: their own id. */
  resourceId?: string;
  generation: number;
  /** The workflow's current status sequence; writes made while waiting use it. */
  sequence: number;
  /** The object's kind (FileSystem when absent). */
  kind?: string;
}

/** What a heartbeat remembers, so a retry on another worker resumes instead of starting over. */
interface WaitProgress {
  startedAt: number;
  polls: number;
  lastReported?: string;
}

/** Sleeps in short slices with heartbeats, so cancellation and worker death are noticed quickly. */
async function heartbeatingSleep(ms: number, progress: WaitProgress): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    heartbeat(progress);
    await sleep(Math.min(5_000, deadline - Date.now()));
  }
  heartbeat(progress);
}

/**
 * Polls until `viewOf` says the observation is final, writing the object's status each time what
 * it should say changes (not on every poll). Transient errors are shown as ACK.Recoverable and
 * polling goes on; terminal ones end the activity. Runs inside a heartbeating activity.
 */
export async function pollUntil<T>(
  clientFor: ObjectClients,
  args: WaitArgs,
  observe: () => Promise<T>,
  viewOf: (observation: T) => { done: boolean; view: SyncView; fields?: StatusFields },
): Promise<T> {
  const client = clientFor(args.kind ?? 'FileSystem');
  const resumed = activityInfo().heartbeatDetails as WaitProgress | undefined;
  const progress: WaitProgress = resumed ?? { startedAt: Date.now(), polls: 0 };
  const report = async (key: string, write: Omit<StatusWrite, 'sequence' | 'workflowId'>): Promise<void> => {
    if (progress.lastReported === key) return;
    await writeStatus(client, args.ref, { ...write, sequence: args.sequence, workflowId: args.workflowId });
    progress.lastReported = key;
  };
  for (;;) {
    let failure: ClassifiedError | undefined;
    let observation: T | undefined;
    try {
      observation = await observe();
    } catch (err) {
      failure = classifyError(err);
      if (failure.class === 'terminal') throw toApplicationFailure(failure);
    }
    progress.polls++;
    if (failure) {
      const message = `${failure.code}: ${failure.message} (retrying; ${progress.polls} checks so far)`;
      await classified(() =>
        report(`error:${failure.code}`, {
          view: { state: SyncState.recoverable, reason: failure.code, message, generation: args.generation },
        }),
      );
    } else {
      const { done, view, fields } = viewOf(observation as T);
      if (done) return observation as T;
      await classified(() => report(`${view.state}:${view.message}`, { view, fields }));
    }
    await heartbeatingSleep(pollDelayMs(progress.polls, Date.now() - progress.startedAt), progress);
  }
}
