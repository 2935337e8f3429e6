import { CoreV1Api, StorageV1Api, type KubeConfig, type V1StorageClass } from '@kubernetes/client-node';
import { apiVersion, fileSystemNames, group, version } from '../api/filesystem';
import { mountTargetNames, type MountTargetObject, type MountTargetSpec } from '../api/mounttarget';
import { type KubeObject } from '../api/object';
import {
  efsCsiProvisioner,
  ownerLabels,
  storageClassCondition,
  type DesiredStorageClass,
  type StorageClassStatus,
} from '../api/storage-class';
import { mergeConditions } from '../domain/conditions';
import { ownerLabelsFor, type ObservedStorageClass, type ObservedVolume } from '../domain/storage-class';
import { type KindClient, type ObjectRef } from './client';

/**
 * The Kubernetes side of publishing a FileSystem as a StorageClass: StorageClasses
 * (storage.k8s.io, cluster-scoped), PersistentVolume reads, the MountTarget objects a FileSystem
 * owns, and the FileSystem's `status.storageClass`. Errors are client-node's, classified by
 * src/domain/errors.ts.
 */

const notFound = (err: unknown): boolean => (err as { code?: unknown }).code === 404;

export class StorageClient {
  private readonly storage: StorageV1Api;
  private readonly core: CoreV1Api;

  constructor(
    readonly kc: KubeConfig,
    private readonly fileSystems: KindClient,
    private readonly mountTargets: KindClient,
  ) {
    this.storage = kc.makeApiClient(StorageV1Api);
    this.core = kc.makeApiClient(CoreV1Api);
  }

  async storageClass(name: string): Promise<ObservedStorageClass | undefined> {
    try {
      const sc: V1StorageClass = await this.storage.readStorageClass({ name });
      return {
        provisioner: sc.provisioner,
        parameters: sc.parameters ?? {},
        reclaimPolicy: sc.reclaimPolicy,
        volumeBindingMode: sc.volumeBindingMode,
        labels: sc.metadata?.labels ?? {},
      };
    } catch (err) {
      if (notFound(err)) return undefined;
      throw err;
    }
  }

  async createStorageClass(owner: ObjectRef, desired: DesiredStorageClass): Promise<void> {
    await this.storage.createStorageClass({
      body: {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: desired.name, labels: ownerLabelsFor(owner) },
        provisioner: efsCsiProvisioner,
        parameters: desired.parameters,
        reclaimPolicy: desired.reclaimPolicy,
        volumeBindingMode: desired.volumeBindingMode,
      },
    });
  }

  /** Deletes the StorageClass if it is there; only ever called for one the labels say is ours. */
  async deleteStorageClass(name: string): Promise<void> {
    try {
      await this.storage.deleteStorageClass({ name });
    } catch (err) {
      if (!notFound(err)) throw err;
    }
  }

  async volumes(): Promise<ObservedVolume[]> {
    const list = await this.core.listPersistentVolume({});
    return list.items.map((pv) => ({
      name: pv.metadata?.name ?? '',
      storageClassName: pv.spec?.storageClassName,
      csiDriver: pv.spec?.csi?.driver,
      volumeHandle: pv.spec?.csi?.volumeHandle,
    }));
  }

  /** The FileSystem object of this incarnation, or undefined once it is gone. */
  fileSystem(ref: ObjectRef): Promise<KubeObject | undefined> {
    return this.fileSystems.get(ref);
  }

  /** MountTarget objects whose labels name the FileSystem as their owner. */
  async ownedMountTargets(owner: ObjectRef): Promise<MountTargetObject[]> {
    const list = await this.mountTargets.list(owner.namespace, `${ownerLabels.uid}=${owner.uid}`);
    return list.items as MountTargetObject[];
  }

  async mountTargetsOf(namespace: string): Promise<MountTargetObject[]> {
    return (await this.mountTargets.list(namespace)).items as MountTargetObject[];
  }

  /**
   * Creates a MountTarget object owned by the FileSystem: labelled with the owner (and the
   * FileSystem's own labels, so the watchers that see it see them), with an ownerReference so a
   * real cluster's garbage collector removes it with the FileSystem.
   */
  async createMountTarget(
    owner: KubeObject,
    name: string,
    spec: MountTargetSpec,
    annotations: Record<string, string>,
  ): Promise<void> {
    const ref = { namespace: owner.metadata.namespace, name: owner.metadata.name, uid: owner.metadata.uid };
    try {
      await this.mountTargets.api.createNamespacedCustomObject({
        group,
        version,
        namespace: ref.namespace,
        plural: mountTargetNames.plural,
        body: {
          apiVersion,
          kind: mountTargetNames.kind,
          metadata: {
            name,
            namespace: ref.namespace,
            labels: { ...(owner.metadata.labels ?? {}), ...ownerLabelsFor(ref) },
            annotations,
            ownerReferences: [
              { apiVersion, kind: fileSystemNames.kind, name: ref.name, uid: ref.uid, controller: true },
            ],
          },
          spec,
        },
      });
    } catch (err) {
      // Made by an earlier attempt of this activity: the caller checks whose it is.
      if ((err as { code?: unknown }).code !== 409) throw err;
    }
  }

  async deleteMountTarget(namespace: string, name: string): Promise<void> {
    try {
      await this.mountTargets.api.deleteNamespacedCustomObject({
        group,
        version,
        namespace,
        plural: mountTargetNames.plural,
        name,
      });
    } catch (err) {
      if (!notFound(err)) throw err;
    }
  }

  /**
   * Writes `status.storageClass` and the StorageClassReady condition, guarded by resourceVersion
   * (a concurrent status write gives 409 and the activity's retry reads again). The workflow's
   * other status writes keep both: they merge into the status they read.
   */
  async writeStatus(ref: ObjectRef, status: StorageClassStatus | undefined, generation: number): Promise<void> {
    const current = await this.fileSystems.get(ref);
    if (!current) return;
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const conditions = status
      ? mergeConditions(
          current.status?.conditions,
          [
            {
              type: storageClassCondition,
              status: status.ready ? 'True' : 'False',
              reason: status.reason,
              message: status.message,
              observedGeneration: generation,
            },
          ],
          now,
        ).conditions
      : (current.status?.conditions ?? []).filter((c) => c.type !== storageClassCondition);
    // A merge patch with null removes the field once nothing is published.
    await this.fileSystems.patchStatus(current, { storageClass: status ?? null, conditions });
  }
}
