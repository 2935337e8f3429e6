import { type AwsCredentialIdentityProvider } from './assume-role';
import { createEfsClient, EfsGateway, type EfsClientOptions } from './efs';
import { partitionKey, type AwsPartition } from './partition';

/**
 * One EFS gateway per AWS partition (account and Region), made on first use: each has its own
 * client and single-flight describes, as AWS's throttling is per account and Region. A partition of another account signs with that account's
 * assumed role; the process's own account with the process's credentials.
 */
export class EfsGateways {
  private readonly gateways = new Map<string, EfsGateway>();

  constructor(private readonly base: Omit<EfsClientOptions, 'region'>) {}

  gatewayFor(
    partition: AwsPartition,
    credentials?: { roleArn: string; provider: AwsCredentialIdentityProvider },
  ): EfsGateway {
    // A role changed in the map gets a client of its own; the old one is simply no longer used.
    const key = credentials ? `${partitionKey(partition)}|${credentials.roleArn}` : partitionKey(partition);
    let gateway = this.gateways.get(key);
    if (!gateway) {
      gateway = new EfsGateway(
        createEfsClient({
          ...this.base,
          region: partition.region,
          ...(credentials ? { credentials: credentials.provider } : {}),
        }),
      );
      this.gateways.set(key, gateway);
    }
    return gateway;
  }

  /** The partitions that have a gateway, e.g. for metrics and tests. */
  partitions(): string[] {
    return [...this.gateways.keys()];
  }
}
