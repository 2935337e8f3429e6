import { activityInfo, heartbeat, sleep } from '@temporalio/activity';
import { type FileSystemSpec, type FileSystemStatus } from '../api/filesystem';
import { type EfsGateway } from '../aws/efs';
import { SyncState, type SyncView } from '../domain/conditions';
import { classifyError, type ClassifiedError } from '../domain/errors';
import { createFileSystemInput, creationTokenFor, ownTags, statusFromDescription } from '../domain/filesystem';
import { pollDelayMs } from '../domain/polling';
import { validateFileSystemSpec, type FieldError } from '../domain/validate';
import { describeOperation, planUpdates } from '../domain/plan';
import { recordEvent, type ObjectEvent } from '../kube/events';
import { type KindClient, type ObjectRef } from '../kube/client';
import { ensureFinalizer, removeFinalizer, type FinalizerResult } from '../kube/finalizers';
import { writeStatus, type StatusWrite, type StatusWriteResult } from '../kube/status';
import { type Logger } from '../shared/log';
import { classified, toApplicationFailure } from './failures';

export interface ActivityDependencies {
  efs: EfsGateway;
  fileSystems: KindClient;
  region: string;
  log: Logger;
}

/** Arguments of the long waits: who to report to while waiting, and how. */
export interface WaitArgs {
  ref: ObjectRef;
  workflowId: string;
  fileSystemId: string;
  generation: number;
  /** The workflow's current status sequence; writes made while waiting use it. */
  sequence: number;
}

/** What a heartbeat remembers, so a retry on another worker resumes instead of starting over. */
interface WaitProgress {
  startedAt: number;
  polls: number;
  lastReported?: string;
}

export interface SettingsResult {
  /** The calls made, in words (e.g. "UpdateFileSystem elastic"); empty when AWS already matched. */
  applied: string[];
}

export interface CreatedFileSystem {
  fileSystemId: string;
  status: FileSystemStatus;
}

export function createActivities(deps: ActivityDependencies) {
  const { efs, fileSystems, region } = deps;

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
   * Polls until `done` says the observation is final, writing the object's status each time what
   * it should say changes (not on every poll). Transient errors are shown as ACK.Recoverable and
   * polling goes on; terminal ones end the activity.
   */
  async function pollUntil<T>(
    args: WaitArgs,
    observe: () => Promise<T>,
    viewOf: (observation: T) => { done: boolean; view: SyncView; fields?: FileSystemStatus },
  ): Promise<T> {
    const resumed = activityInfo().heartbeatDetails as WaitProgress | undefined;
    const progress: WaitProgress = resumed ?? { startedAt: Date.now(), polls: 0 };
    const report = async (key: string, write: Omit<StatusWrite, 'sequence' | 'workflowId'>): Promise<void> => {
      if (progress.lastReported === key) return;
      await writeStatus(fileSystems, args.ref, { ...write, sequence: args.sequence, workflowId: args.workflowId });
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

  return {
    /**
     * Runs as a local activity so that its answer is recorded in the history: tightening a
     * validation rule later never changes what a running workflow already decided.
     */
    async validateSpec(spec: FileSystemSpec | undefined): Promise<FieldError[]> {
      return validateFileSystemSpec(spec);
    },

    async ensureFinalizer(ref: ObjectRef): Promise<FinalizerResult> {
      return classified(() => ensureFinalizer(fileSystems, ref));
    },

    async removeFinalizer(ref: ObjectRef): Promise<FinalizerResult> {
      return classified(() => removeFinalizer(fileSystems, ref));
    },

    async writeStatus(ref: ObjectRef, write: StatusWrite): Promise<StatusWriteResult> {
      return classified(() => writeStatus(fileSystems, ref, write));
    },

    /** Idempotent: the creation token comes from the object's uid, so a retry finds the same file system. */
    async createFileSystem(ref: ObjectRef, spec: FileSystemSpec | undefined): Promise<CreatedFileSystem> {
      return classified(async () => {
        const created = await efs.createFileSystem(createFileSystemInput(spec, ref));
        deps.log.info('file system created or found by its creation token', {
          ...ref,
          fileSystemId: created.FileSystemId,
        });
        return { fileSystemId: created.FileSystemId ?? '', status: statusFromDescription(created, region) };
      });
    },

    /** A file system an earlier run may have created for this object (found by its creation token). */
    async findFileSystem(ref: ObjectRef): Promise<string | undefined> {
      return classified(async () => (await efs.findByCreationToken(creationTokenFor(ref.uid)))?.FileSystemId);
    },

    async waitUntilAvailable(args: WaitArgs): Promise<FileSystemStatus> {
      const described = await pollUntil(
        args,
        async () => {
          const fs = await efs.describeFileSystem(args.fileSystemId);
          if (!fs)
            throw Object.assign(new Error(`EFS file system ${args.fileSystemId} no longer exists in AWS`), {
              name: 'FileSystemNotFound',
              $fault: 'client',
            });
          if (fs.LifeCycleState === 'error') {
            throw Object.assign(
              new Error(`EFS file system ${args.fileSystemId} is in the "error" state; AWS cannot recover it`),
              { name: 'FileSystemInErrorState', $fault: 'client' },
            );
          }
          return fs;
        },
        (fs) => ({
          done: fs.LifeCycleState === 'available',
          fields: statusFromDescription(fs, region),
          view: {
            state: SyncState.creating,
            message: `EFS file system ${args.fileSystemId} is ${fs.LifeCycleState}; waiting until it is available`,
            generation: args.generation,
          },
        }),
      );
      return statusFromDescription(described, region);
    },

    /**
     * Reads the file system's settings back from AWS and makes the calls that bring them to the
     * spec. Idempotent: a retry re-reads and only makes what is still missing.
     */
    async syncSettings(
      ref: ObjectRef,
      fileSystemId: string,
      spec: FileSystemSpec | undefined,
    ): Promise<SettingsResult> {
      return classified(async () => {
        const observed = await efs.observeSettings(fileSystemId);
        if (!observed) {
          throw Object.assign(new Error(`EFS file system ${fileSystemId} no longer exists in AWS`), {
            name: 'FileSystemNotFound',
            $fault: 'client',
          });
        }
        const applied: string[] = [];
        for (const operation of planUpdates(spec, observed, ownTags(ref))) {
          await efs.apply(fileSystemId, operation);
          applied.push(describeOperation(operation));
        }
        if (applied.length > 0) deps.log.info('applied spec to the file system', { ...ref, fileSystemId, applied });
        return { applied };
      });
    },

    /** Adopts an existing file system: its description, or a terminal error when it does not exist. */
    async describeForAdoption(fileSystemId: string): Promise<CreatedFileSystem | undefined> {
      return classified(async () => {
        const fs = await efs.describeFileSystem(fileSystemId);
        return fs ? { fileSystemId, status: statusFromDescription(fs, region) } : undefined;
      });
    },

    async recordEvent(ref: ObjectRef, event: ObjectEvent): Promise<void> {
      return classified(() => recordEvent(fileSystems.kc, fileSystems.names, ref, event));
    },

    /** Asks AWS to delete; a file system with mount targets says which ones block it. */
    async deleteFileSystem(fileSystemId: string): Promise<void> {
      return classified(async () => {
        try {
          await efs.deleteFileSystem(fileSystemId);
        } catch (err) {
          if ((err as { name?: unknown }).name !== 'FileSystemInUse') throw err;
          const blocking = await efs.mountTargetIds(fileSystemId);
          (err as Error).message =
            `EFS file system ${fileSystemId} still has mount targets ${blocking.join(', ')}; delete them (or their MountTarget objects) first`;
          throw err;
        }
      });
    },

    async waitUntilDeleted(args: WaitArgs): Promise<void> {
      await pollUntil(
        args,
        () => efs.describeFileSystem(args.fileSystemId),
        (fs) => ({
          done: fs === undefined || fs.LifeCycleState === 'deleted',
          fields: fs ? { lifeCycleState: fs.LifeCycleState } : undefined,
          view: {
            state: SyncState.deleting,
            message: `EFS file system ${args.fileSystemId} is ${fs?.LifeCycleState ?? 'gone'}; waiting until AWS reports it deleted`,
            generation: args.generation,
          },
        }),
      );
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
