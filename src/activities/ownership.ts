import { annotations } from '../api/workflow-contract';
import { TerminalError } from '../domain/errors';
import {
  decideOwnership,
  ownerToLookUp,
  ownershipRefusal,
  type OwnerLiveness,
  type OwnershipDecision,
} from '../domain/ownership';
import { type ResourceManager } from '../kinds/kind';
import { type ObjectRef } from '../kube/client';
import { type Logger } from '../shared/log';
import { classified } from './failures';
import { type ObjectClients } from './objects';

export interface OwnershipActivityDependencies {
  /** The resource manager of a kind in the registry, in the partition of the running activity's object. */
  managerFor: (kind: string) => Promise<ResourceManager<never, unknown>>;
  clientFor: ObjectClients;
  log: Logger;
}

/** The owner-liveness lookup: the object a resource's tags name, as Kubernetes has it now (the caller compares uids). */
export async function lookUpOwner(
  clientFor: ObjectClients,
  owner: { kind: string; namespace: string; name: string },
): Promise<OwnerLiveness> {
  const { namespace, name } = owner;
  const found = await clientFor(owner.kind).getByName(namespace, name);
  return found ? { namespace, name, exists: true, uid: found.metadata.uid } : { namespace, name, exists: false };
}

/**
 * Who owns a resource, asked of its kind's manager (tags, token, or the object that records it):
 * the one place adoption and deletion learn it. The kind is an argument, so one pair of
 * activities serves every kind in the registry.
 */
export function createOwnershipActivities({ managerFor, clientFor, log }: OwnershipActivityDependencies) {
  return {
    /**
     * Who owns the resource, as deletion needs to know (no liveness lookup: deletion deletes only
     * what is ours, whoever else it belongs to). Undefined when AWS no longer has the resource.
     */
    async resourceOwnership(ref: ObjectRef, kind: string, resourceId: string): Promise<OwnershipDecision | undefined> {
      return classified(async () => {
        const evidence = await (await managerFor(kind)).ownershipEvidence(ref, resourceId);
        return evidence && decideOwnership({ self: { ...ref, kind }, ...evidence });
      });
    },

    /**
     * Adoption: looks up the owner the tags name, refuses (terminal) a resource another live object
     * owns, and one whose owner is gone or is ACK unless `takeOver`; otherwise makes the resource
     * name this object. Returns the decision it acted on.
     */
    async claimResource(
      ref: ObjectRef,
      kind: string,
      resourceId: string,
      takeOver: boolean,
      /** How messages name the resource, e.g. "EFS file system fs-1". */
      resource: string,
    ): Promise<OwnershipDecision> {
      return classified(async () => {
        const self = { ...ref, kind };
        const manager = await managerFor(kind);
        const evidence = await manager.ownershipEvidence(ref, resourceId);
        if (!evidence) throw new TerminalError(`${kind}NotFound`, `cannot adopt ${resource}: AWS has no such resource`);
        const toLookUp = ownerToLookUp(evidence.tags, self);
        const owner = toLookUp && (await lookUpOwner(clientFor, toLookUp));
        const decision = decideOwnership({ self, ...evidence, owner });
        if (decision.kind === 'refused' || (decision.kind === 'take-over-needed' && !takeOver))
          throw ownershipRefusal(decision, resource, annotations.takeOver);
        if (decision.kind !== 'ours' && manager.claim) {
          await manager.claim(ref, resourceId);
          log.info('resource claimed', { ...ref, resourceId, decision: decision.kind });
        }
        return decision;
      });
    },
  };
}
