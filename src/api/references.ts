/**
 * References to objects other ACK controllers manage (ACK's `...Ref.from` fields): which spec
 * field names which kind, where that kind's object keeps the value, and which spec field the value
 * stands for. Data, read by validation, the CRDs and the generic resolution step. Pure.
 */

/** A kind of another ACK controller, and where its object's status carries the value a reference needs. */
export interface ReferencedKind {
  kind: string;
  group: string;
  version: string;
  plural: string;
  /** The ACK controller whose chart installs the CRD (e.g. "kms"). */
  controller: string;
  /** The status field holding the value, as a path below the object (e.g. status.subnetID). */
  valuePath: readonly string[];
}

export const referencedKinds = {
  Key: {
    kind: 'Key',
    group: 'kms.services.k8s.aws',
    version: 'v1alpha1',
    plural: 'keys',
    controller: 'kms',
    valuePath: ['status', 'ackResourceMetadata', 'arn'],
  },
  Subnet: {
    kind: 'Subnet',
    group: 'ec2.services.k8s.aws',
    version: 'v1alpha1',
    plural: 'subnets',
    controller: 'ec2',
    valuePath: ['status', 'subnetID'],
  },
  SecurityGroup: {
    kind: 'SecurityGroup',
    group: 'ec2.services.k8s.aws',
    version: 'v1alpha1',
    plural: 'securitygroups',
    controller: 'ec2',
    valuePath: ['status', 'id'],
  },
} as const satisfies Record<string, ReferencedKind>;

/** The CustomResourceDefinition's name, e.g. keys.kms.services.k8s.aws. */
export function crdNameOf(target: ReferencedKind): string {
  return `${target.plural}.${target.group}`;
}

/** One reference field of a spec and the id field it stands for. */
export interface ReferenceField {
  /** The spec field holding `{from: {name, namespace}}` (a list of them when `many`). */
  refField: string;
  /** The spec field the resolved value fills (the one a manifest would otherwise set). */
  valueField: string;
  target: ReferencedKind;
  many: boolean;
  /** AWS fixes the value when it creates the resource: a later different value is refused. */
  createOnly: boolean;
  /** What the value is, in words (e.g. "the subnet"). */
  what: string;
}

export const fileSystemReferences: readonly ReferenceField[] = [
  {
    refField: 'kmsKeyRef',
    valueField: 'kmsKeyID',
    target: referencedKinds.Key,
    many: false,
    createOnly: true,
    what: 'the KMS key',
  },
];

export const mountTargetReferences: readonly ReferenceField[] = [
  {
    refField: 'subnetRef',
    valueField: 'subnetID',
    target: referencedKinds.Subnet,
    many: false,
    createOnly: true,
    what: 'the subnet',
  },
  {
    refField: 'securityGroupRefs',
    valueField: 'securityGroups',
    target: referencedKinds.SecurityGroup,
    many: true,
    createOnly: false,
    what: 'the security groups',
  },
];

/** The status field that shows what each reference resolved to, keyed by the value field (e.g. subnetID). */
export const resolvedReferencesField = 'resolvedReferences';

/** What a resolution step returns: the spec with the values filled in, and the values alone (for status). */
export interface ResolvedReferences {
  spec: unknown;
  values: Record<string, string | string[]>;
}
