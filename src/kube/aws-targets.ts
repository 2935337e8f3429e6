import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';

/** ACK's name for the ConfigMap that maps AWS account ids to the role to assume in each. */
export const roleAccountMapName = 'ack-role-account-map';

/** What the orchestrator reads of Kubernetes to know where an object's resource lives. */
export interface AwsTargetReader {
  /** The namespace's annotations (empty for a namespace that does not exist). */
  namespaceAnnotations(namespace: string): Promise<Record<string, string>>;
  /** The role-account map (account id -> role ARN); empty while the ConfigMap does not exist. */
  roleAccountMap(): Promise<Record<string, string>>;
  /** How messages name the ConfigMap: "<namespace>/ack-role-account-map". */
  readonly roleAccountMapRef: string;
}

/**
 * Reads namespaces and the role-account map, each answer kept for `ttlMs`: an annotation or a
 * mapping added later is seen within that time, without a restart, and a burst of activities
 * costs one read. Failed reads are not kept.
 */
export function awsTargetReader(
  kc: KubeConfig,
  roleAccountMapNamespace: string,
  ttlMs = 5_000,
  now: () => number = Date.now,
): AwsTargetReader {
  const core = kc.makeApiClient(CoreV1Api);
  const cache = new Map<string, { at: number; value: Promise<Record<string, string>> }>();
  const cached = (key: string, read: () => Promise<Record<string, string>>): Promise<Record<string, string>> => {
    const hit = cache.get(key);
    if (hit && now() - hit.at < ttlMs) return hit.value;
    const value = read();
    const entry = { at: now(), value };
    cache.set(key, entry);
    value.catch(() => {
      if (cache.get(key) === entry) cache.delete(key);
    });
    return value;
  };
  const notFoundAsEmpty = (err: unknown): Record<string, string> => {
    if ((err as { code?: unknown }).code === 404) return {};
    throw err;
  };
  return {
    roleAccountMapRef: `${roleAccountMapNamespace}/${roleAccountMapName}`,
    namespaceAnnotations: (namespace) =>
      cached(`namespace/${namespace}`, async () =>
        core
          .readNamespace({ name: namespace })
          .then((ns) => ns.metadata?.annotations ?? {})
          .catch(notFoundAsEmpty),
      ),
    roleAccountMap: () =>
      cached('role-account-map', async () =>
        core
          .readNamespacedConfigMap({ name: roleAccountMapName, namespace: roleAccountMapNamespace })
          .then((cm) => cm.data ?? {})
          .catch(notFoundAsEmpty),
      ),
  };
}
