import {
  CreateAccessPointCommand,
  CreateFileSystemCommand,
  CreateMountTargetCommand,
  CreateReplicationConfigurationCommand,
  DeleteAccessPointCommand,
  DeleteMountTargetCommand,
  DeleteReplicationConfigurationCommand,
  DescribeAccessPointsCommand,
  DescribeMountTargetSecurityGroupsCommand,
  ModifyMountTargetSecurityGroupsCommand,
  DeleteFileSystemCommand,
  DeleteFileSystemPolicyCommand,
  DescribeBackupPolicyCommand,
  DescribeFileSystemPolicyCommand,
  DescribeFileSystemsCommand,
  DescribeLifecycleConfigurationCommand,
  DescribeMountTargetsCommand,
  DescribeReplicationConfigurationsCommand,
  EFSClient,
  ListTagsForResourceCommand,
  PutBackupPolicyCommand,
  PutFileSystemPolicyCommand,
  PutLifecycleConfigurationCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFileSystemCommand,
  UpdateFileSystemProtectionCommand,
  type AccessPointDescription,
  type CreateAccessPointCommandInput,
  type CreateFileSystemCommandInput,
  type CreateMountTargetCommandInput,
  type DestinationToCreate,
  type FileSystemDescription,
  type MountTargetDescription,
  type ReplicationConfigurationDescription,
  type Tag,
} from '@aws-sdk/client-efs';
import { Readable } from 'node:stream';
import { type ObservedSettings, type UpdateOperation } from '../domain/plan';
import { type SlowValues } from '../domain/slow-reads';
import { type SlowSettings } from '../api/observer-contract';
import { type AwsCredentialIdentityProvider } from './assume-role';
import { instrumentEfsClient } from '../metrics/efs';

export interface EfsClientOptions {
  region: string;
  /** Overrides the endpoint (else the SDK reads AWS_ENDPOINT_URL_EFS, then the regional default). */
  endpoint?: string;
  /** Replaces the HTTP handler (tests answer calls without a network). */
  requestHandler?: NonNullable<ConstructorParameters<typeof EFSClient>[0]>['requestHandler'];
  /** Static credentials or a provider of temporary ones (else the SDK's default provider chain). */
  credentials?: { accessKeyId: string; secretAccessKey: string } | AwsCredentialIdentityProvider;
}

/**
 * One attempt per SDK call: retries are decided in one place, by the error class and the
 * activities' retry policies, not a second time inside the SDK.
 */
export function createEfsClient(options: EfsClientOptions): EFSClient {
  const client = new EFSClient({
    region: options.region,
    endpoint: options.endpoint,
    maxAttempts: 1,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // Bounded below the activities' start-to-close timeout, so a hung call fails as retryable in time.
    requestHandler: options.requestHandler ?? { connectionTimeout: 5_000, requestTimeout: 20_000 },
  });
  instrumentEfsClient(client);
  nameOperationOnFailure(client);
  return client;
}

/**
 * Every failed call carries the operation's name (`$operation`, not enumerable), so an answer the
 * SDK cannot decode is reported by the classifier as "DescribeReplicationConfigurations answered HTTP 500 ...".
 */
function nameOperationOnFailure(client: EFSClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        if (typeof err === 'object' && err !== null && !('$operation' in err)) {
          const operation = String(context.commandName ?? '').replace(/Command$/, '');
          Object.defineProperty(err, '$operation', { value: operation, enumerable: false });
        }
        throw err;
      }
    },
    { step: 'initialize', name: 'nameOperationOnFailure', priority: 'high' },
  );
  // Inside the deserialiser: keeps the text of an error answer, which the SDK consumes and hides.
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as { statusCode?: number; body?: unknown };
      if ((response.statusCode ?? 200) >= 300 && response.body instanceof Readable) {
        const chunks: Buffer[] = [];
        for await (const chunk of response.body) chunks.push(Buffer.from(chunk as Uint8Array));
        const bytes = Buffer.concat(chunks);
        response.body = Readable.from([bytes]);
        Object.defineProperty(response, 'bodyText', { value: bytes.toString('utf8'), enumerable: false });
      }
      return result;
    },
    { step: 'deserialize', name: 'keepErrorBodyText', priority: 'low' },
  );
}

const notFoundNames = new Set(['FileSystemNotFound', 'MountTargetNotFound', 'AccessPointNotFound']);
const isNotFound = (err: unknown): boolean => notFoundNames.has(String((err as { name?: unknown }).name));

/**
 * The EFS calls the orchestrator makes. Concurrent describes of the same file system share one
 * request (single-flight), so many waiters in one worker cost one call per round.
 */
export class EfsGateway {
  private readonly inFlight = new Map<string, Promise<FileSystemDescription | undefined>>();

  constructor(readonly client: EFSClient) {}

  /** Creates the file system, or finds the one an earlier attempt created with the same token. */
  async createFileSystem(
    input: CreateFileSystemCommandInput,
  ): Promise<{ fileSystem: FileSystemDescription; foundByToken: boolean }> {
    try {
      return { fileSystem: await this.client.send(new CreateFileSystemCommand(input)), foundByToken: false };
    } catch (err) {
      if ((err as { name?: unknown }).name !== 'FileSystemAlreadyExists') throw err;
      const existingId = (err as { FileSystemId?: unknown }).FileSystemId;
      const existing =
        typeof existingId === 'string'
          ? await this.describeFileSystem(existingId)
          : await this.findByCreationToken(input.CreationToken ?? '');
      if (!existing) throw err;
      return { fileSystem: existing, foundByToken: true };
    }
  }

  /** The file system, or undefined once AWS no longer knows it. */
  describeFileSystem(fileSystemId: string): Promise<FileSystemDescription | undefined> {
    const pending = this.inFlight.get(fileSystemId);
    if (pending) return pending;
    const request = this.client
      .send(new DescribeFileSystemsCommand({ FileSystemId: fileSystemId }))
      .then((out) => out.FileSystems?.[0])
      .catch((err: unknown) => {
        if (isNotFound(err)) return undefined;
        throw err;
      })
      .finally(() => this.inFlight.delete(fileSystemId));
    this.inFlight.set(fileSystemId, request);
    return request;
  }

  /** One page of the account's file systems (DescribeFileSystems without an id); `next` names the following page. */
  async fileSystemsPage(marker?: string): Promise<{ items: FileSystemDescription[]; next?: string }> {
    const out = await this.client.send(new DescribeFileSystemsCommand({ Marker: marker, MaxItems: 100 }));
    return { items: out.FileSystems ?? [], next: out.NextMarker };
  }

  /** One page of the account's access points (DescribeAccessPoints with no id lists them all). */
  async accessPointsPage(token?: string): Promise<{ items: AccessPointDescription[]; next?: string }> {
    const out = await this.client.send(new DescribeAccessPointsCommand({ NextToken: token, MaxResults: 100 }));
    return { items: out.AccessPoints ?? [], next: out.NextToken };
  }

  async findByCreationToken(creationToken: string): Promise<FileSystemDescription | undefined> {
    try {
      const out = await this.client.send(new DescribeFileSystemsCommand({ CreationToken: creationToken }));
      return out.FileSystems?.[0];
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Deletes the file system; one that is already gone counts as deleted. */
  async deleteFileSystem(fileSystemId: string): Promise<void> {
    try {
      await this.client.send(new DeleteFileSystemCommand({ FileSystemId: fileSystemId }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /**
   * Everything the update planner compares: the description and the per-setting reads, skipping
   * the ones `reads` says the spec does not manage (see settingsToRead); the policy is always read.
   */
  async observeSettings(
    fileSystemId: string,
    reads: { lifecycle: boolean; backup: boolean } = { lifecycle: true, backup: true },
  ): Promise<ObservedSettings | undefined> {
    const fileSystem = await this.describeFileSystem(fileSystemId);
    if (!fileSystem) return undefined;
    return { fileSystem, ...(await this.slowSettings(fileSystemId, { ...reads, policy: true })) };
  }

  /**
   * The settings DescribeFileSystems does not return, one request each that `reads` asks for (an
   * unread one comes back empty). A file system that is gone throws FileSystemNotFound.
   */
  async slowSettings(fileSystemId: string, reads: SlowSettings): Promise<SlowValues> {
    const [lifecycle, backup, policy] = await Promise.all([
      reads.lifecycle
        ? this.client.send(new DescribeLifecycleConfigurationCommand({ FileSystemId: fileSystemId }))
        : { LifecyclePolicies: [] },
      reads.backup
        ? this.client.send(new DescribeBackupPolicyCommand({ FileSystemId: fileSystemId })).catch((err: unknown) => {
            if ((err as { name?: unknown }).name === 'PolicyNotFound') return { BackupPolicy: undefined };
            throw err;
          })
        : { BackupPolicy: undefined },
      reads.policy
        ? this.client
            .send(new DescribeFileSystemPolicyCommand({ FileSystemId: fileSystemId }))
            .catch((err: unknown) => {
              if ((err as { name?: unknown }).name === 'PolicyNotFound') return { Policy: undefined };
              throw err;
            })
        : { Policy: undefined },
    ]);
    return {
      lifecyclePolicies: lifecycle.LifecyclePolicies ?? [],
      backupStatus: backup.BackupPolicy?.Status,
      policy: policy.Policy ?? null,
    };
  }

  async apply(fileSystemId: string, operation: UpdateOperation): Promise<void> {
    const FileSystemId = fileSystemId;
    switch (operation.op) {
      case 'TagResource':
        return this.tagResource(FileSystemId, operation.tags);
      case 'UntagResource':
        return this.untagResource(FileSystemId, operation.keys);
      case 'PutFileSystemPolicy':
        await this.client.send(new PutFileSystemPolicyCommand({ FileSystemId, Policy: operation.policy }));
        return;
      case 'DeleteFileSystemPolicy':
        await this.client.send(new DeleteFileSystemPolicyCommand({ FileSystemId }));
        return;
      case 'PutBackupPolicy':
        await this.client.send(
          new PutBackupPolicyCommand({ FileSystemId, BackupPolicy: { Status: operation.status } }),
        );
        return;
      case 'PutLifecycleConfiguration':
        await this.client.send(
          new PutLifecycleConfigurationCommand({ FileSystemId, LifecyclePolicies: operation.policies }),
        );
        return;
      case 'UpdateFileSystemProtection':
        await this.client.send(
          new UpdateFileSystemProtectionCommand({
            FileSystemId,
            ReplicationOverwriteProtection: operation.replicationOverwriteProtection,
          }),
        );
        return;
      case 'UpdateFileSystem':
        await this.client.send(
          new UpdateFileSystemCommand({
            FileSystemId,
            ThroughputMode: operation.throughputMode as 'bursting' | 'provisioned' | 'elastic',
            ProvisionedThroughputInMibps: operation.provisionedThroughputInMibps,
          }),
        );
        return;
    }
  }

  async mountTargetIds(fileSystemId: string): Promise<string[]> {
    const out = await this.client.send(new DescribeMountTargetsCommand({ FileSystemId: fileSystemId }));
    return (out.MountTargets ?? []).map((mt) => mt.MountTargetId ?? '?');
  }

  /** Mount targets have no idempotency token: finding one an earlier attempt made is the MountTarget manager's. */
  async createMountTarget(input: CreateMountTargetCommandInput): Promise<MountTargetDescription> {
    return this.client.send(new CreateMountTargetCommand(input));
  }

  async mountTargets(fileSystemId: string): Promise<MountTargetDescription[]> {
    const found: MountTargetDescription[] = [];
    let marker: string | undefined;
    do {
      const out = await this.client.send(
        new DescribeMountTargetsCommand({ FileSystemId: fileSystemId, Marker: marker }),
      );
      found.push(...(out.MountTargets ?? []));
      marker = out.NextMarker;
    } while (marker);
    return found;
  }

  async describeMountTarget(mountTargetId: string): Promise<MountTargetDescription | undefined> {
    try {
      return (await this.client.send(new DescribeMountTargetsCommand({ MountTargetId: mountTargetId })))
        .MountTargets?.[0];
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async mountTargetSecurityGroups(mountTargetId: string): Promise<string[]> {
    return (
      (await this.client.send(new DescribeMountTargetSecurityGroupsCommand({ MountTargetId: mountTargetId })))
        .SecurityGroups ?? []
    );
  }

  async setMountTargetSecurityGroups(mountTargetId: string, securityGroups: string[]): Promise<void> {
    await this.client.send(
      new ModifyMountTargetSecurityGroupsCommand({ MountTargetId: mountTargetId, SecurityGroups: securityGroups }),
    );
  }

  async deleteMountTarget(mountTargetId: string): Promise<void> {
    try {
      await this.client.send(new DeleteMountTargetCommand({ MountTargetId: mountTargetId }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** Idempotent by its ClientToken; an access point already made with the token is found and returned. */
  async createAccessPoint(input: CreateAccessPointCommandInput): Promise<AccessPointDescription> {
    const existing = (await this.accessPoints(input.FileSystemId ?? '')).find(
      (ap) => ap.ClientToken === input.ClientToken,
    );
    if (existing) return existing;
    return this.client.send(new CreateAccessPointCommand(input));
  }

  async accessPoints(fileSystemId: string): Promise<AccessPointDescription[]> {
    const found: AccessPointDescription[] = [];
    let token: string | undefined;
    do {
      const out = await this.client.send(
        new DescribeAccessPointsCommand({ FileSystemId: fileSystemId, NextToken: token }),
      );
      found.push(...(out.AccessPoints ?? []));
      token = out.NextToken;
    } while (token);
    return found;
  }

  async describeAccessPoint(accessPointId: string): Promise<AccessPointDescription | undefined> {
    try {
      return (await this.client.send(new DescribeAccessPointsCommand({ AccessPointId: accessPointId })))
        .AccessPoints?.[0];
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async deleteAccessPoint(accessPointId: string): Promise<void> {
    try {
      await this.client.send(new DeleteAccessPointCommand({ AccessPointId: accessPointId }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async tags(resourceId: string): Promise<{ Key: string; Value: string }[]> {
    const out = await this.client.send(new ListTagsForResourceCommand({ ResourceId: resourceId }));
    return (out.Tags ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));
  }

  async tagResource(resourceId: string, tags: Tag[]): Promise<void> {
    await this.client.send(new TagResourceCommand({ ResourceId: resourceId, Tags: tags }));
  }

  async untagResource(resourceId: string, keys: string[]): Promise<void> {
    await this.client.send(new UntagResourceCommand({ ResourceId: resourceId, TagKeys: keys }));
  }

  /**
   * The replication configuration this file system is the source of; undefined without one, or
   * when the file system itself is gone (a configuration it is the destination of belongs to its
   * source, and is not returned).
   */
  async sourceReplication(fileSystemId: string): Promise<ReplicationConfigurationDescription | undefined> {
    try {
      const out = await this.client.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: fileSystemId }));
      return out.Replications?.find((r) => r.SourceFileSystemId === fileSystemId);
    } catch (err) {
      if ((err as { name?: unknown }).name === 'ReplicationNotFound' || isNotFound(err)) return undefined;
      throw err;
    }
  }

  async createReplication(
    fileSystemId: string,
    destination: DestinationToCreate,
  ): Promise<ReplicationConfigurationDescription> {
    return this.client.send(
      new CreateReplicationConfigurationCommand({ SourceFileSystemId: fileSystemId, Destinations: [destination] }),
    );
  }

  /** Deletes the replication configuration; one already gone counts as deleted. */
  async deleteReplication(fileSystemId: string): Promise<void> {
    try {
      await this.client.send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: fileSystemId }));
    } catch (err) {
      if ((err as { name?: unknown }).name !== 'ReplicationNotFound') throw err;
    }
  }
}
