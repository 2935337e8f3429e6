import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KubeConfig, V1CustomResourceDefinition } from '@kubernetes/client-node' with {
  'resolution-mode': 'import',
};
import * as YAML from 'yaml';
import { type Logger } from '../../../src/shared/log';
import { repoRoot } from '../../../src/shared/paths';
import { waitFor } from '../process';

// client-node 1.x is an ES module; Node 20.19+ loads it with require(), which keeps this file CommonJS.
const k8s = require('@kubernetes/client-node') as typeof import('@kubernetes/client-node', {
  with: { 'resolution-mode': 'import' },
});

/** The project's CustomResourceDefinitions, installed on every start. */
export const defaultCrdDir = path.join(repoRoot, 'config', 'crd');
const fieldManager = 'efs-orchestrator-dev-stack';

export interface InstallCrdsOptions {
  log?: Logger;
  /** How long each CRD may take to become Established. */
  timeoutMs?: number;
}

/**
 * Server-side applies every CustomResourceDefinition found in the `*.yaml`/`*.yml` files of `dir`
 * (several documents per file allowed; a kustomization file beside them is not a CRD and is skipped), then waits until each is Established and NamesAccepted.
 * Returns the CRD names in file order.
 */
export async function installCrds(kc: KubeConfig, dir: string, options: InstallCrdsOptions = {}): Promise<string[]> {
  if (!fs.existsSync(dir)) throw new Error(`the CRD directory ${dir} does not exist`);
  const files = fs
    .readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name) && !/^kustomization\.ya?ml$/.test(name))
    .sort();
  const crds: { file: string; body: V1CustomResourceDefinition }[] = [];
  for (const name of files) {
    const file = path.join(dir, name);
    for (const document of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]?.message}`);
      const body = document.toJS() as V1CustomResourceDefinition | null;
      if (body == null) continue;
      if (body.kind !== 'CustomResourceDefinition' || !body.metadata?.name) {
        throw new Error(
          `${file}: expected only CustomResourceDefinitions with a metadata.name, found kind ${body.kind}`,
        );
      }
      crds.push({ file, body });
    }
  }
  const api = kc.makeApiClient(k8s.ApiextensionsV1Api);
  const applyContentType = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply);
  for (const { file, body } of crds) {
    const name = body.metadata?.name ?? '';
    try {
      await api.patchCustomResourceDefinition({ name, body, fieldManager, force: true }, applyContentType);
    } catch (err) {
      throw new Error(`applying the CRD ${name} from ${file} failed: ${describeApiError(err)}`);
    }
    options.log?.info('CRD applied', { crd: name, file });
  }
  for (const { body } of crds) {
    const name = body.metadata?.name ?? '';
    let conditions: { type: string; status: string; reason?: string; message?: string }[] = [];
    try {
      await waitFor(
        `the CRD ${name} to be Established and NamesAccepted`,
        async () => {
          const current = await api.readCustomResourceDefinition({ name });
          conditions = current.status?.conditions ?? [];
          const isTrue = (type: string): boolean => conditions.some((c) => c.type === type && c.status === 'True');
          return isTrue('Established') && isTrue('NamesAccepted');
        },
        { timeoutMs: options.timeoutMs ?? 60_000, intervalMs: 200 },
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}; its conditions: ${JSON.stringify(conditions)}`);
    }
  }
  return crds.map(({ body }) => body.metadata?.name ?? '');
}

function describeApiError(err: unknown): string {
  const apiError = err as { code?: number; body?: unknown };
  if (typeof apiError.code === 'number' && typeof apiError.body === 'string') {
    try {
      return `HTTP ${apiError.code}: ${(JSON.parse(apiError.body) as { message?: string }).message}`;
    } catch {
      return `HTTP ${apiError.code}: ${apiError.body}`;
    }
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * Waits until a watch of each named CRD's resources is served. kube-apiserver builds a custom
 * resource's storage and watch cache on the first request for it, and until that cache has loaded
 * it answers lists and watches with 429 "storage is (re)initializing" - after /readyz says ok, and
 * again after every restart. Without this wait every watcher's first watch fails at each start.
 */
export async function waitUntilWatchable(kc: KubeConfig, names: string[], options: { timeoutMs?: number } = {}) {
  const api = kc.makeApiClient(k8s.ApiextensionsV1Api);
  await Promise.all(
    names.map(async (name) => {
      const crd = await api.readCustomResourceDefinition({ name });
      const version = crd.spec.versions.find((v) => v.storage)?.name ?? crd.spec.versions[0]?.name;
      const resources = `/apis/${crd.spec.group}/${version}/${crd.spec.names.plural}`;
      await waitFor(`a watch of ${resources} to be served`, () => watchIsServed(kc, resources), {
        timeoutMs: options.timeoutMs ?? 60_000,
        intervalMs: 200,
      });
    }),
  );
}

/** Opens a watch and closes it at once: true when the server accepted it (200), false on 429. */
async function watchIsServed(kc: KubeConfig, resources: string): Promise<boolean> {
  let failure: (Error & { statusCode?: number }) | undefined;
  let answered = false;
  const controller = await new k8s.Watch(kc).watch(
    resources,
    { timeoutSeconds: 1 },
    () => undefined,
    (err: unknown) => {
      if (!answered) failure = err instanceof Error ? err : new Error(String(err ?? 'the watch ended at once'));
    },
  );
  answered = true;
  controller.abort();
  if (failure?.statusCode === 429) return false;
  if (failure) throw failure;
  return true;
}
