import { type FileSystemSpec, type FileSystemStatus } from '../api/filesystem';
import { type EfsGateway } from '../aws/efs';
import { SyncState } from '../domain/conditions';
import { createFileSystemInput, creationTokenFor, ownTags, statusFromDescription } from '../domain/filesystem';
import { validateFileSystemSpec, type FieldError } from '../domain/validate';
import { describeOperation, planUpdates } from '../domain/plan';
import { type ObjectRef } from '../kube/client';
import { type Logger } from '../shared/log';
import { classified } from './failures';
import { type ObjectClients } from './objects';
import { notFound, pollUntil, type WaitArgs } from './polling';

export interface FileSystemActivityDependencies {
  efs: EfsGateway;
  clientFor: ObjectClients;
  region: string;
  log: Logger;
}

export interface SettingsResult {
  /** The calls made, in words (e.g. "UpdateFileSystem elastic"); empty when AWS already matched. */
  applied: string[];
}

export interface CreatedFileSystem {
  fileSystemId: string;
  status: FileSystemStatus;
}

export function createFileSystemActivities(deps: FileSystemActivityDependencies) {
  const { efs, clientFor, region } = deps;

  return {
    /**
     * Runs as a local activity so that its answer is recorded in the history: tightening a
     * validation rule later never changes what a running workflow already decided.
     */
    async validateSpec(spec: FileSystemSpec | undefined): Promise<FieldError[]> {
      return validateFileSystemSpec(spec);
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
        clientFor,
        args,
        async () => {
          const fs = await efs.describeFileSystem(args.fileSystemId);
          if (!fs) throw deletedOutside(args.fileSystemId);
          if (fs.LifeCycleState === 'error') {
            throw notFound(
              'FileSystemInErrorState',
              `EFS file system ${args.fileSystemId} is in the "error" state; AWS cannot recover it`,
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
        if (!observed) throw deletedOutside(fileSystemId);
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
        clientFor,
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

/**
 * A file system that vanished while its object still wants it was deleted outside Kubernetes.
 * Terminal on purpose: silently creating a second one would hide the data loss.
 */
function deletedOutside(fileSystemId: string): Error {
  return notFound(
    'FileSystemNotFound',
    `EFS file system ${fileSystemId} no longer exists in AWS: it was deleted outside Kubernetes. No replacement is created; delete this object, then apply it again to create a new file system`,
  );
}
