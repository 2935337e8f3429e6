import { describe, expect, it } from '@jest/globals';
import { type ReplicationConfigurationDescription } from '@aws-sdk/client-efs';
import { planReplication, replicationStatus } from '../../src/domain/replication';

const configuration = (
  status: string,
  destination: { Region?: string; FileSystemId?: string; RoleArn?: string } = {},
): ReplicationConfigurationDescription => ({
  SourceFileSystemId: 'fs-source',
  SourceFileSystemRegion: 'us-east-1',
  SourceFileSystemArn: 'arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-source',
  OriginalSourceFileSystemArn: 'arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-source',
  SourceFileSystemOwnerId: '123456789012',
  CreationTime: new Date('2026-12-02T04:00:00Z'),
  Destinations: [
    {
      Status: status as 'ENABLED',
      Region: 'eu-west-1',
      FileSystemId: 'fs-replica',
      OwnerId: '123456789012',
      ...destination,
    },
  ],
});

describe('planReplication', () => {
  it('creates the destination the spec names, and nothing without one', () => {
    expect(planReplication({ region: 'eu-west-1', kmsKeyID: 'alias/replica' }, undefined)).toEqual({
      op: 'CreateReplicationConfiguration',
      destination: { Region: 'eu-west-1', KmsKeyId: 'alias/replica' },
    });
    expect(planReplication({ availabilityZoneName: 'eu-west-1b' }, undefined)).toEqual({
      op: 'CreateReplicationConfiguration',
      destination: { Region: 'eu-west-1', AvailabilityZoneName: 'eu-west-1b' },
    });
    expect(planReplication(undefined, undefined)).toEqual({ op: 'none' });
  });

  it('keeps a matching destination, waits while ENABLING or DELETING', () => {
    expect(planReplication({ region: 'eu-west-1' }, configuration('ENABLED'))).toEqual({ op: 'none' });
    expect(planReplication({ region: 'eu-west-1', fileSystemID: 'fs-replica' }, configuration('ENABLED'))).toEqual({
      op: 'none',
    });
    expect(planReplication({ region: 'eu-west-1' }, configuration('ENABLING'))).toEqual({
      op: 'wait',
      message: 'replication to eu-west-1 (fs-replica) is ENABLING',
    });
    expect(planReplication(undefined, configuration('DELETING'))).toMatchObject({ op: 'wait' });
    expect(planReplication({ region: 'us-west-2' }, configuration('DELETING'))).toMatchObject({ op: 'wait' });
  });

  it('deletes a removed destination, and a changed one (Region, file system or role) before creating it again', () => {
    expect(planReplication(undefined, configuration('ENABLED'))).toEqual({
      op: 'DeleteReplicationConfiguration',
      why: 'removed',
    });
    for (const desired of [
      { region: 'us-west-2' },
      { region: 'eu-west-1', fileSystemID: 'fs-other' },
      { region: 'eu-west-1', fileSystemID: 'fs-replica', roleARN: 'arn:aws:iam::111122223333:role/r' },
    ]) {
      expect(planReplication(desired, configuration('ENABLING'))).toEqual({
        op: 'DeleteReplicationConfiguration',
        why: 'changed',
      });
    }
  });
});

describe('replicationStatus', () => {
  it("is AWS's description with ACK's field names, empty without a configuration", () => {
    expect(replicationStatus(undefined)).toEqual([]);
    expect(replicationStatus(configuration('ENABLED'))).toEqual([
      {
        creationTime: '2026-12-02T04:00:00Z',
        destinations: [{ fileSystemID: 'fs-replica', ownerID: '123456789012', region: 'eu-west-1', status: 'ENABLED' }],
        originalSourceFileSystemARN: 'arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-source',
        sourceFileSystemARN: 'arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-source',
        sourceFileSystemID: 'fs-source',
        sourceFileSystemOwnerID: '123456789012',
        sourceFileSystemRegion: 'us-east-1',
      },
    ]);
  });
});
