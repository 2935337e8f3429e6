import { CoreV1Api } from '@kubernetes/client-node';
import { testRunLabel } from '../../dev/stack/orchestrator';
import { fieldExportNames, type FieldExportSpec } from '../../src/api/fieldexport';
import { ConditionType, groupVersionOf } from '../../src/api/filesystem';
import { type KubeObject } from '../../src/api/object';
import { annotations } from '../../src/api/workflow-contract';
import {
  applyFileSystem,
  conditionOf,
  createE2eContext,
  eventually,
  getFileSystem,
  patchObject,
  startOrchestrator,
  waitForCondition,
  type E2eContext,
} from './harness';

/**
 * ACK's FieldExport on the stack: a FileSystem's fields exported into a ConfigMap and a Secret and
 * kept current as the FileSystem's spec and status change; deleting the FieldExport leaves the key.
 */
jest.setTimeout(300_000);

let ctx: E2eContext;
let core: CoreV1Api;
const { group, version } = groupVersionOf(fieldExportNames);

beforeAll(async () => {
  ctx = await createE2eContext('fieldexport');
  core = ctx.kc.makeApiClient(CoreV1Api);
  startOrchestrator(ctx, 'run');
});
afterAll(async () => {
  await ctx.close();
});

/** An ACK FieldExport manifest, as an ACK user writes it (plus this run's watch label). */
async function applyFieldExport(name: string, spec: FieldExportSpec): Promise<void> {
  await ctx.fileSystems.api.createNamespacedCustomObject({
    group,
    version,
    namespace: ctx.namespace,
    plural: fieldExportNames.plural,
    body: {
      apiVersion: `${group}/${version}`,
      kind: 'FieldExport',
      metadata: { name, labels: { [testRunLabel]: ctx.runId } },
      spec,
    },
  });
}

const getFieldExport = async (name: string): Promise<KubeObject> =>
  (await ctx.fileSystems.api.getNamespacedCustomObject({
    group,
    version,
    namespace: ctx.namespace,
    plural: fieldExportNames.plural,
    name,
  })) as KubeObject;

const configMapValue = async (name: string, key: string): Promise<string | undefined> =>
  (await core.readNamespacedConfigMap({ name, namespace: ctx.namespace })).data?.[key];
const secretValue = async (name: string, key: string): Promise<string | undefined> => {
  const encoded = (await core.readNamespacedSecret({ name, namespace: ctx.namespace })).data?.[key];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
};

async function valueBecomes(what: string, read: () => Promise<string | undefined>, expected: string): Promise<void> {
  let last: string | undefined;
  await eventually(
    `${what} to be "${expected}"`,
    async () => (last = await read()) === expected,
    120_000,
    300,
    () => `last: ${String(last)}`,
  );
}

const fileSystemSource = (name: string, path: string): FieldExportSpec['from'] => ({
  resource: { group: 'efs.services.k8s.aws', kind: 'FileSystem', name },
  path,
});

test('a FileSystem id exported into a ConfigMap, kept current, and left in place when the FieldExport goes', async () => {
  await core.createNamespacedConfigMap({
    namespace: ctx.namespace,
    body: { metadata: { name: 'app-config' }, data: { unrelated: 'kept' } },
  });
  // Created before its source exists: it waits until the FileSystem is synced.
  await applyFieldExport('data-id', {
    from: fileSystemSource('data', '.status.fileSystemID'),
    to: { kind: 'configmap', name: 'app-config' },
  });
  await applyFieldExport('data-throughput', {
    from: fileSystemSource('data', '.spec.throughputMode'),
    to: { kind: 'configmap', name: 'app-config', key: 'THROUGHPUT_MODE' },
  });
  await applyFileSystem(ctx, 'data', { throughputMode: 'bursting' });
  const fs = await waitForCondition(ctx, 'data', ConditionType.synced, 'True');
  const id = fs.status?.fileSystemID as string;

  // ACK's default key: <namespace>.<name> of the FieldExport.
  await valueBecomes('the exported id', () => configMapValue('app-config', `${ctx.namespace}.data-id`), id);
  await valueBecomes('the exported mode', () => configMapValue('app-config', 'THROUGHPUT_MODE'), 'bursting');
  expect(await configMapValue('app-config', 'unrelated')).toBe('kept');
  await eventually('the FieldExport to say it is synced', async () => {
    const synced = conditionOf(await getFieldExport('data-id'), ConditionType.synced);
    return synced?.status === 'True' && synced.message.includes(`ConfigMap ${ctx.namespace}/app-config`);
  });

  // A spec change of the source is exported again.
  await patchObject(ctx, 'FileSystem', 'data', { spec: { throughputMode: 'elastic' } });
  await valueBecomes(
    'the exported mode after the change',
    () => configMapValue('app-config', 'THROUGHPUT_MODE'),
    'elastic',
  );

  // Deleting the FieldExport leaves the exported key (as ACK does) and stops following the source.
  await ctx.fileSystems.api.deleteNamespacedCustomObject({
    group,
    version,
    namespace: ctx.namespace,
    plural: fieldExportNames.plural,
    name: 'data-throughput',
  });
  await eventually('the FieldExport to be gone', async () =>
    getFieldExport('data-throughput').then(
      () => false,
      (err: { code?: number }) => err.code === 404,
    ),
  );
  expect(await configMapValue('app-config', 'THROUGHPUT_MODE')).toBe('elastic');
});

test('a status field exported into a Secret follows status-only changes of the source', async () => {
  await core.createNamespacedSecret({ namespace: ctx.namespace, body: { metadata: { name: 'app-secret' } } });
  await applyFileSystem(ctx, 'secret-source', {});
  await waitForCondition(ctx, 'secret-source', ConditionType.synced, 'True');
  // The field appears only once a resync request has been handled: until then the export says why it waits.
  await applyFieldExport('handled', {
    from: fileSystemSource('secret-source', '.status.resyncRequestHandled'),
    to: { kind: 'secret', name: 'app-secret', key: 'RESYNC_HANDLED' },
  });
  await eventually('the FieldExport to say the path selects nothing yet', async () => {
    const terminal = conditionOf(await getFieldExport('handled'), ConditionType.terminal);
    return terminal?.status === 'True' && terminal.message.includes('the path selects nothing (yet)');
  });

  for (const requestedAt of ['2026-12-02T05:00:00Z', '2026-12-02T05:01:00Z']) {
    await patchObject(ctx, 'FileSystem', 'secret-source', {
      metadata: { annotations: { [annotations.resyncRequestedAt]: requestedAt } },
    });
    await eventually('the resync request to be handled', async () => {
      return (await getFileSystem(ctx, 'secret-source'))?.status?.resyncRequestHandled === requestedAt;
    });
    await valueBecomes('the exported status field', () => secretValue('app-secret', 'RESYNC_HANDLED'), requestedAt);
  }
  const synced = conditionOf(await getFieldExport('handled'), ConditionType.synced);
  expect(synced?.status).toBe('True');
});

test('a missing target ConfigMap is waited for; another controller’s FieldExport is left alone', async () => {
  await applyFileSystem(ctx, 'later', {});
  await applyFieldExport('later-id', {
    from: fileSystemSource('later', '.status.fileSystemID'),
    to: { kind: 'configmap', name: 'created-later' },
  });
  await applyFieldExport('bucket-name', {
    from: { resource: { group: 's3.services.k8s.aws', kind: 'Bucket', name: 'b' }, path: '.status.location' },
    to: { kind: 'configmap', name: 'created-later' },
  });
  await eventually('the FieldExport to wait for its ConfigMap', async () => {
    const recoverable = conditionOf(await getFieldExport('later-id'), ConditionType.recoverable);
    return recoverable?.status === 'True' && recoverable.message.includes('does not exist; create it');
  });
  await core.createNamespacedConfigMap({ namespace: ctx.namespace, body: { metadata: { name: 'created-later' } } });
  const id = (await waitForCondition(ctx, 'later', ConditionType.synced, 'True')).status?.fileSystemID as string;
  await valueBecomes('the id in the ConfigMap', () => configMapValue('created-later', `${ctx.namespace}.later-id`), id);
  // The s3 export is another controller's: no status from us, nothing written.
  expect((await getFieldExport('bucket-name')).status).toBeUndefined();
  expect(await configMapValue('created-later', `${ctx.namespace}.bucket-name`)).toBeUndefined();
});
