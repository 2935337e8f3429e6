import * as fs from 'node:fs';
import * as path from 'node:path';
import { CoreV1Api, StorageV1Api } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { ConditionType, groupVersionOf } from '../../src/api/filesystem';
import { kindInfo } from '../../src/api/kinds';
import { storageAnnotations, storageClassCondition } from '../../src/api/storage-class';
import { repoRoot } from '../../src/shared/paths';
import { createE2eContext, deleteObject, waitForGone, waitForObjectCondition, type E2eContext } from './harness';

/**
 * The samples, applied unchanged to the dev stack, are handled by the stack's own orchestrator
 * (they carry no test-run label): every object ends in ACK.ResourceSynced=True with no other step,
 * and deleting them all at once cleans up in the right order by itself.
 */
jest.setTimeout(300_000);

const samplesDir = path.join(repoRoot, 'config', 'samples');
const samples = fs
  .readdirSync(samplesDir)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) =>
    parseAllDocuments(fs.readFileSync(path.join(samplesDir, f), 'utf8')).map(
      (d) =>
        d.toJS() as { kind: string; metadata: { name: string; annotations?: Record<string, string> }; spec: unknown },
    ),
  );

let ctx: E2eContext;
afterAll(() => ctx?.close());

test('every sample applies unchanged and syncs, then all of them delete together', async () => {
  expect(samples.map((s) => s.kind).sort()).toEqual([
    'AccessPoint',
    'ConfigMap',
    'FieldExport',
    'FileSystem',
    'FileSystem',
    'FileSystem',
    'MountTarget',
  ]);
  // The StorageClass sample's class is cluster-scoped: this run publishes it under a name of its own.
  const published = samples.find((s) => s.metadata.annotations?.[storageAnnotations.storageClass]);
  expect(published).toBeDefined();
  ctx = await createE2eContext('samples');
  const className = `efs-shared-${ctx.runId}`;
  if (published?.metadata.annotations) published.metadata.annotations[storageAnnotations.storageClass] = className;
  const core = ctx.kc.makeApiClient(CoreV1Api);
  // The ConfigMap a FieldExport writes into is the user's, applied with the samples.
  const configMaps = samples.filter((s) => s.kind === 'ConfigMap');
  const objects = samples.filter((s) => s.kind !== 'ConfigMap');
  for (const configMap of configMaps) {
    await core.createNamespacedConfigMap({
      namespace: ctx.namespace,
      body: { ...configMap, metadata: { ...configMap.metadata, namespace: ctx.namespace } },
    });
  }
  for (const sample of objects) {
    const { group, version } = groupVersionOf(kindInfo(sample.kind).names);
    await ctx.fileSystems.api.createNamespacedCustomObject({
      group,
      version,
      namespace: ctx.namespace,
      plural: kindInfo(sample.kind).names.plural,
      body: { ...sample, metadata: { ...sample.metadata, namespace: ctx.namespace } },
    });
  }
  for (const sample of objects)
    await waitForObjectCondition(ctx, sample.kind, sample.metadata.name, ConditionType.synced, 'True', 180_000);
  await waitForObjectCondition(
    ctx,
    'FileSystem',
    published?.metadata.name ?? '',
    storageClassCondition,
    'True',
    180_000,
  );
  const storage = ctx.kc.makeApiClient(StorageV1Api);
  expect((await storage.readStorageClass({ name: className })).provisioner).toBe('efs.csi.aws.com');
  const exported = await core.readNamespacedConfigMap({ name: 'sample-efs', namespace: ctx.namespace });
  expect(exported.data?.FILE_SYSTEM_ID).toMatch(/^fs-/);
  for (const sample of objects) await deleteObject(ctx, sample.kind, sample.metadata.name);
  for (const sample of objects) await waitForGone(ctx, sample.kind, sample.metadata.name, 180_000);
  await expect(storage.readStorageClass({ name: className })).rejects.toMatchObject({ code: 404 });
  const events = await ctx.kc.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: ctx.namespace });
  expect(events.items.map((e) => e.reason)).toContain('Synced');
});
