import { CreateFileSystemCommand, DescribeFileSystemsCommand, EFSClient } from '@aws-sdk/client-efs';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rejectionOf, startTestEmulator, type TestEmulator } from './support/emulator';

/**
 * The emulator's local STS and how it keeps accounts apart: credentials it issues name their
 * account in the access key, and EFS requests signed with them see only that account's resources
 * (and, as before, only their Region's).
 */
let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(async () => {
  await t.emulator.close();
});

const base = { accessKeyId: 'test', secretAccessKey: 'test' };
const sts = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = base) =>
  new STSClient({ endpoint: t.emulator.url, region: 'us-east-1', credentials, maxAttempts: 1 });
const efs = (region: string, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) =>
  new EFSClient({ endpoint: t.emulator.url, region, credentials, maxAttempts: 1 });

async function assume(roleArn: string) {
  const out = await sts().send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'efs-orchestrator' }));
  const c = out.Credentials;
  return {
    accessKeyId: c?.AccessKeyId ?? '',
    secretAccessKey: c?.SecretAccessKey ?? '',
    sessionToken: c?.SessionToken,
    expiration: c?.Expiration,
    arn: out.AssumedRoleUser?.Arn,
  };
}

describe('local STS', () => {
  it('AssumeRole issues an hour of credentials of the role’s account, which GetCallerIdentity names', async () => {
    const before = Date.now();
    const assumed = await assume('arn:aws:iam::210987654321:role/efs-orchestrator');
    expect(assumed.accessKeyId).toMatch(/^ASIA210987654321[A-Z0-9]{4}$/);
    expect(assumed.arn).toBe('arn:aws:sts::210987654321:assumed-role/efs-orchestrator/efs-orchestrator');
    expect((assumed.expiration?.getTime() ?? 0) - before).toBeGreaterThanOrEqual(3_599_000);
    expect((assumed.expiration?.getTime() ?? 0) - before).toBeLessThanOrEqual(3_601_000);
    expect((await sts(assumed).send(new GetCallerIdentityCommand({}))).Account).toBe('210987654321');
    expect((await sts().send(new GetCallerIdentityCommand({}))).Account).toBe('123456789012');
  });

  it('refuses a malformed role ARN, a bad duration, and a role whose trust policy keeps the caller out', async () => {
    const malformed = await rejectionOf(
      sts().send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::1234:role/x', RoleSessionName: 'ok-session' })),
    );
    expect(malformed.name).toBe('ValidationError');
    const tooShort = await rejectionOf(
      sts().send(
        new AssumeRoleCommand({
          RoleArn: 'arn:aws:iam::210987654321:role/x',
          RoleSessionName: 'ok-session',
          DurationSeconds: 60,
        }),
      ),
    );
    expect(tooShort.name).toBe('ValidationError');
    await t.emulator.admin.setConfig({ refusedRoleArns: ['arn:aws:iam::210987654321:role/locked'] });
    try {
      const refused = await rejectionOf(assume('arn:aws:iam::210987654321:role/locked'));
      expect(refused.name).toBe('AccessDenied');
      expect(refused.message).toContain(
        'not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::210987654321:role/locked',
      );
    } finally {
      await t.emulator.admin.setConfig({ refusedRoleArns: [] });
    }
  });

  it('keeps each account’s file systems apart, and each Region’s', async () => {
    const other = await assume('arn:aws:iam::210987654321:role/efs-orchestrator');
    const created = await efs('eu-west-1', other).send(new CreateFileSystemCommand({ CreationToken: 'other-account' }));
    expect(created.OwnerId).toBe('210987654321');
    expect(created.FileSystemArn).toBe(
      `arn:aws:elasticfilesystem:eu-west-1:210987654321:file-system/${created.FileSystemId}`,
    );
    const ids = async (region: string, credentials: typeof base) =>
      ((await efs(region, credentials).send(new DescribeFileSystemsCommand({}))).FileSystems ?? []).map(
        (f) => f.FileSystemId,
      );
    expect(await ids('eu-west-1', other)).toEqual([created.FileSystemId]);
    expect(await ids('eu-west-1', base)).toEqual([]);
    expect(await ids('us-east-1', other)).toEqual([]);
    const notFound = await rejectionOf(
      efs('eu-west-1', base).send(new DescribeFileSystemsCommand({ FileSystemId: created.FileSystemId })),
    );
    expect(notFound.name).toBe('FileSystemNotFound');
  });
});
