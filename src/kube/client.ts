import { CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { groupVersionOf, type KindNames } from '../api/filesystem';
import { type KubeObject } from '../api/object';

/**
 * The orchestrator's view of the Kubernetes API: typed reads and merge patches of its own
 * objects. Errors are client-node's ApiException, classified by src/domain/errors.ts.
 */
export interface ObjectRef {
  namespace: string;
  name: string;
  uid: string;
}

export function loadKubeConfig(kubeconfigPath?: string): KubeConfig {
  const kc = new KubeConfig();
  if (kubeconfigPath) kc.loadFromFile(kubeconfigPath);
  else kc.loadFromDefault();
  return kc;
}

export const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export class KindClient<T extends KubeObject = KubeObject> {
  readonly api: CustomObjectsApi;

  constructor(
    readonly kc: KubeConfig,
    readonly names: KindNames,
  ) {
    this.api = kc.makeApiClient(CustomObjectsApi);
  }

  private coordinates(namespace: string): { group: string; version: string; namespace: string; plural: string } {
    const { group, version } = groupVersionOf(this.names);
    return { group, version, namespace, plural: this.names.plural };
  }

  /** The object, or undefined when it is gone or a newer incarnation (another uid) has taken its name. */
  async get(ref: ObjectRef): Promise<T | undefined> {
    const obj = await this.getByName(ref.namespace, ref.name);
    return obj?.metadata.uid === ref.uid ? obj : undefined;
  }

  /** The object of that name, whichever incarnation it is, or undefined when there is none. */
  async getByName(namespace: string, name: string): Promise<T | undefined> {
    try {
      return (await this.api.getNamespacedCustomObject({ ...this.coordinates(namespace), name })) as T;
    } catch (err) {
      if ((err as { code?: unknown }).code === 404) return undefined;
      throw err;
    }
  }

  async list(namespace?: string, labelSelector?: string): Promise<{ items: T[]; resourceVersion: string }> {
    const body = (
      namespace
        ? await this.api.listNamespacedCustomObject({ ...this.coordinates(namespace), labelSelector })
        : await this.api.listCustomObjectForAllNamespaces({
            ...groupVersionOf(this.names),
            plural: this.names.plural,
            labelSelector,
          })
    ) as { items: T[]; metadata: { resourceVersion: string } };
    return { items: body.items, resourceVersion: body.metadata.resourceVersion };
  }

  /** Merge patch of metadata (finalizers), guarded by resourceVersion: a concurrent change gives 409. */
  async patchMetadata(obj: T, metadata: Record<string, unknown>): Promise<T> {
    return (await this.api.patchNamespacedCustomObject(
      {
        ...this.coordinates(obj.metadata.namespace),
        name: obj.metadata.name,
        body: { metadata: { ...metadata, resourceVersion: obj.metadata.resourceVersion, uid: obj.metadata.uid } },
      },
      mergePatch,
    )) as T;
  }

  /** Merge patch of the status subresource, guarded by resourceVersion. */
  async patchStatus(obj: T, status: Record<string, unknown>): Promise<T> {
    return (await this.api.patchNamespacedCustomObjectStatus(
      {
        ...this.coordinates(obj.metadata.namespace),
        name: obj.metadata.name,
        body: { metadata: { resourceVersion: obj.metadata.resourceVersion, uid: obj.metadata.uid }, status },
      },
      mergePatch,
    )) as T;
  }
}
