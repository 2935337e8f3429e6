import { type FileSystemDescription } from '@aws-sdk/client-efs';
import { type FileSystemSpec } from '../../api/filesystem';
import { RecoverableError } from '../../domain/errors';
import { createFileSystemInput, creationTokenFor, ownTags, statusFromDescription } from '../../domain/filesystem';
import { describeOperation, nothingToApplyAfterCreate, planUpdates, settingsToRead } from '../../domain/plan';
import { desiredSlowValues, heldAfter, slowWatchFor } from '../../domain/slow-reads';
import { validateFileSystemSpec } from '../../domain/validate';
import { deletedOutside, type ResourceManager } from '../kind';
import { fileSystemDescriptor } from './descriptor';
import { type ManagerDependencies } from '../managers';
import { deleteReplicationFirst, syncReplication } from './replication';

export function fileSystemManager({
  efs,
  region,
}: ManagerDependencies): ResourceManager<FileSystemSpec, FileSystemDescription> {
  return {
    validate: (spec) => validateFileSystemSpec(spec),
    async create(ref, spec) {
      const { fileSystem, foundByToken } = await efs.createFileSystem(createFileSystemInput(spec, ref));
      const settled = !foundByToken && nothingToApplyAfterCreate(spec);
      const slow = settled ? slowWatchFor(spec, desiredSlowValues(spec)) : undefined;
      return { description: fileSystem, settled, ...(slow ? { slow } : {}) };
    },
    find: async (ref) => (await efs.findByCreationToken(creationTokenFor(ref.uid)))?.FileSystemId,
    adopt: (id) => efs.describeFileSystem(id),
    describe: (id) => efs.describeFileSystem(id),
    idOf: (fs) => fs.FileSystemId ?? '',
    statusOf: (fs) => statusFromDescription(fs, region),
    createdWith: (fs) => ({ kmsKeyID: fs.KmsKeyId }),
    async apply(ref, id, spec) {
      const observed = await efs.observeSettings(id, settingsToRead(spec));
      if (!observed) throw deletedOutside(fileSystemDescriptor, id);
      const plan = planUpdates(spec, observed, ownTags(ref));
      for (const operation of plan) await efs.apply(id, operation);
      const replication = await syncReplication(efs, id, spec);
      const slow = slowWatchFor(spec, heldAfter(observed, plan));
      return {
        applied: [...plan.map(describeOperation), ...replication.applied],
        status: { replicationConfigurationStatus: replication.replicationConfigurationStatus },
        ...(slow ? { slow } : {}),
      };
    },
    async ownershipEvidence(ref, id) {
      const fs = await efs.describeFileSystem(id);
      return fs && { tags: fs.Tags ?? [], createdByThisObject: fs.CreationToken === creationTokenFor(ref.uid) };
    },
    claim: (ref, id) => efs.tagResource(id, ownTags(ref)),
    async delete(id) {
      await deleteReplicationFirst(efs, id);
      try {
        await efs.deleteFileSystem(id);
      } catch (err) {
        if ((err as { name?: unknown }).name !== 'FileSystemInUse') throw err;
        const blocking = await efs.mountTargetIds(id);
        throw new RecoverableError(
          'FileSystemInUse',
          `EFS file system ${id} still has mount targets ${blocking.join(', ')}; delete them (or their MountTarget objects) first`,
          10_000,
        );
      }
    },
  };
}
