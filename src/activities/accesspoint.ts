import { type AccessPointSpec, type AccessPointStatus } from '../api/accesspoint';
import { type EfsGateway } from '../aws/efs';
import { accessPointStatus, createAccessPointInput, validateAccessPointSpec } from '../domain/accesspoint';
import { SyncState } from '../domain/conditions';
import { ownTags } from '../domain/filesystem';
import { tagChanges } from '../domain/plan';
import { type FieldError } from '../domain/validate';
import { type ObjectRef } from '../kube/client';
import { type Logger } from '../shared/log';
import { classified } from './failures';
import { type ObjectClients } from './objects';
import { notFound, pollUntil, type WaitArgs } from './polling';

export interface AccessPointActivityDependencies {
  efs: EfsGateway;
  clientFor: ObjectClients;
  log: Logger;
}

export function createAccessPointActivities({ efs, clientFor, log }: AccessPointActivityDependencies) {
  return {
    async validateAccessPointSpec(spec: AccessPointSpec | undefined, namespace: string): Promise<FieldError[]> {
      return validateAccessPointSpec(spec, namespace);
    },

    async createAccessPoint(
      ref: ObjectRef,
      fileSystemId: string,
      spec: AccessPointSpec | undefined,
    ): Promise<AccessPointStatus> {
      return classified(async () => {
        const ap = await efs.createAccessPoint(createAccessPointInput(spec, fileSystemId, ref));
        log.info('access point created or found by its client token', {
          ...ref,
          fileSystemId,
          accessPointId: ap.AccessPointId,
        });
        return accessPointStatus(ap);
      });
    },

    async waitUntilAccessPointAvailable(args: WaitArgs): Promise<AccessPointStatus> {
      const id = args.resourceId ?? '';
      const ap = await pollUntil(
        clientFor,
        args,
        async () => {
          const found = await efs.describeAccessPoint(id);
          if (!found) throw notFound('AccessPointNotFound', `access point ${id} no longer exists in AWS`);
          if (found.LifeCycleState === 'error')
            throw notFound('AccessPointInErrorState', `access point ${id} is in the "error" state`);
          return found;
        },
        (found) => ({
          done: found.LifeCycleState === 'available',
          fields: accessPointStatus(found),
          view: {
            state: SyncState.creating,
            message: `access point ${id} is ${found.LifeCycleState}; waiting until it is available`,
            generation: args.generation,
          },
        }),
      );
      return accessPointStatus(ap);
    },

    /** Tags are the one updatable field; returns the calls made. */
    async syncAccessPointTags(
      ref: ObjectRef,
      accessPointId: string,
      spec: AccessPointSpec | undefined,
    ): Promise<string[]> {
      return classified(async () => {
        if (spec?.tags === undefined) return [];
        const { toSet, toRemove } = tagChanges(spec.tags, await efs.tags(accessPointId), ownTags(ref));
        const applied: string[] = [];
        if (toSet.length > 0) {
          await efs.tagResource(accessPointId, toSet);
          applied.push(`TagResource ${toSet.map((t) => `${t.Key}=${t.Value}`).join(', ')}`);
        }
        if (toRemove.length > 0) {
          await efs.untagResource(accessPointId, toRemove);
          applied.push(`UntagResource ${toRemove.join(', ')}`);
        }
        return applied;
      });
    },

    async deleteAccessPoint(accessPointId: string): Promise<void> {
      return classified(() => efs.deleteAccessPoint(accessPointId));
    },
  };
}
