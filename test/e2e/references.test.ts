import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DescribeFileSystemsCommand,
  DescribeMountTargetsCommand,
  DescribeMountTargetSecurityGroupsCommand,
  type EFSClient,
} from '@aws-sdk/client-efs';
import { ApiextensionsV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { installCrds, waitUntilWatchable } from '../../dev/stack/kube/crds';
import { testRunLabel } from '../../dev/stack/orchestrator';
import { apiVersion, ConditionType } from '../../src/api/filesystem';
import { kindInfo } from '../../src/api/kinds';
import { type KubeObject } from '../../src/api/object';
import { crdNameOf, referencedKinds, type ReferencedKind } from '../../src/api/references';
import { annotations } from '../../src/api/workflow-contract';
import { mergePatch } from '../../src/kube/client';
import { repoRoot } from '../../src/shared/paths';
import {
  conditionOf,
  createE2eContext,
  deleteObject,
  efsClientFor,
  eventually,
  getObject,
  patchObject,
  startOrchestrator,
  waitForGone,
  waitForObjectCondition,
  type E2eContext,
} from './harness';

/**
 * References to objects of other ACK controllers (kms Key, ec2 Subnet and SecurityGroup) on the
 * stack: their CRDs are the minimal fixtures in test/fixtures/ack-crds, and the test writes their
 * status as ACK's controllers would. The orchestrator watches every namespace (this run's label
 * only), so a reference into another namespace is exercised too.
 */
jest.setTimeout(420_000);

let ctx: E2eContext;
let efs: EFSClient;
let shared: string;
let custom: CustomObjectsApi;

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'ack-crds');
const { Key, Subnet, SecurityGroup } = referencedKinds;
const synced = [{ type: ConditionType.synced, status: 'True', reason: '', message: 'Resource synced successfully' }];
const ref = (name: string, namespace?: string) => ({ from: { name, ...(namespace ? { namespace } : {}) } });

async function installCrd(target: ReferencedKind): Promise<void> {
  // installCrds applies a directory's CRDs as they are written (the typed client would drop the x-kubernetes-* keys).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ack-crd-'));
  fs.copyFileSync(path.join(fixtures, `${crdNameOf(target)}.yaml`), path.join(dir, 'crd.yaml'));
  try {
    await waitUntilWatchable(ctx.kc, await installCrds(ctx.kc, dir));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function removeCrd(target: ReferencedKind): Promise<void> {
  const api = ctx.kc.makeApiClient(ApiextensionsV1Api);
  const gone = async () =>
    api.readCustomResourceDefinition({ name: crdNameOf(target) }).then(
      () => false,
      (err: { code?: number }) => err.code === 404,
    );
  if (await gone()) return;
  await api.deleteCustomResourceDefinition({ name: crdNameOf(target) });
  await eventually(`CRD ${crdNameOf(target)} to be gone`, gone, 60_000);
}

/** Creates an ACK object (no controller acts on it: its status stays empty until writeStatus). */
async function createAckObject(
  target: ReferencedKind,
  namespace: string,
  name: string,
  spec: Record<string, unknown> = {},
): Promise<void> {
  const { group, version, plural, kind } = target;
  await custom.createNamespacedCustomObject({
    group,
    version,
    namespace,
    plural,
    body: { apiVersion: `${group}/${version}`, kind, metadata: { name, namespace }, spec },
  });
}

/** Writes the status as the ACK controller would. */
async function writeAckStatus(
  target: ReferencedKind,
  namespace: string,
  name: string,
  status: Record<string, unknown>,
): Promise<void> {
  const { group, version, plural } = target;
  await custom.patchNamespacedCustomObjectStatus(
    { group, version, namespace, plural, name, body: { status } },
    mergePatch,
  );
}

/** Creates one of our objects in any namespace, labelled for this run's orchestrator. */
async function createObject(namespace: string, kind: string, name: string, spec: unknown): Promise<void> {
  await custom.createNamespacedCustomObject({
    group: 'efs.services.k8s.aws',
    version: 'v1alpha1',
    namespace,
    plural: kindInfo(kind).names.plural,
    body: { apiVersion, kind, metadata: { name, namespace, labels: { [testRunLabel]: ctx.runId } }, spec },
  });
}

const requestResync = (kind: string, name: string) =>
  patchObject(ctx, kind, name, {
    metadata: { annotations: { [annotations.resyncRequestedAt]: new Date().toISOString() } },
  });

/** Waits until the object's condition is True with a message containing `text`. */
async function waitForMessage(kind: string, name: string, type: string, text: string): Promise<KubeObject> {
  let found: KubeObject | undefined;
  await eventually(
    `${kind} ${name} to say ${type}: "${text}"`,
    async () => {
      found = await getObject(ctx, kind, name);
      const condition = conditionOf(found, type);
      return condition?.status === 'True' && condition.message.includes(text);
    },
    120_000,
    250,
    () => JSON.stringify(found?.status?.conditions ?? null),
  );
  return found as KubeObject;
}

const groupsOf = async (mountTargetId: string) =>
  (
    (await efs.send(new DescribeMountTargetSecurityGroupsCommand({ MountTargetId: mountTargetId }))).SecurityGroups ??
    []
  ).sort();

beforeAll(async () => {
  ctx = await createE2eContext('refs');
  efs = efsClientFor(ctx);
  custom = ctx.kc.makeApiClient(CustomObjectsApi);
  shared = `${ctx.namespace}-shared`;
  await ctx.kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: shared } } });
  await installCrd(Subnet);
  await installCrd(SecurityGroup);
  // The first test starts without the kms Key CRD.
  await removeCrd(Key);
  startOrchestrator(ctx, 'run', {
    WATCH_NAMESPACE: '',
    LEADER_ELECTION_NAMESPACE: ctx.namespace,
    RESYNC_INTERVAL_SECONDS: '3600',
  });
});
afterAll(async () => {
  await ctx?.close();
  efs?.destroy();
});

test('kmsKeyRef: Terminal naming the CRD while kms Keys are not installed; then waits until the Key is synced and encrypts with its ARN', async () => {
  await createObject(ctx.namespace, 'FileSystem', 'by-key', { encrypted: true, kmsKeyRef: ref('by-key-key') });
  const terminal = await waitForMessage('FileSystem', 'by-key', ConditionType.terminal, crdNameOf(Key));
  expect(conditionOf(terminal, ConditionType.terminal)?.message).toContain(
    "install the CustomResourceDefinition keys.kms.services.k8s.aws (it comes with ACK's kms controller)",
  );
  expect(conditionOf(terminal, ConditionType.terminal)?.reason).toBe('ReferencedKindNotInstalled');

  await installCrd(Key);
  await createAckObject(Key, ctx.namespace, 'by-key-key', { description: 'test key' });
  await requestResync('FileSystem', 'by-key');
  const waiting = await waitForMessage(
    'FileSystem',
    'by-key',
    ConditionType.recoverable,
    `Key ${ctx.namespace}/by-key-key is not synced yet`,
  );
  expect(conditionOf(waiting, ConditionType.recoverable)?.reason).toBe('ReferenceNotSynced');
  expect(waiting.status?.fileSystemID).toBeUndefined();

  const arn = `arn:aws:kms:${ctx.env.AWS_REGION}:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  await writeAckStatus(Key, ctx.namespace, 'by-key-key', { ackResourceMetadata: { arn }, conditions: synced });
  const done = await waitForObjectCondition(ctx, 'FileSystem', 'by-key', ConditionType.synced, 'True');
  expect(done.status?.resolvedReferences).toEqual({ kmsKeyID: arn });
  const inAws = (await efs.send(new DescribeFileSystemsCommand({ FileSystemId: done.status?.fileSystemID as string })))
    .FileSystems?.[0];
  expect([inAws?.Encrypted, inAws?.KmsKeyId]).toEqual([true, arn]);

  await deleteObject(ctx, 'FileSystem', 'by-key');
  await waitForGone(ctx, 'FileSystem', 'by-key');
});

test('subnetRef and securityGroupRefs, across namespaces: waits until each object is synced, applies a security group change, refuses a subnet change', async () => {
  // The file system lives in another namespace; its FileSystem object is named with from.namespace.
  await createObject(shared, 'FileSystem', 'shared', {});
  await createAckObject(Subnet, ctx.namespace, 'app', { cidrBlock: '10.0.1.0/24' });
  await createObject(ctx.namespace, 'MountTarget', 'mt', {
    fileSystemRef: ref('shared', shared),
    subnetRef: ref('app'),
    securityGroupRefs: [ref('web', shared)],
  });
  await waitForMessage('MountTarget', 'mt', ConditionType.recoverable, `Subnet ${ctx.namespace}/app is not synced yet`);

  const subnetId = 'subnet-0123abcd1a';
  await writeAckStatus(Subnet, ctx.namespace, 'app', { subnetID: subnetId, conditions: synced });
  await waitForMessage(
    'MountTarget',
    'mt',
    ConditionType.recoverable,
    `SecurityGroup ${shared}/web does not exist yet`,
  );

  const [web, db, dbLater] = ['sg-0000000000000000a', 'sg-0000000000000000b', 'sg-0000000000000000c'];
  await createAckObject(SecurityGroup, shared, 'web', { name: 'web', description: 'web' });
  await writeAckStatus(SecurityGroup, shared, 'web', { id: web, conditions: synced });
  const ready = await waitForObjectCondition(ctx, 'MountTarget', 'mt', ConditionType.synced, 'True', 180_000);
  expect(ready.status?.resolvedReferences).toEqual({ subnetID: subnetId, securityGroups: [web] });
  const mountTargetId = ready.status?.mountTargetID as string;
  const [inAws] =
    (await efs.send(new DescribeMountTargetsCommand({ MountTargetId: mountTargetId }))).MountTargets ?? [];
  expect(inAws?.SubnetId).toBe(subnetId);
  expect(await groupsOf(mountTargetId)).toEqual([web]);

  // A changed reference is applied (ModifyMountTargetSecurityGroups) ...
  await createAckObject(SecurityGroup, ctx.namespace, 'db', { name: 'db', description: 'db' });
  await writeAckStatus(SecurityGroup, ctx.namespace, 'db', { id: db, conditions: synced });
  await patchObject(ctx, 'MountTarget', 'mt', { spec: { securityGroupRefs: [ref('web', shared), ref('db')] } });
  await eventually(
    'both security groups in AWS',
    async () => (await groupsOf(mountTargetId)).join() === [web, db].join(),
    120_000,
  );
  // ... and so is a changed value of a referenced object, at the next pass (here a resync request).
  await writeAckStatus(SecurityGroup, ctx.namespace, 'db', { id: dbLater });
  await requestResync('MountTarget', 'mt');
  await eventually(
    'the new id in AWS',
    async () => (await groupsOf(mountTargetId)).join() === [web, dbLater].join(),
    120_000,
  );
  await eventually('status to show it', async () => {
    const obj = await getObject(ctx, 'MountTarget', 'mt');
    return isDeepStrictEqual(obj?.status?.resolvedReferences, { subnetID: subnetId, securityGroups: [web, dbLater] });
  });

  // A subnet is fixed when AWS creates the mount target: a different value is refused, saying why.
  await writeAckStatus(Subnet, ctx.namespace, 'app', { subnetID: 'subnet-0123abcd1b' });
  await requestResync('MountTarget', 'mt');
  const refused = await waitForMessage(
    'MountTarget',
    'mt',
    ConditionType.terminal,
    'subnetID is fixed when AWS creates it',
  );
  expect(conditionOf(refused, ConditionType.terminal)?.reason).toBe('CreateOnlyReferenceChanged');
  expect(conditionOf(refused, ConditionType.terminal)?.message).toContain(
    `subnetRef now resolves to subnet-0123abcd1b (Subnet ${ctx.namespace}/app), but EFS mount target ${mountTargetId} was created with ${subnetId}`,
  );
  expect(
    (await efs.send(new DescribeMountTargetsCommand({ MountTargetId: mountTargetId }))).MountTargets?.[0]?.SubnetId,
  ).toBe(subnetId);

  await deleteObject(ctx, 'MountTarget', 'mt');
  await waitForGone(ctx, 'MountTarget', 'mt');
  await custom.deleteNamespacedCustomObject({
    group: 'efs.services.k8s.aws',
    version: 'v1alpha1',
    namespace: shared,
    plural: 'filesystems',
    name: 'shared',
  });
});

test('the reference samples apply unchanged and sync once the ACK objects they name are synced', async () => {
  const dir = path.join(repoRoot, 'config', 'samples', 'references');
  const docs = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) =>
      parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map(
        (d) => d.toJS() as KubeObject & { kind: string; apiVersion: string },
      ),
    );
  const ack = docs.filter((d) => !d.apiVersion.startsWith('efs.'));
  const ours = docs.filter((d) => d.apiVersion.startsWith('efs.'));
  expect(ours.map((d) => d.kind).sort()).toEqual(['FileSystem', 'MountTarget']);
  const status: Record<string, Record<string, unknown>> = {
    Key: {
      ackResourceMetadata: {
        arn: `arn:aws:kms:${ctx.env.AWS_REGION}:111122223333:key/0000aaaa-12ab-34cd-56ef-1234567890ab`,
      },
    },
    Subnet: { subnetID: 'subnet-0123abcd2a' },
    SecurityGroup: { id: 'sg-0000000000000000d' },
  };
  for (const doc of ack) {
    const target = referencedKinds[doc.kind as keyof typeof referencedKinds];
    await createAckObject(target, ctx.namespace, doc.metadata.name, doc.spec as Record<string, unknown>);
    await writeAckStatus(target, ctx.namespace, doc.metadata.name, { ...status[doc.kind], conditions: synced });
  }
  for (const doc of ours) await createObject(ctx.namespace, doc.kind, doc.metadata.name, doc.spec);
  for (const doc of ours)
    await waitForObjectCondition(ctx, doc.kind, doc.metadata.name, ConditionType.synced, 'True', 180_000);
  const mt = await getObject(ctx, 'MountTarget', 'encrypted-by-ref-a');
  expect(mt?.status?.resolvedReferences).toEqual({
    subnetID: 'subnet-0123abcd2a',
    securityGroups: ['sg-0000000000000000d'],
  });
  for (const doc of [...ours].reverse()) await deleteObject(ctx, doc.kind, doc.metadata.name);
  for (const doc of ours) await waitForGone(ctx, doc.kind, doc.metadata.name, 180_000);
});
