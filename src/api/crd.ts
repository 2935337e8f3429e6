import { accessPointNames } from './accesspoint';
import {
  fileSystemIdPattern,
  ipv4Pattern,
  kmsKeyIdPattern,
  maxPolicyLength,
  maxRootDirectoryPathLength,
  maxSecondaryGids,
  maxSecurityGroups,
  onOff,
  performanceModes,
  permissionsPattern,
  regionPattern,
  posixIdRange,
  provisionedThroughputRange,
  rootDirectoryPathPattern,
  securityGroupIdPattern,
  subnetIdPattern,
  tagKeyPattern,
  tagLimits,
  tagValuePattern,
  throughputModes,
  transitionNames,
  transitionValues,
} from './efs-rules';
import { fieldExportNames, fieldExportTargetKinds } from './fieldexport';
import { fileSystemNames, group, groupVersionOf, type KindNames } from './filesystem';
import { mountTargetNames } from './mounttarget';
import {
  crdNameOf,
  fileSystemReferences,
  mountTargetReferences,
  resolvedReferencesField,
  type ReferenceField,
} from './references';
import { storageClassCondition } from './storage-class';

/**
 * The CustomResourceDefinitions, built from code so that the schema, its CEL rules and the
 * TypeScript types live side by side. `npm run generate:crds` writes them to config/crd; a test
 * fails when the committed files drift from this source.
 */
type Schema = Record<string, unknown>;

const str = (description: string, extra: Schema = {}): Schema => ({ type: 'string', description, ...extra });
const bool = (description: string): Schema => ({ type: 'boolean', description });
const int = (description: string): Schema => ({ type: 'integer', format: 'int64', description });
const num = (description: string, extra: Schema = {}): Schema => ({ type: 'number', description, ...extra });
const obj = (description: string, properties: Record<string, Schema>, extra: Schema = {}): Schema => ({
  type: 'object',
  description,
  properties,
  ...extra,
});

interface Rule {
  rule: string;
  message: string;
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
  fieldPath?: string;
}

/**
 * A create-only field: once the AWS resource exists (its id is in status), CEL refuses any change,
 * adding or removing the field included. Before that, a typo that made the create fail can be fixed.
 * The rule sits at the root of the object, the only place that sees both spec and status; a write to
 * the main resource keeps the stored status, so `self.status` is what the orchestrator last wrote.
 */
function createOnly(field: string, idField: string, what: string, kind: string): Rule {
  const inSelf = `(has(self.spec) && has(self.spec.${field}))`;
  const inOld = `(has(oldSelf.spec) && has(oldSelf.spec.${field}))`;
  return {
    rule:
      `!has(oldSelf.status) || !has(oldSelf.status.${idField}) || oldSelf.status.${idField} == '' || ` +
      `(${inSelf} == ${inOld} && (!${inSelf} || self.spec.${field} == oldSelf.spec.${field}))`,
    message:
      `spec.${field} is immutable once the ${kind} exists (status.${idField} is set): ${what} is chosen when it is ` +
      `created. Create a new object to change it.`,
    reason: 'FieldValueForbidden',
    fieldPath: `.spec.${field}`,
  };
}

const reference = (what: string): Schema =>
  obj(`Reference to a ${what} object in this cluster.`, {
    from: obj('The referenced object.', {
      name: str('Name.', { maxLength: 253 }),
      namespace: str("Namespace (default: this object's).", { maxLength: 63 }),
    }),
  });

const referenceTo = (field: ReferenceField, extra: string): Schema =>
  obj(
    `Reference to an ACK ${field.target.kind} object (${crdNameOf(field.target)}): once it is synced, its ` +
      `${field.target.valuePath.join('.')} is used as ${field.valueField}${extra}.`,
    {
      from: obj('The referenced object.', {
        name: str('Name.', { maxLength: 253 }),
        namespace: str("Namespace (default: this object's).", { maxLength: 63 }),
      }),
    },
  );

/** The spec field of a reference: one object, or a list of them. */
function referenceSchema(field: ReferenceField, extra: string, maxItems?: number): Schema {
  if (!field.many) return referenceTo(field, extra);
  return {
    type: 'array',
    description: `References to ACK ${field.target.kind} objects; their values are used as ${field.valueField}${extra}.`,
    ...(maxItems !== undefined ? { maxItems } : {}),
    items: referenceTo(field, ''),
  };
}

/** An id and a reference to it never both (ACK refuses them together too). */
function idOrReference(field: ReferenceField): Rule {
  const { valueField: id, refField: ref } = field;
  return {
    rule: field.many
      ? `!has(self.${id}) || !has(self.${ref}) || self.${id}.size() == 0 || self.${ref}.size() == 0`
      : `!has(self.${id}) || !has(self.${ref})`,
    message: `set either spec.${id} or spec.${ref}, not both`,
    fieldPath: `.${ref}`,
  };
}

/** What each reference resolved to, by the spec field it stands for. */
function resolvedReferencesSchema(fields: readonly ReferenceField[]): Schema {
  return obj(
    'The values the spec references resolved to (from the referenced objects, when last read).',
    Object.fromEntries(
      fields.map((f) => [
        f.valueField,
        f.many
          ? { type: 'array', description: `${f.what} (from ${f.refField}).`, items: { type: 'string' } }
          : str(`${f.what} (from ${f.refField}).`),
      ]),
    ),
  );
}

const [kmsKeyReference] = fileSystemReferences as [ReferenceField];
const [subnetReference, securityGroupReferences] = mountTargetReferences as [ReferenceField, ReferenceField];

/** A file system is named by id or by a FileSystem object: exactly one. */
const oneFileSystem: Rule = {
  rule: 'has(self.fileSystemID) != has(self.fileSystemRef)',
  message: 'set exactly one of spec.fileSystemID and spec.fileSystemRef',
};

const tagsSchema: Schema = {
  type: 'array',
  description: 'Tags applied to the resource. Keys beginning with "aws:" are reserved.',
  maxItems: tagLimits.perResource,
  items: obj(
    'A key/value tag.',
    {
      key: str(`Tag key (1-${tagLimits.keyLength} characters).`, {
        minLength: 1,
        maxLength: tagLimits.keyLength,
        pattern: tagKeyPattern,
      }),
      value: str(`Tag value (0-${tagLimits.valueLength} characters).`, {
        maxLength: tagLimits.valueLength,
        pattern: tagValuePattern,
      }),
    },
    {
      required: ['key'],
      'x-kubernetes-validations': [
        {
          rule: "!self.key.matches('^[aA][wW][sS]:')",
          message: 'tag keys beginning with "aws:" are reserved by AWS',
          fieldPath: '.key',
        },
      ],
    },
  ),
  'x-kubernetes-validations': [
    {
      rule: 'self.all(t, self.filter(u, u.key == t.key).size() == 1)',
      message: 'each tag key may appear once',
    },
  ],
};

const setTransition = (item: string, name: string): string => `(has(${item}.${name}) && ${item}.${name} != '')`;

const lifecyclePoliciesSchema: Schema = {
  type: 'array',
  description:
    'Storage class transitions, one per item, each transition at most once. An empty list removes every policy.',
  maxItems: transitionNames.length,
  items: obj(
    'One transition (ACK manifests may carry the others as empty strings).',
    Object.fromEntries(
      transitionNames.map((name) => [
        name,
        str(`${transitionValues[name].join(', ')}.`, { enum: [...transitionValues[name], ''] }),
      ]),
    ),
    {
      'x-kubernetes-validations': [
        {
          rule: `[${transitionNames.map((n) => setTransition('self', n)).join(', ')}].filter(x, x).size() == 1`,
          message: `each lifecycle policy sets exactly one of ${transitionNames.join(', ')}`,
        },
      ],
    },
  ),
  'x-kubernetes-validations': transitionNames.map((name) => ({
    rule: `self.filter(p, ${setTransition('p', name)}).size() <= 1`,
    message: `${name} may appear in one lifecycle policy only: keep one of them`,
  })),
};

const posixId = (description: string): Schema => ({
  ...int(description),
  minimum: posixIdRange.min,
  maximum: posixIdRange.max,
});

const fileSystemIdSchema = str('The file system id (fs-...) or ARN (create-only); or use fileSystemRef.', {
  maxLength: 128,
  pattern: fileSystemIdPattern,
});

const conditionsSchema: Schema = {
  type: 'array',
  description: 'ACK.ResourceSynced, ACK.Terminal, ACK.Recoverable and Ready, in the Kubernetes condition format.',
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
  items: obj(
    'A condition of the object.',
    {
      type: str('Condition type.', { maxLength: 316 }),
      status: str('True, False or Unknown.', { enum: ['True', 'False', 'Unknown'] }),
      reason: str('CamelCase reason.', { maxLength: 1024 }),
      message: str('Human-readable detail.', { maxLength: 32768 }),
      lastTransitionTime: str('When status last changed.', { format: 'date-time' }),
      observedGeneration: int('The metadata.generation the condition was computed for.'),
    },
    { required: ['type', 'status'] },
  ),
};

const statusCommon: Record<string, Schema> = {
  conditions: conditionsSchema,
  observedGeneration: int('The metadata.generation of the last spec the workflow acted on.'),
  workflowID: str('The Temporal workflow that manages this object.'),
  resyncRequestHandled: str('The resync-request annotation value last acted on.'),
  statusSequence: int('Ordering guard for status writes; an older write never overwrites a newer one.'),
  ackResourceMetadata: obj('AWS identity of the resource (as ACK reports it).', {
    arn: str('ARN of the AWS resource.'),
    ownerAccountID: str('AWS account that owns the resource.'),
    region: str('AWS region of the resource.'),
  }),
};

export function fileSystemSpecSchema(): Schema {
  const elasticArchive =
    "(has(self.throughputMode) && self.throughputMode == 'elastic' && " +
    "(!has(self.performanceMode) || self.performanceMode == 'generalPurpose'))";
  return obj(
    'Desired state of an EFS file system. Field names follow the ACK EFS controller.',
    {
      availabilityZoneName: str('One Zone file system in this Availability Zone (create-only).', {
        minLength: 1,
        maxLength: 64,
      }),
      backup: bool('Not supported (as in ACK): set backupPolicy.status instead.'),
      backupPolicy: obj('Automatic backups.', { status: str('ENABLED or DISABLED.', { enum: [...onOff] }) }),
      encrypted: bool('Encrypt data at rest (create-only).'),
      fileSystemProtection: obj('Replication overwrite protection.', {
        replicationOverwriteProtection: str('ENABLED or DISABLED.', { enum: [...onOff] }),
      }),
      kmsKeyID: str(
        'KMS key id, key ARN, alias or alias ARN for encryption at rest; needs encrypted: true (create-only).',
        {
          maxLength: 2048,
          pattern: kmsKeyIdPattern,
        },
      ),
      kmsKeyRef: referenceSchema(kmsKeyReference, '; needs encrypted: true (create-only)'),
      lifecyclePolicies: lifecyclePoliciesSchema,
      performanceMode: str('generalPurpose (default) or maxIO (create-only).', { enum: [...performanceModes] }),
      policy: str('File system policy (an IAM policy document as JSON).', {
        maxLength: maxPolicyLength,
        nullable: true,
      }),
      provisionedThroughputInMiBps: num(
        `Provisioned throughput, ${provisionedThroughputRange.min}-${provisionedThroughputRange.max} MiB/s; needs throughputMode: provisioned.`,
      ),
      replicationConfiguration: replicationConfigurationSchema(),
      tags: tagsSchema,
      throughputMode: str('bursting, provisioned or elastic.', { enum: [...throughputModes] }),
    },
    {
      'x-kubernetes-validations': [
        {
          // Outside provisioned mode the amount is not sent (a merge patch to another mode often leaves it behind).
          rule:
            "!has(self.throughputMode) || self.throughputMode != 'provisioned' || " +
            `(has(self.provisionedThroughputInMiBps) && self.provisionedThroughputInMiBps >= ${provisionedThroughputRange.min.toFixed(1)} && ` +
            `self.provisionedThroughputInMiBps <= ${provisionedThroughputRange.max.toFixed(1)})`,
          message: `throughputMode "provisioned" needs provisionedThroughputInMiBps between ${provisionedThroughputRange.min} and ${provisionedThroughputRange.max} MiB/s`,
          fieldPath: '.provisionedThroughputInMiBps',
        },
        {
          rule: '!has(self.kmsKeyID) || (has(self.encrypted) && self.encrypted)',
          message: 'kmsKeyID needs encrypted: true (a KMS key only applies to an encrypted file system)',
          fieldPath: '.kmsKeyID',
        },
        {
          rule: '!has(self.kmsKeyRef) || (has(self.encrypted) && self.encrypted)',
          message: 'kmsKeyRef needs encrypted: true (a KMS key only applies to an encrypted file system)',
          fieldPath: '.kmsKeyRef',
        },
        idOrReference(kmsKeyReference),
        {
          rule: "!has(self.performanceMode) || self.performanceMode != 'maxIO' || !has(self.throughputMode) || self.throughputMode != 'elastic'",
          message: 'performanceMode "maxIO" cannot be combined with throughputMode "elastic"; use "generalPurpose"',
          fieldPath: '.performanceMode',
        },
        {
          rule: "!has(self.performanceMode) || self.performanceMode != 'maxIO' || !has(self.availabilityZoneName)",
          message: 'performanceMode "maxIO" is not available for One Zone file systems (availabilityZoneName is set)',
          fieldPath: '.performanceMode',
        },
        {
          rule: `!has(self.lifecyclePolicies) || !self.lifecyclePolicies.exists(p, ${setTransition('p', 'transitionToArchive')}) || ${elasticArchive}`,
          message:
            'transitionToArchive needs throughputMode "elastic" and performanceMode "generalPurpose" (the only file systems with an Archive storage class)',
          fieldPath: '.lifecyclePolicies',
        },
      ],
    },
  );
}

/**
 * ACK's replication destination (efs-controller's `replicationConfiguration[]`): AWS allows one.
 * A changed destination (Region or existing file system) is deleted and created again; the settings
 * of a new destination file system (its KMS key, its zone) are fixed once it exists, because AWS does
 * not report them in the replication configuration.
 */
function replicationConfigurationSchema(): Schema {
  const same = (field: string): string =>
    `(has(self[0].${field}) ? self[0].${field} : '') == (has(oldSelf[0].${field}) ? oldSelf[0].${field} : '')`;
  return {
    type: 'array',
    description:
      'Replicates the file system to one destination (AWS allows one): a new file system in region (or ' +
      'availabilityZoneName), or the existing fileSystemID. Removing the entry deletes the replication.',
    items: obj(
      'A replication destination.',
      {
        region: str('Region of the destination file system (e.g. eu-west-1).', {
          maxLength: 64,
          pattern: regionPattern,
        }),
        availabilityZoneName: str('One Zone destination in this Availability Zone (new destination only).', {
          minLength: 1,
          maxLength: 64,
        }),
        fileSystemID: str(
          'An existing destination file system (its replication overwrite protection must be DISABLED).',
          { maxLength: 128, pattern: fileSystemIdPattern },
        ),
        kmsKeyID: str("KMS key of a new destination file system (default: the Region's EFS key).", {
          maxLength: 2048,
          pattern: kmsKeyIdPattern,
        }),
        roleARN: str('IAM role EFS assumes to replicate into another account (with fileSystemID).', {
          maxLength: 2048,
        }),
        fileSystemRef: reference('FileSystem (not supported: use fileSystemID)'),
        kmsKeyRef: reference('KMS Key (not supported: use kmsKeyID)'),
        roleRef: reference('IAM Role (not supported: use roleARN)'),
      },
      {
        'x-kubernetes-validations': [
          {
            rule: 'has(self.region) || has(self.availabilityZoneName) || has(self.fileSystemID)',
            message: 'a replication destination needs region (or availabilityZoneName, or an existing fileSystemID)',
          },
          {
            rule: '!has(self.fileSystemID) || (!has(self.kmsKeyID) && !has(self.availabilityZoneName))',
            message:
              'kmsKeyID and availabilityZoneName shape a new destination file system; leave them out with fileSystemID',
          },
          {
            rule: '!has(self.roleARN) || has(self.fileSystemID)',
            message: 'roleARN is for replicating into an existing file system of another account: set fileSystemID too',
            fieldPath: '.roleARN',
          },
        ],
      },
    ),
    // AWS allows one destination per file system.
    maxItems: 1,
    'x-kubernetes-validations': [
      {
        rule:
          `self.size() == 0 || oldSelf.size() == 0 || !(${same('region')} && ${same('fileSystemID')}) || ` +
          `(${same('kmsKeyID')} && ${same('availabilityZoneName')})`,
        message:
          'kmsKeyID and availabilityZoneName of a replication destination are fixed once it exists; change region ' +
          '(or remove the destination, then add it again) to replicate to a new file system',
        reason: 'FieldValueForbidden',
      },
    ],
  };
}

/** Fields fixed when the file system is created. */
export const fileSystemCreateOnly = {
  availabilityZoneName: 'the Availability Zone',
  encrypted: 'encryption at rest',
  kmsKeyID: 'the KMS key',
  kmsKeyRef: 'the KMS key',
  performanceMode: 'the performance mode',
} as const;

export function fileSystemStatusSchema(): Schema {
  return obj('Observed state of the file system, written by the orchestrator only.', {
    ...statusCommon,
    availabilityZoneID: str('Availability Zone id of a One Zone file system.'),
    creationTime: str('When AWS created the file system.', { format: 'date-time' }),
    fileSystemID: str('The EFS file system id (fs-...).', { maxLength: 128 }),
    lifeCycleState: str('creating, available, updating, deleting, deleted or error.'),
    name: str('The Name tag.'),
    numberOfMountTargets: int('Mount targets attached to the file system.'),
    ownerID: str('AWS account that owns the file system.'),
    [resolvedReferencesField]: resolvedReferencesSchema(fileSystemReferences),
    replicationConfigurationStatus: {
      type: 'array',
      description: 'The replication configuration as AWS describes it (ACK field names); empty without one.',
      items: obj('A replication configuration.', {
        creationTime: str('When the replication configuration was created.', { format: 'date-time' }),
        destinations: {
          type: 'array',
          description: 'The destination (AWS allows one).',
          items: obj('A replication destination.', {
            fileSystemID: str('The destination file system.'),
            lastReplicatedTimestamp: str('When the last successful sync finished.', { format: 'date-time' }),
            ownerID: str('AWS account of the destination file system.'),
            region: str('Region of the destination file system.'),
            roleARN: str('IAM role used for cross-account replication.'),
            status: str('ENABLED, ENABLING, DELETING, ERROR, PAUSED or PAUSING.'),
            statusMessage: str('Why the destination is in ERROR or PAUSED.'),
          }),
        },
        originalSourceFileSystemARN: str('ARN of the original source file system.'),
        sourceFileSystemARN: str('ARN of the current source file system.'),
        sourceFileSystemID: str('The source file system.'),
        sourceFileSystemOwnerID: str('AWS account of the source file system.'),
        sourceFileSystemRegion: str('Region of the source file system.'),
      }),
    },
    sizeInBytes: obj('Metered size.', {
      timestamp: str('When the size was measured.', { format: 'date-time' }),
      value: int('Total bytes.'),
      valueInArchive: int('Bytes in Archive.'),
      valueInIA: int('Bytes in Infrequent Access.'),
      valueInStandard: int('Bytes in Standard.'),
    }),
    storageClass: obj(
      'The StorageClass of the EFS CSI driver published for this file system (annotation efs-orchestrator.io/storage-class).',
      {
        name: str('Name of the StorageClass.'),
        ready: bool('Whether the StorageClass exists, is current and names this file system.'),
        reason: str(
          'Why it is (not) ready: Published, WaitingForMountTarget, NotOurs, InvalidAnnotation, Removing, ReadOnly.',
        ),
        message: str('What the StorageClass waits for, or what to fix.'),
      },
    ),
  });
}

interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  priority?: number;
  description?: string;
}

const condition = (type: string): string => `.status.conditions[?(@.type=="${type}")].status`;

function definition(
  names: KindNames,
  spec: Schema,
  status: Schema,
  columns: PrinterColumn[],
  rootRules: Rule[],
  categories: string[] = ['aws', 'efs'],
): Schema {
  const { group: ownGroup, version } = groupVersionOf(names);
  const { group: _group, ...crdNames } = names;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${names.plural}.${ownGroup}` },
    spec: {
      group: ownGroup,
      names: { ...crdNames, categories },
      scope: 'Namespaced',
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: columns,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: `${names.kind} is the Schema for the ${names.plural} API.`,
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec,
                status,
              },
              ...(rootRules.length > 0 ? { 'x-kubernetes-validations': rootRules } : {}),
            },
          },
        },
      ],
    },
  };
}

export function fileSystemCrd(): Schema {
  return definition(
    fileSystemNames,
    fileSystemSpecSchema(),
    fileSystemStatusSchema(),
    [
      { name: 'ID', type: 'string', jsonPath: '.status.fileSystemID' },
      { name: 'STATE', type: 'string', jsonPath: '.status.lifeCycleState' },
      { name: 'SYNCED', type: 'string', jsonPath: condition('ACK.ResourceSynced') },
      { name: 'READY', type: 'string', jsonPath: condition('Ready'), priority: 1 },
      { name: 'ENCRYPTED', type: 'boolean', jsonPath: '.spec.encrypted', priority: 1 },
      { name: 'SIZE', type: 'integer', jsonPath: '.status.sizeInBytes.value', priority: 1 },
      { name: 'MOUNTTARGETS', type: 'integer', jsonPath: '.status.numberOfMountTargets', priority: 1 },
      { name: 'PERFORMANCEMODE', type: 'string', jsonPath: '.spec.performanceMode', priority: 1 },
      { name: 'THROUGHPUTMODE', type: 'string', jsonPath: '.spec.throughputMode', priority: 1 },
      { name: 'STORAGECLASS', type: 'string', jsonPath: '.status.storageClass.name', priority: 1 },
      { name: 'SC-READY', type: 'string', jsonPath: condition(storageClassCondition), priority: 1 },
      { name: 'AGE', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ],
    Object.entries(fileSystemCreateOnly).map(([field, what]) => createOnly(field, 'fileSystemID', what, 'file system')),
  );
}

/** Fields fixed when the mount target is created (objects compare as a whole: nested changes count). */
export const mountTargetCreateOnly = {
  fileSystemID: 'the file system',
  fileSystemRef: 'the file system',
  subnetID: 'the subnet',
  subnetRef: 'the subnet',
  ipAddress: 'the IP address',
} as const;

/** Fields fixed when the access point is created. */
export const accessPointCreateOnly = {
  fileSystemID: 'the file system',
  fileSystemRef: 'the file system',
  posixUser: 'the POSIX user',
  rootDirectory: 'the root directory',
} as const;

export function mountTargetCrd(): Schema {
  const spec = obj(
    'Desired state of an EFS mount target. Field names follow the ACK EFS controller.',
    {
      fileSystemID: fileSystemIdSchema,
      fileSystemRef: reference('FileSystem'),
      subnetID: str('Subnet for the mount target (create-only).', { maxLength: 47, pattern: subnetIdPattern }),
      subnetRef: referenceSchema(subnetReference, ' (create-only)'),
      securityGroups: {
        type: 'array',
        description: 'Security group ids (updatable).',
        maxItems: maxSecurityGroups,
        items: { type: 'string', maxLength: 43, pattern: securityGroupIdPattern },
        'x-kubernetes-validations': [
          {
            rule: 'self.all(g, self.filter(h, h == g).size() == 1)',
            message: 'each security group may appear once',
          },
        ],
      },
      securityGroupRefs: referenceSchema(securityGroupReferences, ' (updatable)', maxSecurityGroups),
      ipAddress: str('IPv4 address in the subnet (create-only).', { maxLength: 15, pattern: ipv4Pattern }),
    },
    {
      'x-kubernetes-validations': [
        oneFileSystem,
        {
          rule: 'has(self.subnetID) || has(self.subnetRef)',
          message: 'set spec.subnetID or spec.subnetRef (an ACK Subnet object)',
        },
        idOrReference(subnetReference),
        idOrReference(securityGroupReferences),
      ],
    },
  );
  const status = obj('Observed state of the mount target, written by the orchestrator only.', {
    ...statusCommon,
    mountTargetID: str('The mount target id (fsmt-...).', { maxLength: 128 }),
    fileSystemID: str('The file system it belongs to.'),
    lifeCycleState: str('creating, available, deleting, deleted or error.'),
    networkInterfaceID: str('Its network interface.'),
    vpcID: str('Its VPC.'),
    availabilityZoneID: str('Availability Zone id.'),
    availabilityZoneName: str('Availability Zone name.'),
    ipAddress: str('Its IP address.'),
    ownerID: str('AWS account that owns it.'),
    [resolvedReferencesField]: resolvedReferencesSchema(mountTargetReferences),
  });
  return definition(
    mountTargetNames,
    spec,
    status,
    [
      { name: 'ID', type: 'string', jsonPath: '.status.mountTargetID' },
      { name: 'FILESYSTEMID', type: 'string', jsonPath: '.status.fileSystemID' },
      { name: 'SUBNETID', type: 'string', jsonPath: '.spec.subnetID' },
      { name: 'IPADDRESS', type: 'string', jsonPath: '.status.ipAddress' },
      { name: 'STATE', type: 'string', jsonPath: '.status.lifeCycleState' },
      { name: 'SYNCED', type: 'string', jsonPath: condition('ACK.ResourceSynced') },
      { name: 'VPCID', type: 'string', jsonPath: '.status.vpcID', priority: 1 },
      { name: 'AZ', type: 'string', jsonPath: '.status.availabilityZoneName', priority: 1 },
      { name: 'AGE', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ],
    Object.entries(mountTargetCreateOnly).map(([field, what]) =>
      createOnly(field, 'mountTargetID', what, 'mount target'),
    ),
  );
}

export function accessPointCrd(): Schema {
  const spec = obj(
    'Desired state of an EFS access point. Field names follow the ACK EFS controller.',
    {
      fileSystemID: fileSystemIdSchema,
      fileSystemRef: reference('FileSystem'),
      posixUser: obj(
        'The POSIX identity for every request through the access point (create-only).',
        {
          uid: posixId('User id.'),
          gid: posixId('Group id.'),
          secondaryGIDs: {
            type: 'array',
            description: 'Secondary group ids.',
            maxItems: maxSecondaryGids,
            items: { type: 'integer', format: 'int64', minimum: posixIdRange.min, maximum: posixIdRange.max },
          },
        },
        { required: ['uid', 'gid'] },
      ),
      rootDirectory: obj('The directory exposed as the root (create-only).', {
        path: str('Absolute path, up to four levels, no part starting with ".".', {
          maxLength: maxRootDirectoryPathLength,
          pattern: rootDirectoryPathPattern,
        }),
        creationInfo: obj(
          'Owner and permissions if the directory must be created.',
          {
            ownerUID: posixId('Owner user id.'),
            ownerGID: posixId('Owner group id.'),
            permissions: str('Octal permissions, e.g. "755".', { maxLength: 4, pattern: permissionsPattern }),
          },
          { required: ['ownerUID', 'ownerGID', 'permissions'] },
        ),
      }),
      tags: tagsSchema,
    },
    { 'x-kubernetes-validations': [oneFileSystem] },
  );
  const status = obj('Observed state of the access point, written by the orchestrator only.', {
    ...statusCommon,
    accessPointID: str('The access point id (fsap-...).', { maxLength: 128 }),
    accessPointARN: str('Its ARN.'),
    fileSystemID: str('The file system it belongs to.'),
    lifeCycleState: str('creating, available, deleting, deleted or error.'),
    name: str('The Name tag.'),
    ownerID: str('AWS account that owns it.'),
  });
  return definition(
    accessPointNames,
    spec,
    status,
    [
      { name: 'ID', type: 'string', jsonPath: '.status.accessPointID' },
      { name: 'FILESYSTEMID', type: 'string', jsonPath: '.status.fileSystemID' },
      { name: 'ROOTDIRECTORY', type: 'string', jsonPath: '.spec.rootDirectory.path' },
      { name: 'POSIXUSERUID', type: 'integer', jsonPath: '.spec.posixUser.uid', priority: 1 },
      { name: 'POSIXUSERGID', type: 'integer', jsonPath: '.spec.posixUser.gid', priority: 1 },
      { name: 'STATE', type: 'string', jsonPath: '.status.lifeCycleState' },
      { name: 'SYNCED', type: 'string', jsonPath: condition('ACK.ResourceSynced') },
      { name: 'AGE', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ],
    Object.entries(accessPointCreateOnly).map(([field, what]) =>
      createOnly(field, 'accessPointID', what, 'access point'),
    ),
  );
}

/**
 * ACK's FieldExport (services.k8s.aws/v1alpha1, from the ACK runtime): the same spec, so ACK users'
 * manifests apply unchanged. The status carries the conditions every kind reports.
 */
export function fieldExportCrd(): Schema {
  const name = (what: string): Schema => str(what, { minLength: 1, maxLength: 253 });
  const spec = obj(
    'Copies one field of an ACK resource into a key of a ConfigMap or Secret, and keeps it current.',
    {
      from: obj(
        'Where the value comes from.',
        {
          resource: obj(
            'The source object, in the same namespace.',
            {
              group: str('API group, e.g. efs.services.k8s.aws.', { maxLength: 253 }),
              kind: str('Kind, e.g. FileSystem, MountTarget or AccessPoint.', { maxLength: 63 }),
              name: name('Name of the source object.'),
            },
            { required: ['name'] },
          ),
          path: str('A jq path into the source object, e.g. .status.fileSystemID.', { minLength: 1, maxLength: 1024 }),
        },
        { required: ['resource', 'path'] },
      ),
      to: obj(
        'Where the value goes: an existing ConfigMap or Secret.',
        {
          kind: str('configmap or secret.', { enum: [...fieldExportTargetKinds] }),
          name: name('Name of the ConfigMap or Secret (it must exist).'),
          namespace: str("Its namespace (default: the FieldExport's).", { maxLength: 63 }),
          key: str('The data key (default: <namespace>.<name> of the FieldExport).', {
            minLength: 1,
            maxLength: 253,
            pattern: '^[-._a-zA-Z0-9]+$',
          }),
        },
        { required: ['kind', 'name'] },
      ),
    },
    { required: ['from', 'to'] },
  );
  // An export has no AWS resource: the common status without ackResourceMetadata.
  const { ackResourceMetadata: _awsIdentity, ...exportStatus } = statusCommon;
  const status = obj('Observed state of the export, written by the orchestrator only.', exportStatus);
  return definition(
    fieldExportNames,
    spec,
    status,
    [
      { name: 'SOURCE', type: 'string', jsonPath: '.spec.from.resource.name' },
      { name: 'PATH', type: 'string', jsonPath: '.spec.from.path' },
      { name: 'TO', type: 'string', jsonPath: '.spec.to.name' },
      { name: 'SYNCED', type: 'string', jsonPath: condition('ACK.ResourceSynced') },
      { name: 'AGE', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ],
    [],
    ['aws'],
  );
}

/** Every CRD this project ships, keyed by the file name under config/crd. */
export function allCrds(): Record<string, Schema> {
  return {
    [`${group}_${fileSystemNames.plural}.yaml`]: fileSystemCrd(),
    [`${group}_${mountTargetNames.plural}.yaml`]: mountTargetCrd(),
    [`${group}_${accessPointNames.plural}.yaml`]: accessPointCrd(),
    [`${groupVersionOf(fieldExportNames).group}_${fieldExportNames.plural}.yaml`]: fieldExportCrd(),
  };
}
