import { annotations, type ObjectRef } from '../api/workflow-contract';
import { type DesiredMountTargets, type DesiredStorageClass, type StorageClassStatus } from '../api/storage-class';
import { type EfsGateway } from '../aws/efs';
import { RecoverableError } from '../domain/errors';
import { ownedBy, ownedMountTargetName, ownerOf, storageClassDifferences, volumeUses } from '../domain/storage-class';
import { StorageClient } from '../kube/storage-class';
import { classified } from './failures';
import { type ObjectClients } from './objects';

/** What publishing the StorageClass did. */
export type PublishOutcome =
  | { outcome: 'created' | 'unchanged' }
  | { outcome: 'replaced'; changes: string[] }
  | { outcome: 'not-ours'; owner?: string };

/** What withdrawing a StorageClass found. */
export type WithdrawOutcome = 'deleted' | 'absent' | 'not-ours';

/** How often a deletion blocked by PersistentVolumes looks again. */
const volumesRetryMs = 5_000;

/**
 * The activities of publishing a FileSystem as a StorageClass of the EFS CSI driver: each one
 * idempotent, never touching a StorageClass or MountTarget object that another object owns.
 */
export function createStorageClassActivities(deps: {
  clientFor: ObjectClients;
  /** The EFS gateway of the AWS partition of the object whose activity runs. */
  efsOfObject: () => Promise<EfsGateway>;
}) {
  let client: StorageClient | undefined;
  const storage = (): StorageClient => {
    const fileSystems = deps.clientFor('FileSystem');
    client ??= new StorageClient(fileSystems.kc, fileSystems, deps.clientFor('MountTarget'));
    return client;
  };

  return {
    /**
     * Creates the StorageClass, or replaces it when it differs (Kubernetes refuses any change to a
     * StorageClass's parameters, provisioner, reclaim policy or binding mode). One that exists and
     * is not ours is left alone.
     */
    async publishStorageClass(owner: ObjectRef, desired: DesiredStorageClass): Promise<PublishOutcome> {
      return classified(async () => {
        const existing = await storage().storageClass(desired.name);
        if (!existing) {
          await storage().createStorageClass(owner, desired);
          return { outcome: 'created' };
        }
        if (!ownedBy(existing.labels, owner)) return { outcome: 'not-ours', owner: ownerOf(existing.labels) };
        const changes = storageClassDifferences(desired, existing);
        if (changes.length === 0) return { outcome: 'unchanged' };
        await storage().deleteStorageClass(desired.name);
        await storage().createStorageClass(owner, desired);
        return { outcome: 'replaced', changes };
      });
    },

    async withdrawStorageClass(owner: ObjectRef, name: string): Promise<WithdrawOutcome> {
      return classified(async () => {
        const existing = await storage().storageClass(name);
        if (!existing) return 'absent';
        if (!ownedBy(existing.labels, owner)) return 'not-ours';
        await storage().deleteStorageClass(name);
        return 'deleted';
      });
    },

    /** Throws a RecoverableError naming the PersistentVolumes of the StorageClass, or whose EFS volume handle names the file system. */
    async ensureNoVolumes(fileSystemId: string | undefined, storageClass: string | undefined): Promise<void> {
      return classified(async () => {
        const using = (await storage().volumes())
          .filter((pv) => volumeUses(pv, fileSystemId, storageClass))
          .map((pv) => pv.name)
          .sort();
        if (using.length === 0) return;
        const what = [storageClass && `StorageClass ${storageClass}`, fileSystemId && `file system ${fileSystemId}`]
          .filter(Boolean)
          .join(' or ');
        throw new RecoverableError(
          'VolumesInUse',
          `PersistentVolumes ${using.join(', ')} use ${what}; delete them first (deletion goes on once they are gone)`,
          volumesRetryMs,
        );
      });
    },

    /**
     * One MountTarget object per subnet asked for, owned by the FileSystem; owned ones whose subnet
     * is no longer asked for are deleted. Returns the names created and removed.
     */
    async ensureOwnedMountTargets(
      owner: ObjectRef,
      desired: DesiredMountTargets,
    ): Promise<{ created: string[]; removed: string[] }> {
      return classified(async () => {
        const fs = await storage().fileSystem(owner);
        if (!fs) return { created: [], removed: [] };
        const owned = await storage().ownedMountTargets(owner);
        const created: string[] = [];
        const removed: string[] = [];
        // The FileSystem's deletion policy goes with its mount targets, as a cluster's garbage collector would take them.
        const policy = fs.metadata.annotations?.[annotations.deletionPolicy];
        for (const subnet of desired.subnets) {
          if (owned.some((mt) => mt.spec?.subnetID === subnet)) continue;
          const name = ownedMountTargetName(owner.name, subnet);
          await storage().createMountTarget(
            fs,
            name,
            {
              fileSystemRef: { from: { name: owner.name } },
              subnetID: subnet,
              ...(desired.securityGroups ? { securityGroups: desired.securityGroups } : {}),
            },
            policy ? { [annotations.deletionPolicy]: policy } : {},
          );
          created.push(name);
        }
        for (const mt of owned) {
          if (!desired.subnets.includes(mt.spec?.subnetID ?? '')) {
            await storage().deleteMountTarget(mt.metadata.namespace, mt.metadata.name);
            removed.push(mt.metadata.name);
          }
        }
        return { created, removed };
      });
    },

    /** Deletes every MountTarget object the FileSystem owns; returns their names. */
    async removeOwnedMountTargets(owner: ObjectRef): Promise<string[]> {
      return classified(async () => {
        const owned = await storage().ownedMountTargets(owner);
        for (const mt of owned) await storage().deleteMountTarget(mt.metadata.namespace, mt.metadata.name);
        return owned.map((mt) => mt.metadata.name).sort();
      });
    },

    /**
     * How many mount targets of the file system are available: MountTarget objects in the
     * namespace that say so, else what AWS reports (mount targets made outside Kubernetes count).
     */
    async availableMountTargets(owner: ObjectRef, fileSystemId: string): Promise<number> {
      return classified(async () => {
        const objects = (await storage().mountTargetsOf(owner.namespace)).filter(
          (mt) => mt.status?.fileSystemID === fileSystemId && mt.status?.lifeCycleState === 'available',
        );
        if (objects.length > 0) return objects.length;
        return (await (await deps.efsOfObject()).mountTargets(fileSystemId)).filter(
          (mt) => mt.LifeCycleState === 'available',
        ).length;
      });
    },

    async writeStorageClassStatus(
      owner: ObjectRef,
      status: StorageClassStatus | undefined,
      generation: number,
    ): Promise<void> {
      return classified(() => storage().writeStatus(owner, status, generation));
    },
  };
}

export type StorageClassActivities = ReturnType<typeof createStorageClassActivities>;
