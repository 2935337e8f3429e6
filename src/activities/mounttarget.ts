import { type MountTargetSpec, type MountTargetStatus } from '../api/mounttarget';
import { type EfsGateway } from '../aws/efs';
import { SyncState } from '../domain/conditions';
import {
  createMountTargetInput,
  mountTargetStatus,
  sameSecurityGroups,
  validateMountTargetSpec,
} from '../domain/mounttarget';
import { fileSystemTarget, isFieldError } from '../domain/references';
import { type FieldError } from '../domain/validate';
import { type ObjectRef } from '../kube/client';
import { type Logger } from '../shared/log';
import { classified } from './failures';
import { type ObjectClients } from './objects';
import { notFound, pollUntil, type WaitArgs } from './polling';
import { resolveFileSystem } from './references';

export interface MountTargetActivityDependencies {
  efs: EfsGateway;
  clientFor: ObjectClients;
  log: Logger;
}

export function createMountTargetActivities({ efs, clientFor, log }: MountTargetActivityDependencies) {
  return {
    async validateMountTargetSpec(spec: MountTargetSpec | undefined, namespace: string): Promise<FieldError[]> {
      return validateMountTargetSpec(spec, namespace);
    },

    /** The id of the file system to mount, once it is available (recoverable until then). */
    async resolveFileSystem(
      spec: { fileSystemID?: string; fileSystemRef?: MountTargetSpec['fileSystemRef'] },
      namespace: string,
    ): Promise<string> {
      return classified(async () => {
        const target = fileSystemTarget(spec, namespace);
        if (isFieldError(target))
          throw Object.assign(new Error(`${target.field} ${target.message}`), { name: 'BadRequest', $fault: 'client' });
        return resolveFileSystem(efs, clientFor, target);
      });
    },

    async createMountTarget(
      ref: ObjectRef,
      fileSystemId: string,
      spec: MountTargetSpec | undefined,
    ): Promise<MountTargetStatus> {
      return classified(async () => {
        const mt = await efs.createMountTarget(createMountTargetInput(spec, fileSystemId));
        log.info('mount target created or found in its subnet', {
          ...ref,
          fileSystemId,
          mountTargetId: mt.MountTargetId,
        });
        return mountTargetStatus(mt);
      });
    },

    async waitUntilMountTargetAvailable(args: WaitArgs): Promise<MountTargetStatus> {
      const id = args.resourceId ?? '';
      const mt = await pollUntil(
        clientFor,
        args,
        async () => {
          const found = await efs.describeMountTarget(id);
          if (!found) throw notFound('MountTargetNotFound', `mount target ${id} no longer exists in AWS`);
          if (found.LifeCycleState === 'error')
            throw notFound('MountTargetInErrorState', `mount target ${id} is in the "error" state`);
          return found;
        },
        (found) => ({
          done: found.LifeCycleState === 'available',
          fields: mountTargetStatus(found),
          view: {
            state: SyncState.creating,
            message: `mount target ${id} is ${found.LifeCycleState}; waiting until it is available`,
            generation: args.generation,
          },
        }),
      );
      return mountTargetStatus(mt);
    },

    /** Security groups are the one updatable field; returns whether a change was made. */
    async syncMountTargetSecurityGroups(mountTargetId: string, spec: MountTargetSpec | undefined): Promise<boolean> {
      return classified(async () => {
        const desired = spec?.securityGroups;
        if (desired === undefined) return false;
        if (sameSecurityGroups(desired, await efs.mountTargetSecurityGroups(mountTargetId))) return false;
        await efs.setMountTargetSecurityGroups(mountTargetId, desired);
        return true;
      });
    },

    async deleteMountTarget(mountTargetId: string): Promise<void> {
      return classified(() => efs.deleteMountTarget(mountTargetId));
    },

    async waitUntilMountTargetDeleted(args: WaitArgs): Promise<void> {
      const id = args.resourceId ?? '';
      await pollUntil(
        clientFor,
        args,
        () => efs.describeMountTarget(id),
        (found) => ({
          done: found === undefined || found.LifeCycleState === 'deleted',
          view: {
            state: SyncState.deleting,
            message: `mount target ${id} is ${found?.LifeCycleState ?? 'gone'}; waiting until AWS reports it deleted`,
            generation: args.generation,
          },
        }),
      );
    },
  };
}
