import { DescribeFileSystemsCommand, DescribeMountTargetsCommand, EFSClient } from '@aws-sdk/client-efs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { ConditionType, type FileSystemObject } from '../../src/api/filesystem';
import { kindInfo } from '../../src/api/kinds';
import { annotations } from '../../src/api/workflow-contract';
import { KindClient } from '../../src/kube/client';
import { roleAccountMapName } from '../../src/kube/aws-targets';
import { repoRoot } from '../../src/shared/paths';
import {
  applyFileSystem,
  applyObject,
  conditionOf,
  createE2eContext,
  deleteObject,
  eventually,
  getFileSystem,
  patchObject,
  startOrchestrator,
  waitForCondition,
  waitForGone,
  waitForObjectCondition,
  type E2eContext,
} from './harness';

/**
 * Regions and accounts on the real stack: objects land in the account of their namespace
 * (services.k8s.aws/owner-account-id, through the role ACK's ConfigMap maps to it and the local
 * STS) and in the Region ACK's precedence gives them; a mapping added later unblocks the objects
 * waiting for it; a Region change of an existing resource is refused. Where each file system is
 * is checked through the EFS API with each account's own credentials and each Region.
 */
jest.setTimeout(420_000);

/** The samples of config/samples/regions-and-accounts, used unchanged (but for the namespaces they go to). */
const sample = <T>(file: string): T =>
  parse(fs.readFileSync(path.join(repoRoot, 'config', 'samples', 'regions-and-accounts', file), 'utf8')) as T;
const sampleNamespace = sample<{ metadata: { annotations: Record<string, string> } }>('namespace.yaml');
const sampleRoleMap = sample<{ data: Record<string, string> }>('role-account-map.yaml');
const sampleFileSystem = sample<{ metadata: { name: string; annotations: Record<string, string> }; spec: unknown }>(
  'filesystem.yaml',
);

const accountB = '210987654321';
const accountC = '333344445555';
const roleOf = (account: string): string => `arn:aws:iam::${account}:role/efs-orchestrator`;

let ctx: E2eContext;
let core: CoreV1Api;
const namespaces: string[] = [];
const clients: EFSClient[] = [];

/** A context whose objects live in another namespace (created with these annotations). */
async function namespaceContext(suffix: string, nsAnnotations: Record<string, string>): Promise<E2eContext> {
  const name = `${ctx.namespace}-${suffix}`;
  await core.createNamespace({ body: { metadata: { name, annotations: nsAnnotations } } });
  namespaces.push(name);
  return { ...ctx, namespace: name };
}

async function setRoleMap(data: Record<string, string>): Promise<void> {
  const body = { metadata: { name: roleAccountMapName, namespace: ctx.namespace }, data };
  await core
    .replaceNamespacedConfigMap({ name: roleAccountMapName, namespace: ctx.namespace, body })
    .catch(async (err: unknown) => {
      if ((err as { code?: unknown }).code !== 404) throw err;
      await core.createNamespacedConfigMap({ namespace: ctx.namespace, body });
    });
}

/** An EFS client of the emulator in one Region, as the process's own account or as another account's role. */
async function efsAs(region: string, account?: string): Promise<EFSClient> {
  let credentials = { accessKeyId: 'test', secretAccessKey: 'test', sessionToken: undefined as string | undefined };
  if (account) {
    const sts = new STSClient({ endpoint: ctx.env.AWS_ENDPOINT_URL_STS, region, credentials, maxAttempts: 1 });
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: roleOf(account), RoleSessionName: 'e2e-check' }));
    sts.destroy();
    credentials = {
      accessKeyId: out.Credentials?.AccessKeyId ?? '',
      secretAccessKey: out.Credentials?.SecretAccessKey ?? '',
      sessionToken: out.Credentials?.SessionToken,
    };
  }
  const client = new EFSClient({ endpoint: ctx.env.AWS_ENDPOINT_URL_EFS, region, credentials, maxAttempts: 1 });
  clients.push(client);
  return client;
}

const partitions = [
  { region: 'us-east-1' },
  { region: 'us-west-2' },
  { region: 'eu-west-1', account: accountB },
  { region: 'us-east-1', account: accountB },
  { region: 'us-east-1', account: accountC },
  { region: 'eu-central-1' },
  { region: 'us-west-2', account: accountB },
];
const key = (p: { region: string; account?: string }): string => `${p.account ?? 'own'}/${p.region}`;

/** The partitions (of those above) in which AWS has the file system. */
async function partitionsHolding(fileSystemId: string): Promise<string[]> {
  const found: string[] = [];
  for (const p of partitions) {
    const client = await efsAs(p.region, p.account);
    const out = await client
      .send(new DescribeFileSystemsCommand({ FileSystemId: fileSystemId }))
      .catch((err: unknown) => {
        if ((err as { name?: unknown }).name === 'FileSystemNotFound') return { FileSystems: [] };
        throw err;
      });
    if ((out.FileSystems ?? []).length > 0) found.push(key(p));
  }
  return found;
}

beforeAll(async () => {
  ctx = await createE2eContext('partitions');
  core = ctx.kc.makeApiClient(CoreV1Api);
  expect(sampleRoleMap.data).toEqual({ [accountB]: roleOf(accountB) });
  await setRoleMap(sampleRoleMap.data);
  // Objects in several namespaces: the watcher watches them all (the run's label still isolates it).
  startOrchestrator(ctx, 'run', {
    WATCH_NAMESPACE: '',
    LEADER_ELECTION_NAMESPACE: ctx.namespace,
    ROLE_ACCOUNT_MAP_NAMESPACE: ctx.namespace,
  });
});
afterAll(async () => {
  // The objects go while the orchestrator still runs: no finalizer is left behind in any namespace.
  for (const where of [ctx, ...namespaces.map((namespace) => ({ ...ctx, namespace }))]) {
    for (const kind of ['MountTarget', 'FileSystem']) {
      const client = new KindClient(ctx.kc, kindInfo(kind).names);
      const names = (await client.list(where.namespace)).items.map((o) => o.metadata.name);
      for (const name of names) await deleteObject(where, kind, name);
      for (const name of names) await waitForGone(where, kind, name);
    }
  }
  await ctx.close();
  clients.forEach((c) => c.destroy());
  // The stack runs no namespace controller: deleted namespaces stay Terminating, so they are left as they are.
});

describe('Regions and accounts', () => {
  let teamB: E2eContext;

  it('objects land in the account of their namespace and the Region ACK’s precedence gives them', async () => {
    expect(sampleNamespace.metadata.annotations).toEqual({
      [annotations.namespaceOwnerAccountId]: accountB,
      [annotations.namespaceDefaultRegion]: 'eu-west-1',
    });
    teamB = await namespaceContext('b', sampleNamespace.metadata.annotations);
    await applyFileSystem(ctx, 'own-default', {});
    await applyFileSystem(ctx, 'own-west', {}, { [annotations.region]: 'us-west-2' });
    await applyFileSystem(teamB, 'b-default', {});
    await applyFileSystem(teamB, 'b-east', {}, { [annotations.region]: 'us-east-1' });
    await applyFileSystem(
      teamB,
      sampleFileSystem.metadata.name,
      sampleFileSystem.spec as never,
      sampleFileSystem.metadata.annotations,
    );
    const expected: [E2eContext, string, string, string | undefined][] = [
      [ctx, 'own-default', 'us-east-1', undefined],
      [ctx, 'own-west', 'us-west-2', undefined],
      [teamB, sampleFileSystem.metadata.name, 'us-west-2', accountB],
      [teamB, 'b-default', 'eu-west-1', accountB],
      [teamB, 'b-east', 'us-east-1', accountB],
    ];
    for (const [where, name, region, account] of expected) {
      const obj = await waitForCondition(where, name, ConditionType.synced, 'True');
      const metadata = obj.status?.ackResourceMetadata;
      expect({ name, region: metadata?.region, account: metadata?.ownerAccountID }).toEqual({
        name,
        region,
        account: account ?? '123456789012',
      });
      expect(metadata?.arn).toBe(
        `arn:aws:elasticfilesystem:${region}:${account ?? '123456789012'}:file-system/${obj.status?.fileSystemID}`,
      );
      expect(await partitionsHolding(obj.status?.fileSystemID as string)).toEqual([
        key({ region, ...(account ? { account } : {}) }),
      ]);
    }
  });

  it('a mount target lives in its file system’s Region: one that names another Region is refused, saying so', async () => {
    const fileSystemRef = { from: { name: 'own-west' } };
    await applyObject(ctx, 'MountTarget', 'mt-elsewhere', { fileSystemRef, subnetID: 'subnet-0123abcd1a' });
    const refused = await waitForObjectCondition(ctx, 'MountTarget', 'mt-elsewhere', ConditionType.terminal, 'True');
    expect(conditionOf(refused, ConditionType.terminal)).toMatchObject({
      reason: 'FileSystemInAnotherRegion',
      message: expect.stringContaining(
        `FileSystem ${ctx.namespace}/own-west lives in us-west-2, but this object's Region is us-east-1`,
      ) as string,
    });
    await deleteObject(ctx, 'MountTarget', 'mt-elsewhere');
    await applyObject(
      ctx,
      'MountTarget',
      'mt-west',
      { fileSystemRef, subnetID: 'subnet-0123abcd1a' },
      { [annotations.region]: 'us-west-2' },
    );
    const synced = await waitForObjectCondition(ctx, 'MountTarget', 'mt-west', ConditionType.synced, 'True');
    const status = synced.status as { mountTargetID?: string; ackResourceMetadata?: { region?: string } };
    expect(status.ackResourceMetadata?.region).toBe('us-west-2');
    const inRegion = async (region: string) =>
      (
        await (await efsAs(region)).send(new DescribeMountTargetsCommand({ MountTargetId: status.mountTargetID }))
      ).MountTargets?.map((mt) => mt.MountTargetId);
    expect(await inRegion('us-west-2')).toEqual([status.mountTargetID]);
    await expect(inRegion('us-east-1')).rejects.toMatchObject({ name: 'MountTargetNotFound' });
    await deleteObject(ctx, 'MountTarget', 'mt-west');
    await waitForGone(ctx, 'MountTarget', 'mt-west');
  });

  it('an account without a usable role waits, saying what to add or fix, and goes on once it is there', async () => {
    const teamC = await namespaceContext('c', { [annotations.namespaceOwnerAccountId]: accountC });
    await applyFileSystem(teamC, 'c-waits', {});
    const waiting = await waitForCondition(teamC, 'c-waits', ConditionType.recoverable, 'True');
    const recoverable = conditionOf(waiting, ConditionType.recoverable);
    expect(recoverable?.reason).toBe('AccountRoleNotMapped');
    expect(recoverable?.message).toContain(`AWS account ${accountC}`);
    expect(recoverable?.message).toContain(
      `ConfigMap ${ctx.namespace}/${roleAccountMapName} maps no role to it: add the key "${accountC}"`,
    );
    expect(waiting.status?.fileSystemID).toBeUndefined();
    // No restart: the map is read again while the object waits. First a role STS refuses (its trust policy) ...
    await ctx.admin.setConfig({ refusedRoleArns: [roleOf(accountC)] });
    try {
      await setRoleMap({ ...sampleRoleMap.data, [accountC]: roleOf(accountC) });
      await eventually('AssumeRoleRefused on c-waits', async () => {
        const condition = conditionOf(await getFileSystem(teamC, 'c-waits'), ConditionType.recoverable);
        return condition?.reason === 'AssumeRoleRefused' && condition.message.includes(roleOf(accountC));
      });
    } finally {
      // ... then one it lets the orchestrator assume.
      await ctx.admin.setConfig({ refusedRoleArns: [] });
    }
    const synced = await waitForCondition(teamC, 'c-waits', ConditionType.synced, 'True', 90_000);
    expect(synced.status?.ackResourceMetadata?.ownerAccountID).toBe(accountC);
    expect(await partitionsHolding(synced.status?.fileSystemID as string)).toEqual([
      key({ region: 'us-east-1', account: accountC }),
    ]);
  });

  it('moving an existing resource to another Region is refused, and it stays managed where it is', async () => {
    const before = (await getFileSystem(ctx, 'own-west')) as FileSystemObject;
    await patchObject(ctx, 'FileSystem', 'own-west', {
      metadata: {
        annotations: { [annotations.region]: 'eu-central-1', [annotations.resyncRequestedAt]: 'move-1' },
      },
    });
    const refused = await waitForCondition(ctx, 'own-west', ConditionType.terminal, 'True');
    const terminal = conditionOf(refused, ConditionType.terminal);
    expect(terminal?.message).toContain(
      'metadata.annotations[services.k8s.aws/region] asks for Region eu-central-1 (from the annotation services.k8s.aws/region), ' +
        'but its EFS file system already lives in us-west-2',
    );
    expect(refused.status?.ackResourceMetadata?.region).toBe('us-west-2');
    const id = before.status?.fileSystemID as string;
    expect(await partitionsHolding(id)).toEqual(['own/us-west-2']);
    // Back to its Region: synced again.
    await patchObject(ctx, 'FileSystem', 'own-west', {
      metadata: { annotations: { [annotations.region]: 'us-west-2', [annotations.resyncRequestedAt]: 'move-2' } },
    });
    const back = await waitForCondition(ctx, 'own-west', ConditionType.synced, 'True');
    expect(back.status?.fileSystemID).toBe(id);
  });

  it('deletion deletes each resource in its own partition', async () => {
    const ids = new Map<string, string>();
    for (const [where, name] of [
      [ctx, 'own-west'],
      [teamB, 'b-default'],
    ] as const) {
      ids.set(name, (await getFileSystem(where, name))?.status?.fileSystemID as string);
      await deleteObject(where, 'FileSystem', name);
    }
    await waitForGone(ctx, 'FileSystem', 'own-west');
    await waitForGone(teamB, 'FileSystem', 'b-default');
    for (const [name, id] of ids) {
      await eventually(`${name}'s file system ${id} to be gone from every partition`, async () => {
        return (await partitionsHolding(id)).length === 0;
      });
    }
  });
});
