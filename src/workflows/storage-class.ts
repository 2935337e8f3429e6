import * as wf from '@temporalio/workflow';
import type { StorageClassActivities, WithdrawOutcome } from '../activities/storage-class';
import { storageAnnotations, type StorageClassStatus } from '../api/storage-class';
import { workflowPatches, type ObjectSnapshot, type StorageState } from '../api/workflow-contract';
import { retryDelayMs } from '../domain/polling';
import { storageFingerprint, storageRequest } from '../domain/storage-class';
import { classificationOf } from './failures';
import { type ObjectLifecycle } from './lifecycle';

/** StorageClass and PersistentVolume reads, MountTarget object writes: Kubernetes calls (one EFS read counts mount targets). */
const storageOptions: wf.ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 4 },
};

/**
 * Quick looks for an available mount target before the StorageClass waits for the drift check
 * instead: about twenty minutes (2 s doubling to 30 s), so a wait for a mount target that never
 * comes does not grow the history without end.
 */
const mountTargetLooks = 40;

function storageActivities(summary: string): wf.ActivityInterfaceFor<StorageClassActivities> {
  return wf.proxyActivities<StorageClassActivities>({ ...storageOptions, summary });
}

/**
 * A FileSystem published as a StorageClass of the EFS CSI driver (src/api/storage-class.ts): once
 * the file system is available and has an available mount target, the StorageClass the
 * annotations ask for is created, kept current (replaced when it differs: Kubernetes refuses to
 * change one in place) and removed when the annotation goes (once no PersistentVolume of it is
 * left); owned MountTarget objects follow the subnets annotation. Deletion removes both first and
 * waits while PersistentVolumes use the file system.
 */
export class StoragePublisher {
  /** The status.storageClass last written by this run (another run writes once again). */
  private written: string | undefined;

  constructor(private readonly life: ObjectLifecycle) {
    life.otherNews = () => this.news();
  }

  private get state(): StorageState | undefined {
    return this.life.st.storage;
  }

  /** The storage annotations changed since a pass last acted on them. */
  news(): boolean {
    return storageFingerprint(this.life.st.latest?.annotations) !== (this.state?.handled ?? '');
  }

  /** Whether the object asks for (or still has) anything published. Old histories never do. */
  private involved(snapshot: ObjectSnapshot | undefined): boolean {
    return (
      storageFingerprint(snapshot?.annotations) !== '' ||
      this.state?.storageClass !== undefined ||
      this.state?.ownsMountTargets === true
    );
  }

  /**
   * Runs after a sync pass reached the desired state of the file system itself. A step of its own
   * that had to wait (PersistentVolumes, a failed call) leaves the object Synced again once done.
   */
  async publish(snapshot: ObjectSnapshot, fileSystemId: string, readOnly: boolean): Promise<void> {
    if (!this.involved(snapshot) || !wf.patched(workflowPatches.storageClass)) return;
    const synced = { state: this.life.view.state, message: this.life.view.message };
    await this.publishPass(snapshot, fileSystemId, readOnly);
    if (this.life.view.state !== synced.state) await this.life.report(synced);
  }

  private async publishPass(snapshot: ObjectSnapshot, fileSystemId: string, readOnly: boolean): Promise<void> {
    const life = this.life;
    const state: StorageState = (life.st.storage ??= { handled: '' });
    const fingerprint = storageFingerprint(snapshot.annotations);
    state.handled = fingerprint;
    const request = storageRequest(snapshot.annotations, fileSystemId);
    const name = request.storageClass?.name;

    if (readOnly && fingerprint !== '') {
      await this.status({
        name,
        ready: false,
        reason: 'ReadOnly',
        message: 'read-only objects publish nothing: remove services.k8s.aws/read-only to publish a StorageClass',
      });
      return;
    }
    if (state.storageClass !== undefined && state.storageClass !== name) {
      await this.withdraw(state.storageClass, 'its annotation was removed or renamed');
    }
    if (request.errors.length > 0) {
      const message = request.errors.join('; ');
      if (await this.status({ name, ready: false, reason: 'InvalidAnnotation', message }))
        await life.emit({ type: 'Warning', reason: 'InvalidAnnotation', message });
      return;
    }

    if (request.mountTargets) {
      const desired = request.mountTargets;
      const made = await life.step('creating owned MountTarget objects', () =>
        storageActivities('creating owned MountTarget objects').ensureOwnedMountTargets(life.ref, desired),
      );
      state.ownsMountTargets = true;
      await this.mountTargetEvents(made.created, made.removed);
    } else if (state.ownsMountTargets) {
      const removed = await life.step('removing owned MountTarget objects', () =>
        storageActivities('removing owned MountTarget objects').removeOwnedMountTargets(life.ref),
      );
      state.ownsMountTargets = false;
      await this.mountTargetEvents([], removed);
    }

    if (!request.storageClass) {
      await this.status(undefined);
      return;
    }
    const desired = request.storageClass;
    if (!(await this.mountable(fileSystemId, desired.name))) return;

    const published = await life.step(`publishing StorageClass ${desired.name}`, () =>
      storageActivities(`publishing StorageClass ${desired.name}`).publishStorageClass(life.ref, desired),
    );
    const where = `provisions access points on ${fileSystemId} (efs.csi.aws.com)`;
    if (published.outcome === 'not-ours') {
      const message = `StorageClass ${desired.name} exists and is not this FileSystem's (${published.owner ?? 'made outside the orchestrator'}): left as it is; choose another name in ${storageAnnotations.storageClass}`;
      if (await this.status({ name: desired.name, ready: false, reason: 'NotOurs', message }))
        await life.emit({ type: 'Warning', reason: 'StorageClassNotOurs', message });
      return;
    }
    state.storageClass = desired.name;
    const news =
      published.outcome === 'created'
        ? { reason: 'StorageClassCreated', message: `StorageClass ${desired.name} created: ${where}` }
        : published.outcome === 'replaced'
          ? {
              reason: 'StorageClassReplaced',
              message: `StorageClass ${desired.name} replaced, since a StorageClass cannot change in place: ${published.changes.join('; ')}`,
            }
          : undefined;
    if (news) await life.emit({ type: 'Normal', ...news });
    await this.status({
      name: desired.name,
      ready: true,
      reason: 'Published',
      message: `StorageClass ${desired.name} ${where}`,
    });
  }

  /**
   * Runs first in a deletion: removes the StorageClass and, when the file system itself is to be
   * deleted, waits while PersistentVolumes use it; then removes the owned MountTarget objects.
   * Histories recorded before StorageClasses existed do nothing here.
   */
  async beforeDeletion(
    snapshot: ObjectSnapshot | undefined,
    fileSystemId: string | undefined,
    deletesFileSystem: boolean,
  ): Promise<void> {
    const involved = this.involved(snapshot);
    if (!involved && !deletesFileSystem) return;
    if (!wf.patched(workflowPatches.storageClass)) return;
    const life = this.life;
    const annotated = snapshot?.annotations[storageAnnotations.storageClass]?.trim();
    // The annotation's name too: a crash may have come between making the StorageClass and recording it.
    const recorded = this.state?.storageClass;
    const candidate = recorded ?? (annotated || undefined);
    const ours =
      candidate !== undefined &&
      ((await this.withdraw(candidate, 'the FileSystem is being deleted', false)) === 'deleted' ||
        candidate === recorded);
    const name = ours ? candidate : undefined;
    if (deletesFileSystem) {
      await life.step(
        'waiting until no PersistentVolume uses the file system',
        () => storageActivities('checking PersistentVolumes').ensureNoVolumes(fileSystemId, name),
        false,
      );
    }
    if (this.state?.ownsMountTargets || snapshot?.annotations[storageAnnotations.mountTargetSubnets] !== undefined) {
      const removed = await life.step(
        'removing owned MountTarget objects',
        () => storageActivities('removing owned MountTarget objects').removeOwnedMountTargets(life.ref),
        false,
      );
      if (this.state) this.state.ownsMountTargets = false;
      await this.mountTargetEvents([], removed);
    }
  }

  /** Removes our StorageClass once no PersistentVolume of it is left (when asked to wait for them). */
  private async withdraw(name: string, why: string, waitForVolumes = true): Promise<WithdrawOutcome> {
    const life = this.life;
    if (waitForVolumes) {
      await this.status({
        name,
        ready: false,
        reason: 'Removing',
        message: `removing StorageClass ${name} (${why}) once no PersistentVolume of it is left`,
      });
      await life.step(`removing StorageClass ${name}: waiting for its PersistentVolumes`, () =>
        storageActivities('checking PersistentVolumes').ensureNoVolumes(undefined, name),
      );
    }
    const outcome = await life.step(
      `removing StorageClass ${name}`,
      () => storageActivities(`removing StorageClass ${name}`).withdrawStorageClass(life.ref, name),
      waitForVolumes,
    );
    if (this.state) this.state.storageClass = undefined;
    if (outcome === 'deleted') {
      await life.emit({
        type: 'Normal',
        reason: 'StorageClassDeleted',
        message: `StorageClass ${name} deleted: ${why}`,
      });
    }
    await this.status(undefined);
    return outcome;
  }

  /**
   * Waits until the file system has an available mount target (a MountTarget object that says so,
   * or AWS), saying so in status. False when newer work arrived first (the next pass goes on) or
   * after the quick looks (the next drift check looks again).
   */
  private async mountable(fileSystemId: string, name: string): Promise<boolean> {
    const life = this.life;
    for (let look = 1; ; look++) {
      const available = await life.step('looking for an available mount target', () =>
        storageActivities('looking for an available mount target').availableMountTargets(life.ref, fileSystemId),
      );
      if (available > 0) return true;
      await this.status({
        name,
        ready: false,
        reason: 'WaitingForMountTarget',
        message: `StorageClass ${name} waits for an available mount target of ${fileSystemId} (a MountTarget object, ${storageAnnotations.mountTargetSubnets}, or one made in AWS)`,
      });
      if (look >= mountTargetLooks) return false;
      const delay = Math.min(retryDelayMs(look), life.longestRetryDelayMs());
      if (await wf.condition(() => life.superseded() || this.news(), delay)) return false;
    }
  }

  private async mountTargetEvents(created: string[], removed: string[]): Promise<void> {
    if (created.length > 0) {
      await this.life.emit({
        type: 'Normal',
        reason: 'MountTargetsCreated',
        message: `MountTarget objects ${created.join(', ')} created (owned by this FileSystem)`,
      });
    }
    if (removed.length > 0) {
      await this.life.emit({
        type: 'Normal',
        reason: 'MountTargetsRemoved',
        message: `owned MountTarget objects ${removed.join(', ')} deleted`,
      });
    }
  }

  /**
   * Writes status.storageClass when it says something new (undefined removes it), and says whether
   * it did; like an Event, a failed write never stops a pass.
   */
  private async status(next: StorageClassStatus | undefined): Promise<boolean> {
    const json = JSON.stringify(next ?? null);
    if (json === this.written) return false;
    try {
      await storageActivities('status: StorageClass').writeStorageClassStatus(
        this.life.ref,
        next,
        this.life.passGeneration,
      );
      this.written = json;
    } catch (err) {
      wf.log.warn('StorageClass status not written', { error: classificationOf(err).message });
    }
    return true;
  }
}
