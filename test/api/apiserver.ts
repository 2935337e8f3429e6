import { randomBytes } from 'node:crypto';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { testRunLabel } from '../../dev/stack/orchestrator';
import { installCrds } from '../../dev/stack/kube/crds';
import { crdDir } from '../../src/api/generate-crds';
import { apiVersion, group, version } from '../../src/api/filesystem';
import { kindInfo, type KindName } from '../../src/api/kinds';
import { loadKubeConfig, mergePatch } from '../../src/kube/client';
import { stackEnv } from '../support/stack-env';

/**
 * The shared stack's real API server with this checkout's CRDs (applied again, so a stack started
 * from an older checkout validates with the current rules), and a namespace of the test's own. The
 * objects carry the test-run label, so the dev stack's own watcher leaves them alone.
 */
export interface ApiServer {
  kc: KubeConfig;
  api: CustomObjectsApi;
  namespace: string;
  runId: string;
}

export async function connectApiServer(name: string): Promise<ApiServer> {
  const kc = loadKubeConfig(stackEnv().KUBECONFIG);
  await installCrds(kc, crdDir);
  const runId = `${name}-${randomBytes(3).toString('hex')}`;
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: runId } } });
  return { kc, api: kc.makeApiClient(CustomObjectsApi), namespace: runId, runId };
}

export function manifest(server: ApiServer, kind: KindName, name: string, spec: unknown): Record<string, unknown> {
  return {
    apiVersion,
    kind,
    metadata: { name, namespace: server.namespace, labels: { [testRunLabel]: server.runId } },
    ...(spec === undefined ? {} : { spec }),
  };
}

const target = (server: ApiServer, kind: KindName) => ({
  group,
  version,
  namespace: server.namespace,
  plural: kindInfo(kind).names.plural,
});

/** The API server's answer to a refused write: HTTP status and the Status message. */
export interface Refusal {
  code: number;
  message: string;
}

async function refusalOf(write: Promise<unknown>): Promise<Refusal | undefined> {
  try {
    await write;
    return undefined;
  } catch (err) {
    const { code, body } = err as { code?: number; body?: string };
    if (code === undefined) throw err;
    let message = body ?? '';
    try {
      message = (JSON.parse(message) as { message?: string }).message ?? message;
    } catch {
      // Not a Status object: keep the raw body.
    }
    return { code, message };
  }
}

/** A server-side dry-run create: every admission step and schema rule runs, nothing is stored. */
export function dryRunCreate(server: ApiServer, kind: KindName, spec: unknown): Promise<Refusal | undefined> {
  const name = `dry-${randomBytes(4).toString('hex')}`;
  return refusalOf(
    server.api.createNamespacedCustomObject({
      ...target(server, kind),
      body: manifest(server, kind, name, spec),
      dryRun: 'All',
    }),
  );
}

export function create(server: ApiServer, kind: KindName, name: string, spec: unknown): Promise<Refusal | undefined> {
  return refusalOf(
    server.api.createNamespacedCustomObject({ ...target(server, kind), body: manifest(server, kind, name, spec) }),
  );
}

export function patchSpec(
  server: ApiServer,
  kind: KindName,
  name: string,
  spec: unknown,
): Promise<Refusal | undefined> {
  return refusalOf(
    server.api.patchNamespacedCustomObject({ ...target(server, kind), name, body: { spec } }, mergePatch),
  );
}

export function patchStatus(
  server: ApiServer,
  kind: KindName,
  name: string,
  status: Record<string, unknown>,
): Promise<Refusal | undefined> {
  return refusalOf(
    server.api.patchNamespacedCustomObjectStatus({ ...target(server, kind), name, body: { status } }, mergePatch),
  );
}
