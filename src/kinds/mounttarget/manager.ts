import { type MountTargetDescription } from '@aws-sdk/client-efs';
import { type MountTargetSpec } from '../../api/mounttarget';
import {
  createMountTargetInput,
  mountTargetStatus,
  sameSecurityGroups,
  validateMountTargetSpec,
} from '../../domain/mounttarget';
import { annotations, type ObjectRef } from '../../api/workflow-contract';
import { decideOwnership, ownershipRefusal, type ObjectIdentity } from '../../domain/ownership';
import { type ResourceManager } from '../kind';
import { resolveFileSystem, type ManagerDependencies } from '../managers';

export function mountTargetManager(
  deps: ManagerDependencies,
): ResourceManager<MountTargetSpec, MountTargetDescription> {
  const { efs } = deps;
  return {
    validate: validateMountTargetSpec,
    resolveParent: (spec, namespace) => resolveFileSystem(deps, spec ?? {}, namespace),
    // At most one mount target per subnet: the one already in the subnet is the one an earlier
    // attempt made, unless another object records it as its own.
    async create(ref, spec, fileSystemId) {
      const input = createMountTargetInput(spec, fileSystemId ?? '');
      const existing = (await efs.mountTargets(input.FileSystemId ?? fileSystemId ?? '')).find(
        (mt) => mt.SubnetId === input.SubnetId,
      );
      if (existing?.MountTargetId) {
        const claimant = await mountTargetClaimant(deps.clientFor, ref, existing.MountTargetId);
        const decision = decideOwnership({ self: { ...ref, kind: 'MountTarget' }, tags: [], claimant });
        if (decision.kind === 'refused') {
          throw ownershipRefusal(
            decision,
            `EFS mount target ${existing.MountTargetId} (subnet ${existing.SubnetId} of ${input.FileSystemId})`,
            annotations.takeOver,
            'A file system has one mount target per subnet: delete this object, or give it another subnet',
          );
        }
        return { description: existing, settled: false };
      }
      return { description: await efs.createMountTarget(input), settled: false };
    },
    adopt: (id) => efs.describeMountTarget(id),
    describe: (id) => efs.describeMountTarget(id),
    idOf: (mt) => mt.MountTargetId ?? '',
    statusOf: mountTargetStatus,
    createdWith: (mt) => ({ subnetID: mt.SubnetId }),
    // Security groups are the one updatable field.
    async apply(_ref, id, spec) {
      const desired = spec?.securityGroups;
      if (desired === undefined || sameSecurityGroups(desired, await efs.mountTargetSecurityGroups(id))) return [];
      await efs.setMountTargetSecurityGroups(id, desired);
      return [`ModifyMountTargetSecurityGroups ${desired.join(', ')}`];
    },
    delete: (id) => efs.deleteMountTarget(id),
    // Mount targets cannot be tagged: the object whose status records one owns it.
    async ownershipEvidence(ref, id) {
      return { tags: [], createdByThisObject: true, claimant: await mountTargetClaimant(deps.clientFor, ref, id) };
    },
  };
}

/** Another MountTarget object whose status records the mount target as its own. */
export async function mountTargetClaimant(
  clientFor: ManagerDependencies['clientFor'],
  ref: ObjectRef,
  mountTargetId: string,
): Promise<ObjectIdentity | undefined> {
  const client = clientFor('MountTarget');
  // An orchestrator limited to one namespace may not list the others: there, its own namespace is all there is.
  const all = await client.list(undefined).catch((err: unknown) => {
    if ((err as { code?: unknown }).code === 403) return client.list(ref.namespace);
    throw err;
  });
  const other = all.items.find(
    (o) =>
      o.metadata.uid !== ref.uid &&
      (o.status as { mountTargetID?: unknown } | undefined)?.mountTargetID === mountTargetId,
  );
  return (
    other && {
      kind: 'MountTarget',
      namespace: other.metadata.namespace,
      name: other.metadata.name,
      uid: other.metadata.uid,
    }
  );
}
