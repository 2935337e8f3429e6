import { accessPointNames } from './accesspoint';
import { fileSystemNames, group, version, type KindNames } from './filesystem';
import { mountTargetNames } from './mounttarget';

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

/** A create-only field: CEL refuses any change (including adding or removing it) once the object exists. */
function immutable(field: string, what: string): Schema {
  return {
    rule: `has(self.${field}) == has(oldSelf.${field}) && (!has(self.${field}) || self.${field} == oldSelf.${field})`,
    message: `spec.${field} is immutable: ${what} is chosen when the file system is created. Create a new FileSystem object to change it.`,
    reason: 'FieldValueForbidden',
  };
}

const tagsSchema: Schema = {
  type: 'array',
  description: 'Tags applied to the file system. Keys beginning with "aws:" are reserved.',
  maxItems: 50,
  items: obj('A key/value tag.', {
    key: str('Tag key (1-128 characters).', { maxLength: 128 }),
    value: str('Tag value (0-256 characters).', { maxLength: 256 }),
  }),
};

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
  return obj(
    'Desired state of an EFS file system. Field names follow the ACK EFS controller.',
    {
      availabilityZoneName: str('One Zone file system in this Availability Zone (create-only).', { maxLength: 64 }),
      backup: bool('Not supported (as in ACK): set backupPolicy.status instead.'),
      backupPolicy: obj('Automatic backups.', { status: str('ENABLED or DISABLED.', { maxLength: 16 }) }),
      encrypted: bool('Encrypt data at rest (create-only).'),
      fileSystemProtection: obj('Replication overwrite protection.', {
        replicationOverwriteProtection: str('ENABLED or DISABLED.', { maxLength: 16 }),
      }),
      kmsKeyID: str('KMS key for encryption at rest; needs encrypted: true (create-only).', { maxLength: 2048 }),
      kmsKeyRef: obj('Reference to an ACK KMS Key object (not supported: use kmsKeyID).', {
        from: obj('The referenced object.', { name: str('Name.'), namespace: str('Namespace.') }),
      }),
      lifecyclePolicies: {
        type: 'array',
        description: 'Storage class transitions. An empty list removes every policy.',
        maxItems: 3,
        items: obj('One transition.', {
          transitionToArchive: str('e.g. AFTER_90_DAYS.', { maxLength: 32 }),
          transitionToIA: str('e.g. AFTER_30_DAYS.', { maxLength: 32 }),
          transitionToPrimaryStorageClass: str('AFTER_1_ACCESS.', { maxLength: 32 }),
        }),
      },
      performanceMode: str('generalPurpose (default) or maxIO (create-only).', { maxLength: 32 }),
      policy: str('File system policy (an IAM policy document as JSON).', { maxLength: 20000, nullable: true }),
      provisionedThroughputInMiBps: num('Provisioned throughput, 1-3414 MiB/s; needs throughputMode: provisioned.'),
      replicationConfiguration: {
        type: 'array',
        description: 'Replication destinations (not supported yet).',
        items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
      tags: tagsSchema,
      throughputMode: str('bursting, provisioned or elastic.', { maxLength: 32 }),
    },
    {
      'x-kubernetes-validations': [
        immutable('availabilityZoneName', 'the Availability Zone'),
        immutable('encrypted', 'encryption at rest'),
        immutable('kmsKeyID', 'the KMS key'),
        immutable('performanceMode', 'the performance mode'),
      ],
    },
  );
}

export function fileSystemStatusSchema(): Schema {
  return obj('Observed state of the file system, written by the orchestrator only.', {
    ...statusCommon,
    availabilityZoneID: str('Availability Zone id of a One Zone file system.'),
    creationTime: str('When AWS created the file system.', { format: 'date-time' }),
    fileSystemID: str('The EFS file system id (fs-...).'),
    lifeCycleState: str('creating, available, updating, deleting, deleted or error.'),
    name: str('The Name tag.'),
    numberOfMountTargets: int('Mount targets attached to the file system.'),
    ownerID: str('AWS account that owns the file system.'),
    sizeInBytes: obj('Metered size.', {
      timestamp: str('When the size was measured.', { format: 'date-time' }),
      value: int('Total bytes.'),
      valueInArchive: int('Bytes in Archive.'),
      valueInIA: int('Bytes in Infrequent Access.'),
      valueInStandard: int('Bytes in Standard.'),
    }),
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

function definition(names: KindNames, spec: Schema, status: Schema, columns: PrinterColumn[]): Schema {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${names.plural}.${group}` },
    spec: {
      group,
      names: { ...names, categories: ['aws', 'efs'] },
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
            },
          },
        },
      ],
    },
  };
}

export function fileSystemCrd(): Schema {
  return definition(fileSystemNames, fileSystemSpecSchema(), fileSystemStatusSchema(), [
    { name: 'ID', type: 'string', jsonPath: '.status.fileSystemID' },
    { name: 'STATE', type: 'string', jsonPath: '.status.lifeCycleState' },
    { name: 'SYNCED', type: 'string', jsonPath: condition('ACK.ResourceSynced') },
    { name: 'READY', type: 'string', jsonPath: condition('Ready'), priority: 1 },
    { name: 'ENCRYPTED', type: 'boolean', jsonPath: '.spec.encrypted', priority: 1 },
    { name: 'SIZE', type: 'integer', jsonPath: '.status.sizeInBytes.value', priority: 1 },
    { name: 'MOUNTTARGETS', type: 'integer', jsonPath: '.status.numberOfMountTargets', priority: 1 },
    { name: 'PERFORMANCEMODE', type: 'string', jsonPath: '.spec.performanceMode', priority: 1 },
    { name: 'THROUGHPUTMODE', type: 'string', jsonPath: '.spec.throughputMode', priority: 1 },
    { name: 'AGE', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ]);
}

const reference = (what: string): Schema =>
  obj(`Reference to a ${what} object in this cluster.`, {
    from: obj('The referenced object.', { name: str('Name.'), namespace: str("Namespace (default: this object's).") }),
  });

/** A create-only object field: compared as a whole, so nested changes are refused too. */
function immutableObject(field: string, what: string): Schema {
  return {
    ...immutable(field, what),
    message: `spec.${field} is immutable: ${what} is fixed when the resource is created. Create a new object to change it.`,
  };
}

export function mountTargetCrd(): Schema {
  const spec = obj(
    'Desired state of an EFS mount target. Field names follow the ACK EFS controller.',
    {
      fileSystemID: str('The file system (create-only); or use fileSystemRef.', { maxLength: 128 }),
      fileSystemRef: reference('FileSystem'),
      subnetID: str('Subnet for the mount target (create-only).', { maxLength: 64 }),
      subnetRef: reference('Subnet (not supported: use subnetID)'),
      securityGroups: {
        type: 'array',
        description: 'Security group ids (updatable).',
        maxItems: 100,
        items: { type: 'string', maxLength: 64 },
      },
      securityGroupRefs: {
        type: 'array',
        description: 'Not supported: use securityGroups.',
        items: reference('SecurityGroup'),
      },
      ipAddress: str('IPv4 address in the subnet (create-only).', { maxLength: 15 }),
    },
    {
      'x-kubernetes-validations': [
        immutable('fileSystemID', 'the file system'),
        immutableObject('fileSystemRef', 'the file system'),
        immutable('subnetID', 'the subnet'),
        immutable('ipAddress', 'the IP address'),
      ],
    },
  );
  const status = obj('Observed state of the mount target, written by the orchestrator only.', {
    ...statusCommon,
    mountTargetID: str('The mount target id (fsmt-...).'),
    fileSystemID: str('The file system it belongs to.'),
    lifeCycleState: str('creating, available, deleting, deleted or error.'),
    networkInterfaceID: str('Its network interface.'),
    vpcID: str('Its VPC.'),
    availabilityZoneID: str('Availability Zone id.'),
    availabilityZoneName: str('Availability Zone name.'),
    ipAddress: str('Its IP address.'),
    ownerID: str('AWS account that owns it.'),
  });
  return definition(mountTargetNames, spec, status, [
    { name: 'ID', type: 'string', jsonPath: '.status.mountTargetID' },
    { name: 'FILESYSTEMID', type: 'string', jsonPath: '.status.fileSystemID' },
    { name: 'SUBNETID', type: 'string', jsonPath: '.spec.subnetID' },
    { name: 'IPADDRESS', type: 'string', jsonPath: '.status.ipAddress' },
    { name: 'STATE', type: 'string', jsonPath: '.status.lifeCycleState' },
    { name: 'SYNCED', type: 'string', jsonPath: condition('ACK.ResourceSynced') },
    { name: 'VPCID', type: 'string', jsonPath: '.status.vpcID', priority: 1 },
    { name: 'AZ', type: 'string', jsonPath: '.status.availabilityZoneName', priority: 1 },
    { name: 'AGE', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ]);
}

export function accessPointCrd(): Schema {
  const spec = obj(
    'Desired state of an EFS access point. Field names follow the ACK EFS controller.',
    {
      fileSystemID: str('The file system (create-only); or use fileSystemRef.', { maxLength: 128 }),
      fileSystemRef: reference('FileSystem'),
      posixUser: obj('The POSIX identity for every request through the access point (create-only).', {
        uid: int('User id.'),
        gid: int('Group id.'),
        secondaryGIDs: {
          type: 'array',
          description: 'Secondary group ids.',
          maxItems: 16,
          items: { type: 'integer', format: 'int64' },
        },
      }),
      rootDirectory: obj('The directory exposed as the root (create-only).', {
        path: str('Absolute path.', { maxLength: 100 }),
        creationInfo: obj('Owner and permissions if the directory must be created.', {
          ownerUID: int('Owner user id.'),
          ownerGID: int('Owner group id.'),
          permissions: str('Octal permissions, e.g. "755".', { maxLength: 4 }),
        }),
      }),
      tags: tagsSchema,
    },
    {
      'x-kubernetes-validations': [
        immutable('fileSystemID', 'the file system'),
        immutableObject('fileSystemRef', 'the file system'),
        immutableObject('posixUser', 'the POSIX user'),
        immutableObject('rootDirectory', 'the root directory'),
      ],
    },
  );
  const status = obj('Observed state of the access point, written by the orchestrator only.', {
    ...statusCommon,
    accessPointID: str('The access point id (fsap-...).'),
    accessPointARN: str('Its ARN.'),
    fileSystemID: str('The file system it belongs to.'),
    lifeCycleState: str('creating, available, deleting, deleted or error.'),
    name: str('The Name tag.'),
    ownerID: str('AWS account that owns it.'),
  });
  return definition(accessPointNames, spec, status, [
    { name: 'ID', type: 'string', jsonPath: '.status.accessPointID' },
    { name: 'FILESYSTEMID', type: 'string', jsonPath: '.status.fileSystemID' },
    { name: 'ROOTDIRECTORY', type: 'string', jsonPath: '.spec.rootDirectory.path' },
    { name: 'POSIXUSERUID', type: 'integer', jsonPath: '.spec.posixUser.uid', priority: 1 },
    { name: 'POSIXUSERGID', type: 'integer', jsonPath: '.spec.posixUser.gid', priority: 1 },
    { name: 'STATE', type: 'string', jsonPath: '.status.lifeCycleState' },
    { name: 'SYNCED', type: 'string', jsonPath: condition('ACK.ResourceSynced') },
    { name: 'AGE', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ]);
}

/** Every CRD this project ships, keyed by the file name under config/crd. */
export function allCrds(): Record<string, Schema> {
  return {
    [`${group}_${fileSystemNames.plural}.yaml`]: fileSystemCrd(),
    [`${group}_${mountTargetNames.plural}.yaml`]: mountTargetCrd(),
    [`${group}_${accessPointNames.plural}.yaml`]: accessPointCrd(),
  };
}
