/**
 * Where an AWS resource lives: an account and a Region. EFS quotas, request budgets and the
 * observer are all per partition, so everything that keeps one of them is keyed by this.
 */
export interface AwsPartition {
  /** The account whose resources these are; absent: the account of the process's own credentials. */
  accountId?: string;
  region: string;
}

/** A stable, readable key for a partition, usable in workflow ids and metric labels. */
export function partitionKey(partition: AwsPartition): string {
  return `${partition.accountId ?? 'own-account'}/${partition.region}`;
}
