import { type AccessPointDescription } from '@aws-sdk/client-efs';
import { type AccessPointSpec } from '../../api/accesspoint';
import { accessPointStatus, createAccessPointInput, validateAccessPointSpec } from '../../domain/accesspoint';
import { creationTokenFor, ownTags } from '../../domain/filesystem';
import { tagChanges } from '../../domain/plan';
import { type ResourceManager } from '../kind';
import { resolveFileSystem, type ManagerDependencies } from '../managers';

export function accessPointManager(
  deps: ManagerDependencies,
): ResourceManager<AccessPointSpec, AccessPointDescription> {
  const { efs } = deps;
  return {
    validate: validateAccessPointSpec,
    resolveParent: (spec, namespace) => resolveFileSystem(deps, spec ?? {}, namespace),
    // Idempotent by its ClientToken, derived from the object's uid.
    create: async (ref, spec, fileSystemId) => ({
      description: await efs.createAccessPoint(createAccessPointInput(spec, fileSystemId ?? '', ref)),
      settled: false,
    }),
    adopt: (id) => efs.describeAccessPoint(id),
    describe: (id) => efs.describeAccessPoint(id),
    idOf: (ap) => ap.AccessPointId ?? '',
    statusOf: accessPointStatus,
    // Tags are the one updatable field.
    async apply(ref, id, spec) {
      if (spec?.tags === undefined) return [];
      const { toSet, toRemove } = tagChanges(spec.tags, await efs.tags(id), ownTags(ref));
      const applied: string[] = [];
      if (toSet.length > 0) {
        await efs.tagResource(id, toSet);
        applied.push(`TagResource ${toSet.map((t) => `${t.Key}=${t.Value}`).join(', ')}`);
      }
      if (toRemove.length > 0) {
        await efs.untagResource(id, toRemove);
        applied.push(`UntagResource ${toRemove.join(', ')}`);
      }
      return applied;
    },
    delete: (id) => efs.deleteAccessPoint(id),
    async ownershipEvidence(ref, id) {
      const ap = await efs.describeAccessPoint(id);
      return ap && { tags: ap.Tags ?? [], createdByThisObject: ap.ClientToken === creationTokenFor(ref.uid) };
    },
    claim: (ref, id) => efs.tagResource(id, ownTags(ref)),
  };
}
