import { type EfsGateway } from '../../aws/efs';
import { type FileSystemSpec, type ReplicationConfigurationStatus } from '../../api/filesystem';
import { RecoverableError } from '../../domain/errors';
import {
  desiredDestination,
  describeReplicationStep,
  planReplication,
  replicationStatus,
} from '../../domain/replication';

/** ACK looks again after 15 s while a replication is ENABLING or DELETING; the emulator is quicker. */
export const replicationRecheckMs = 5_000;

/**
 * One step of a file system's replication towards its spec (create, delete, or nothing), and what
 * status reports of it. A changed destination is deleted first; the next apply round, once AWS no
 * longer lists it, creates the new one. While AWS is ENABLING or DELETING the step waits
 * (recoverable: the object says what it waits for and looks again).
 */
export async function syncReplication(
  efs: EfsGateway,
  fileSystemId: string,
  spec: FileSystemSpec | undefined,
): Promise<{ applied: string[]; replicationConfigurationStatus: ReplicationConfigurationStatus[] }> {
  const observed = await efs.sourceReplication(fileSystemId);
  const step = planReplication(desiredDestination(spec), observed);
  switch (step.op) {
    case 'none':
      return { applied: [], replicationConfigurationStatus: replicationStatus(observed) };
    case 'wait':
      throw new RecoverableError(
        'ReplicationInProgress',
        `${step.message}; looking again in ${replicationRecheckMs / 1000} s`,
        replicationRecheckMs,
      );
    case 'CreateReplicationConfiguration': {
      const created = await efs.createReplication(fileSystemId, step.destination);
      return { applied: [describeReplicationStep(step)], replicationConfigurationStatus: replicationStatus(created) };
    }
    case 'DeleteReplicationConfiguration':
      await efs.deleteReplication(fileSystemId);
      return { applied: [describeReplicationStep(step)], replicationConfigurationStatus: replicationStatus(observed) };
  }
}

/**
 * Deleting a replicated file system: AWS refuses while it is in a replication configuration, so the
 * configuration goes first (as ACK does), and the file system once AWS no longer lists it.
 * Resolves when nothing replicates from the file system any more.
 */
export async function deleteReplicationFirst(efs: EfsGateway, fileSystemId: string): Promise<void> {
  const observed = await efs.sourceReplication(fileSystemId);
  if (!observed) return;
  const destination = observed.Destinations?.[0];
  if (destination?.Status !== 'DELETING') await efs.deleteReplication(fileSystemId);
  throw new RecoverableError(
    'ReplicationDeleting',
    `replication to ${destination?.Region ?? '?'} (${destination?.FileSystemId ?? '?'}) is being deleted first; looking again in ${replicationRecheckMs / 1000} s`,
    replicationRecheckMs,
  );
}
