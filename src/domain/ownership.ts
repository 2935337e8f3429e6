import { TerminalError } from './errors';
import { ownTagPrefix } from './filesystem';

/**
 * Who owns an AWS resource, and what this object may do with it. A resource belongs to the
 * object whose uid its tags carry (the tags the orchestrator writes: see ownTags). A resource an
 * ACK controller made carries ACK's tags instead. Mount targets cannot be tagged: the object whose
 * status records the mount target's id is its owner.
 *
 * Nothing adopts, changes or deletes a resource another live object owns; taking over from an
 * owner that is gone, or from ACK, is an explicit choice (the take-over annotation). Deletion
 * deletes only what is ours. Pure: imported by workflow code.
 */

/** The object making the decision, or the object that owns a resource. */
export interface ObjectIdentity {
  kind: string;
  namespace: string;
  name: string;
  uid: string;
}

export interface Tag {
  Key?: string;
  Value?: string;
}

/** The orchestrator's own tags, as ownTags writes them. */
export const ownerTagKeys = {
  namespace: `${ownTagPrefix}namespace`,
  name: `${ownTagPrefix}name`,
  uid: `${ownTagPrefix}uid`,
} as const;

/** What ACK's controllers tag their resources with (services.k8s.aws/controller-version=efs-<version>). */
export const ackTagKeys = {
  controllerVersion: 'services.k8s.aws/controller-version',
  namespace: 'services.k8s.aws/namespace',
} as const;

/** Who a resource's tags (or, for a mount target, another object's status) say it belongs to. */
export type ResourceOwner =
  | {
      by: 'object';
      kind: string;
      namespace?: string;
      name?: string;
      /** Absent when only some of the orchestrator's tags are left. */
      uid?: string;
    }
  | { by: 'ack'; controllerVersion: string; namespace?: string };

/** What Kubernetes says about the object a resource's tags name (the owner-liveness lookup). */
export type OwnerLiveness =
  { namespace: string; name: string; exists: true; uid: string } | { namespace: string; name: string; exists: false };

/** Why taking over needs the take-over annotation. */
export type TakeOverReason = 'owner-gone' | 'owner-recreated' | 'made-by-ack';

export type OwnershipDecision =
  /** The resource names this object (or carries no owner tags and was created with this object's token). */
  | { kind: 'ours' }
  /** Nobody claims the resource: adopting it is an ordinary adoption. */
  | { kind: 'adoptable-unowned' }
  /** The recorded owner is gone (or is ACK): only the take-over annotation lets this object have it. */
  | { kind: 'take-over-needed'; owner: ResourceOwner; why: TakeOverReason }
  /** Another live object (or one that could not be checked) owns it: never adopt, change or delete it. */
  | { kind: 'refused'; owner: ResourceOwner };

export interface OwnershipInput {
  self: ObjectIdentity;
  /** The resource's tags (mount targets have none). */
  tags: readonly Tag[];
  /** The resource's creation (or client) token is the one this object creates with. */
  createdByThisObject?: boolean;
  /** What Kubernetes said about the object the tags name, once looked up (see ownerToLookUp). */
  owner?: OwnerLiveness;
  /** Another object that records the resource in its status (how mount targets are owned). */
  claimant?: ObjectIdentity;
}

/** The owner a resource's tags name: the orchestrator's own tags first, then ACK's. */
export function ownerFromTags(tags: readonly Tag[], kind: string): ResourceOwner | undefined {
  const value = (key: string): string | undefined => {
    const found = tags.find((t) => t.Key === key)?.Value;
    return found === undefined || found === '' ? undefined : found;
  };
  const namespace = value(ownerTagKeys.namespace);
  const name = value(ownerTagKeys.name);
  const uid = value(ownerTagKeys.uid);
  // The tags do not say the owner's kind: a resource type has one kind of owner (a file system a FileSystem).
  if (namespace !== undefined || name !== undefined || uid !== undefined)
    return { by: 'object', kind, namespace, name, uid };
  const controllerVersion = value(ackTagKeys.controllerVersion);
  if (controllerVersion !== undefined) return { by: 'ack', controllerVersion, namespace: value(ackTagKeys.namespace) };
  return undefined;
}

/**
 * The object to read from Kubernetes before deciding: the one the tags name, when it is not this
 * object and can be found by namespace and name. Undefined when no lookup can change the answer.
 */
export function ownerToLookUp(
  tags: readonly Tag[],
  self: ObjectIdentity,
): { kind: string; namespace: string; name: string } | undefined {
  const owner = ownerFromTags(tags, self.kind);
  if (owner?.by !== 'object' || owner.uid === self.uid) return undefined;
  if (owner.namespace === undefined || owner.name === undefined) return undefined;
  return { kind: owner.kind, namespace: owner.namespace, name: owner.name };
}

export function decideOwnership(input: OwnershipInput): OwnershipDecision {
  const { self, claimant } = input;
  if (claimant && claimant.uid !== self.uid) return { kind: 'refused', owner: { by: 'object', ...claimant } };
  const owner = ownerFromTags(input.tags, self.kind);
  if (owner === undefined) return input.createdByThisObject ? { kind: 'ours' } : { kind: 'adoptable-unowned' };
  if (owner.by === 'ack') return { kind: 'take-over-needed', owner, why: 'made-by-ack' };
  if (owner.uid === self.uid) return { kind: 'ours' };
  const looked = input.owner;
  // Without a lookup of exactly the tagged object, nothing is known about it: never touch.
  if (!looked || looked.namespace !== owner.namespace || looked.name !== owner.name) return { kind: 'refused', owner };
  if (!looked.exists) return { kind: 'take-over-needed', owner, why: 'owner-gone' };
  if (owner.uid === undefined) {
    // Partial tags name an object by name only: it is ours if that object is this one.
    return looked.uid === self.uid ? { kind: 'ours' } : { kind: 'refused', owner };
  }
  if (looked.uid === owner.uid) return { kind: 'refused', owner };
  return { kind: 'take-over-needed', owner, why: 'owner-recreated' };
}

/** "FileSystem team-a/data (uid 1234)" or "an ACK controller (efs-v1.4.1, namespace team-a)". */
export function describeOwner(owner: ResourceOwner): string {
  if (owner.by === 'ack') {
    const where = owner.namespace ? `, namespace ${owner.namespace}` : '';
    return `an ACK controller (${owner.controllerVersion}${where})`;
  }
  const name = `${owner.namespace ?? '?'}/${owner.name ?? '?'}`;
  return `${owner.kind} ${name}${owner.uid ? ` (uid ${owner.uid})` : ''}`;
}

const reasonWords: Record<TakeOverReason, string> = {
  'owner-gone': 'which no longer exists',
  'owner-recreated': 'which no longer exists (an object of that name exists with another uid)',
  'made-by-ack': 'which made it',
};

/** Condition reasons (and error codes) of the two refusals; both are terminal. */
export const ownershipReasons = {
  ownedByAnotherObject: 'OwnedByAnotherObject',
  takeOverRequired: 'TakeOverRequired',
} as const;

/** The error an adoption that must not proceed fails with: terminal, since only a person can resolve it. */
export function ownershipRefusal(
  decision: Extract<OwnershipDecision, { kind: 'refused' | 'take-over-needed' }>,
  resource: string,
  takeOverAnnotation: string,
  /** What this object's owner can do about a refusal (the default speaks of adoption). */
  advice?: string,
): TerminalError {
  const owner = describeOwner(decision.owner);
  const message =
    decision.kind === 'refused'
      ? `${resource} belongs to ${owner}, which still exists: only one object may manage it. ${advice ?? `Remove the adoption annotations from this object, or delete ${owner} with services.k8s.aws/deletion-policy: retain first`}`
      : `${resource} belongs to ${owner}, ${reasonWords[decision.why]}; to take it over, add the annotation ${takeOverAnnotation}: "true"`;
  const name = decision.kind === 'refused' ? ownershipReasons.ownedByAnotherObject : ownershipReasons.takeOverRequired;
  return new TerminalError(name, message);
}

/** The Event message of a take-over. */
export function takeOverMessage(
  decision: Extract<OwnershipDecision, { kind: 'take-over-needed' }>,
  resource: string,
  takeOverAnnotation: string,
): string {
  return `took over ${resource} from ${describeOwner(decision.owner)}, ${reasonWords[decision.why]} (${takeOverAnnotation}: "true")`;
}

/** Why deleting the object leaves the resource, for status and the Event; undefined when it is ours to delete. */
export function notOursToDelete(decision: OwnershipDecision, resource: string): string | undefined {
  switch (decision.kind) {
    case 'ours':
      return undefined;
    case 'adoptable-unowned':
      return `${resource} carries no owner tags naming this object; it is not deleted`;
    case 'take-over-needed':
    case 'refused':
      return `${resource} now belongs to ${describeOwner(decision.owner)}; it is not deleted`;
  }
}
