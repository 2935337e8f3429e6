import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { crdNameOf, type ReferencedKind } from '../api/references';
import { TerminalError } from '../domain/errors';

/**
 * Reads an object of another ACK controller's kind by name. Undefined when there is no such
 * object; a TerminalError naming the CRD when the kind itself is not installed (the API server
 * answers 404 without naming an object: it does not know the resource).
 */
export async function readReferencedObject(
  kc: KubeConfig,
  target: ReferencedKind,
  namespace: string,
  name: string,
): Promise<unknown> {
  try {
    return await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
      group: target.group,
      version: target.version,
      plural: target.plural,
      namespace,
      name,
    });
  } catch (err) {
    if ((err as { code?: unknown }).code !== 404) throw err;
    if (namesAnObject((err as { body?: unknown }).body)) return undefined;
    throw new TerminalError(
      'ReferencedKindNotInstalled',
      `the ${target.kind} kind (${target.group}/${target.version}) is not installed in this cluster: install the ` +
        `CustomResourceDefinition ${crdNameOf(target)} (it comes with ACK's ${target.controller} controller), then ` +
        `request a resync or change this object`,
    );
  }
}

/** A 404 for a missing object carries its name in the Status details; one for an unknown resource does not. */
function namesAnObject(body: unknown): boolean {
  let status: unknown = body;
  if (typeof body === 'string') {
    try {
      status = JSON.parse(body);
    } catch {
      return false;
    }
  }
  const details = (status as { details?: { name?: unknown } } | undefined)?.details;
  return typeof details?.name === 'string' && details.name !== '';
}
