import { Context } from '@temporalio/activity';
import { annotations, objectOfWorkflowId, workflowIdFor, type ObjectRef } from '../api/workflow-contract';
import { type AssumedRoles, type AwsCredentialIdentityProvider } from '../aws/assume-role';
import { type EfsGateway } from '../aws/efs';
import { type EfsGateways } from '../aws/efs-gateways';
import { partitionKey, type AwsPartition } from '../aws/partition';
import { accountRoleNotMapped } from '../domain/errors';
import { regionChangeError, regionOf, type RegionSources } from '../domain/regions';
import { type FieldError } from '../domain/validate';
import { descriptorForWorkflowType } from '../kinds/descriptors';
import { type KindDescriptor } from '../kinds/kind';
import { type AwsTargetReader } from '../kube/aws-targets';
import { type ObjectClients } from './objects';

/** Where one object's calls go: its partition, and the EFS gateway of it (signing with the account's role). */
export interface AwsTarget {
  partition: AwsPartition;
  gateway: EfsGateway;
}

export interface AwsTargetDependencies {
  clientFor: ObjectClients;
  reader: AwsTargetReader;
  roles: AssumedRoles;
  gateways: EfsGateways;
  /** The orchestrator's --region: the Region of objects that name none. */
  processRegion: string;
  /** How long one object's resolution is reused (its annotations and status are re-read after it). */
  ttlMs?: number;
}

/** The object whose workflow scheduled the running activity, if it is one of the orchestrator's. */
function currentObject(): { descriptor: KindDescriptor; ref: ObjectRef } | undefined {
  let info: Context['info'];
  try {
    info = Context.current().info;
  } catch {
    return undefined;
  }
  const descriptor = descriptorForWorkflowType(info.workflowType ?? '');
  const ref = objectOfWorkflowId(info.workflowExecution?.workflowId ?? '');
  return descriptor && ref
    ? { descriptor, ref: { namespace: ref.namespace, name: ref.name, uid: ref.uid } }
    : undefined;
}

/**
 * Resolves each object's AWS partition in the activity layer, from the object (its Region
 * annotation and the Region its status records), its namespace (default Region, owner account)
 * and the role-account map, so workflows and activity arguments need not carry it: the running
 * activity's workflow names the object. Region precedence is ACK's (src/domain/regions.ts); the
 * account is the namespace's, whose calls sign with the role the map gives for it.
 */
export function awsTargets(deps: AwsTargetDependencies) {
  const ttlMs = deps.ttlMs ?? 5_000;
  const cache = new Map<string, { at: number; value: Promise<AwsTarget> }>();

  async function regionSources(descriptor: KindDescriptor, ref: ObjectRef): Promise<RegionSources> {
    const [object, namespace] = await Promise.all([
      deps.clientFor(descriptor.kind).getByName(ref.namespace, ref.name),
      deps.reader.namespaceAnnotations(ref.namespace),
    ]);
    const status = (object?.status ?? {}) as { ackResourceMetadata?: { region?: unknown } } & Record<string, unknown>;
    const recorded = status.ackResourceMetadata?.region;
    // Resources made before Regions were recorded for every kind live in the process's Region.
    const hasResource = typeof status[descriptor.idField] === 'string' && status[descriptor.idField] !== '';
    return {
      recorded:
        typeof recorded === 'string' && recorded !== '' ? recorded : hasResource ? deps.processRegion : undefined,
      object: object?.metadata.annotations?.[annotations.region],
      namespaceDefault: namespace[annotations.namespaceDefaultRegion],
      processDefault: deps.processRegion,
    };
  }

  /** The role to sign with for another account; undefined for the orchestrator's own (which needs none). */
  async function roleFor(
    accountId: string,
    namespace: string,
  ): Promise<{ roleArn: string; provider: AwsCredentialIdentityProvider } | undefined> {
    const roleArn = (await deps.reader.roleAccountMap())[accountId]?.trim();
    if (!roleArn) {
      // ACK would look a role up even for its own account; the orchestrator simply uses its own credentials.
      if ((await deps.roles.ownAccountId()) === accountId) return undefined;
      throw accountRoleNotMapped(accountId, namespace, deps.reader.roleAccountMapRef);
    }
    const provider = deps.roles.provider({ accountId, roleArn, mappedIn: deps.reader.roleAccountMapRef });
    // Assumed now, so a refusal is reported before any EFS call (then served from the cache).
    await provider();
    return { roleArn, provider };
  }

  async function resolve(descriptor: KindDescriptor, ref: ObjectRef): Promise<AwsTarget> {
    const [sources, namespace] = await Promise.all([
      regionSources(descriptor, ref),
      deps.reader.namespaceAnnotations(ref.namespace),
    ]);
    const region = regionOf(sources);
    const accountId = namespace[annotations.namespaceOwnerAccountId]?.trim() || undefined;
    const role = accountId === undefined ? undefined : await roleFor(accountId, ref.namespace);
    // The own account's partition has no accountId (src/aws/partition.ts): one client and budget for it.
    const partition: AwsPartition = role ? { accountId, region } : { region };
    return { partition, gateway: deps.gateways.gatewayFor(partition, role) };
  }

  const processTarget = (): AwsTarget => {
    const partition = { region: deps.processRegion };
    return { partition, gateway: deps.gateways.gatewayFor(partition) };
  };

  return {
    /** The target of the running activity's object; the process's own for activities of no object. */
    async current(): Promise<AwsTarget> {
      const object = currentObject();
      if (!object) return processTarget();
      const key = workflowIdFor(object.descriptor.kind, object.ref);
      const hit = cache.get(key);
      if (hit && Date.now() - hit.at < ttlMs) return hit.value;
      const value = resolve(object.descriptor, object.ref);
      const entry = { at: Date.now(), value };
      cache.set(key, entry);
      void value.then(
        () => setTimeout(() => cache.get(key) === entry && cache.delete(key), ttlMs).unref(),
        () => cache.get(key) === entry && cache.delete(key),
      );
      return value;
    },

    /** The target of a given partition (the observer's): another account signs with its mapped role. */
    async targetOf(partition: AwsPartition): Promise<AwsTarget> {
      const role =
        partition.accountId === undefined
          ? undefined
          : await roleFor(partition.accountId, `the observer of ${partitionKey(partition)}`);
      const own: AwsPartition = role ? partition : { region: partition.region };
      return { partition: own, gateway: deps.gateways.gatewayFor(own, role) };
    },

    /**
     * A Region change the running activity's object asks for although its resource already lives
     * elsewhere (read afresh). Read failures say nothing here: every call resolves the Region again.
     */
    async regionChangeErrors(): Promise<FieldError[]> {
      const object = currentObject();
      if (!object) return [];
      const sources = await regionSources(object.descriptor, object.ref).catch(() => undefined);
      const error = sources && regionChangeError(sources, `its EFS ${object.descriptor.noun}`);
      return error ? [error] : [];
    },
  };
}

export type AwsTargets = ReturnType<typeof awsTargets>;
