import { type KindNames } from '../api/filesystem';
import { type SlowWatch } from '../api/observer-contract';
import { type ReferenceField } from '../api/references';
import { type StatusFields } from '../api/status';
import { type ObjectRef } from '../api/workflow-contract';
import { TerminalError } from '../domain/errors';
import { type OwnershipInput } from '../domain/ownership';
import { type FieldError } from '../domain/validate';

/**
 * What the engine needs to know about a kind, as data (pure: workflow code imports it). The
 * engine (src/workflows/engine.ts, src/activities/engine.ts) runs every kind from its descriptor
 * and its resource manager; a kind has no workflow code of its own.
 */
export interface KindDescriptor {
  kind: string;
  names: KindNames;
  /** The workflow type every object of this kind runs under (src/api/kinds.ts). */
  workflowType: string;
  /** Builds the kind's CustomResourceDefinition (src/api/crd.ts). */
  crd: () => Record<string, unknown>;
  /** How a person calls one resource, e.g. "mount target" (messages say "EFS mount target fsmt-1"). */
  noun: string;
  /** The status field that names the AWS id, in ACK's words (e.g. mountTargetID). */
  idField: string;
  /** Keys of the adoption-fields annotation that may name the AWS id to adopt. */
  adoptionFields: string[];
  /** Spec fields fixed once the resource exists (the CRD refuses changes to them). */
  createOnlyFields: string[];
  /** AWS lifecycle states: ready to use, gone, and broken beyond repair. */
  readyStates: string[];
  goneStates: string[];
  failedStates: string[];
  /** The kind this one lives in (its AWS id is needed to create it), if any. */
  parent?: string;
  /** Spec fields that name objects of other ACK controllers (resolved before create and apply). */
  references?: readonly ReferenceField[];
  /** The status fields an observer can see of the resource (read from AWS). */
  observed: string[];
  /**
   * The activity types the kind's workflow schedules. They are recorded in workflow histories, so
   * a kind keeps the names it has always used (the worker registers the generic activities under them).
   */
  activityTypes: KindActivityTypes;
  /** Behaviour of histories recorded before the engine was shared (see workflowPatches). */
  legacy?: LegacyBehaviour;
  /**
   * Its objects may publish a StorageClass of the EFS CSI driver and own MountTarget objects
   * (src/workflows/storage-class.ts), and its deletion waits while PersistentVolumes use it.
   */
  publishesStorageClass?: boolean;
}

export interface KindActivityTypes {
  /** Local activity: (spec, namespace) => FieldError[]. */
  validate: string;
  /** (spec, namespace) => the parent's AWS id, once the parent can take children. */
  resolveParent?: string;
  /** (spec, namespace, id?) => ResolvedReferences: the spec with its references' values; needs `references`. */
  resolveReferences?: string;
  /** (ref, spec, parentId) => CreatedResource; idempotent through the object's token. */
  create: string;
  /** (ref) => an id an earlier run created for this object, if any. */
  find?: string;
  /** (id) => CreatedResource | undefined: the resource named by the adoption annotations. */
  adopt: string;
  /** (WaitArgs) => StatusFields, once AWS reports the resource ready. */
  waitUntilReady: string;
  /** (ref, id, spec) => AppliedChanges: reads AWS back and makes the calls the spec still needs. */
  apply: string;
  /** (id) => void. */
  delete: string;
  /** (WaitArgs) => void, once AWS reports the resource gone. */
  waitUntilGone: string;
}

export interface LegacyBehaviour {
  /** Before `full-management`: validation ran inside the workflow; no adoption, read-only or Events. */
  validatedInWorkflow?: (spec: unknown) => FieldError[];
  /**
   * Before `apply-until-converged`: the spec was applied once; "wait-if-changed" waited until
   * ready again after a change (MountTarget), "once" reported a drift correction (AccessPoint).
   */
  appliedOnce?: 'wait-if-changed' | 'once';
  /** Before `deletion-waits-until-gone`: deletion did not wait until AWS reported the resource gone. */
  deletionDidNotWait?: boolean;
}

/** What creating (or adopting) returns: the AWS id and the status fields to report. */
export interface CreatedResource {
  id: string;
  status: StatusFields;
  /** Made just now exactly as the spec asks (see Creation.settled): the pass has nothing to apply. */
  settled?: boolean;
  /** With `settled`: the slow settings the observer reads for the object, as the spec made them (see AppliedChanges.slow). */
  slow?: SlowWatch;
}

/** What a resource manager's create returns. */
export interface Creation<Description> {
  description: Description;
  /**
   * Made by this call (not found by its token: an earlier attempt may have used an older spec) with
   * every setting the spec manages, so a read-back would find nothing to apply.
   */
  settled: boolean;
  /** With `settled`: the slow settings as the create made them. */
  slow?: SlowWatch;
}

/** The calls an apply made, in words (e.g. "UpdateFileSystem elastic"); empty when AWS already matched. */
export interface AppliedChanges {
  applied: string[];
  /** Status fields only the apply's reads see (e.g. a file system's replicationConfigurationStatus). */
  status?: StatusFields;
  /**
   * The settings DescribeFileSystems does not return that the spec manages, and their fingerprint as
   * AWS holds them after the apply: what the observer's slow reads compare against.
   */
  slow?: SlowWatch;
}

/**
 * The kind's adapter to AWS, used by the generic activities. `Description` is what AWS says of one
 * resource. Errors are thrown as they are (AWS's) or as TerminalError / RecoverableError /
 * RetryableError (src/domain/errors.ts); the activities classify them.
 */
export interface ResourceManager<Spec = unknown, Description = unknown> {
  validate(spec: Spec | undefined, namespace: string): FieldError[];
  /** The parent's AWS id once it can take this resource; RecoverableError until then. */
  resolveParent?(spec: Spec | undefined, namespace: string): Promise<string>;
  /** Finds or creates the resource for this object (idempotent: a retry finds the same one). */
  create(ref: ObjectRef, spec: Spec | undefined, parentId: string | undefined): Promise<Creation<Description>>;
  /** A resource an earlier run may have created for this object. */
  find?(ref: ObjectRef): Promise<string | undefined>;
  /** The one place that decides whether an existing resource may be taken over; undefined when AWS has none. */
  adopt(id: string): Promise<Description | undefined>;
  /** What AWS says now; undefined when it has no such resource. */
  describe(id: string): Promise<Description | undefined>;
  idOf(description: Description): string;
  statusOf(description: Description): StatusFields;
  /** The create-only spec values AWS holds for the resource (e.g. subnetID), by spec field. */
  createdWith?(description: Description): Record<string, unknown>;
  /** Plans the calls that bring AWS to the spec and makes them; returns them in words (and what it read for status). */
  apply(ref: ObjectRef, id: string, spec: Spec | undefined): Promise<string[] | AppliedChanges>;
  delete(id: string): Promise<void>;
  /**
   * What says who owns the resource: its tags and whether this object's token made it, or, for a
   * kind AWS cannot tag, the other object that records it. Undefined when AWS has no such resource.
   */
  ownershipEvidence(ref: ObjectRef, id: string): Promise<OwnershipEvidence | undefined>;
  /** Makes the resource name this object as its owner once an adoption is allowed (absent: nothing to write). */
  claim?(ref: ObjectRef, id: string): Promise<void>;
}

/** The part of an ownership decision that AWS (or another object's status) tells. */
export type OwnershipEvidence = Pick<OwnershipInput, 'tags' | 'createdByThisObject' | 'claimant'>;

/**
 * A resource that vanished while its object still wants it was deleted outside Kubernetes.
 * Terminal on purpose: silently creating a second one would hide the loss.
 */
export function deletedOutside(descriptor: Pick<KindDescriptor, 'kind' | 'noun'>, id: string): TerminalError {
  return new TerminalError(
    `${descriptor.kind}NotFound`,
    `EFS ${descriptor.noun} ${id} no longer exists in AWS: it was deleted outside Kubernetes. No replacement is created; delete this object, then apply it again to create a new ${descriptor.noun}`,
    'deleted',
  );
}
