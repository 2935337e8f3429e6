import * as fs from 'node:fs';

const serviceAccountNamespaceFile = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** The namespace of the pod this process runs in (from its service account), or undefined outside a cluster. */
export function podNamespace(): string | undefined {
  try {
    return fs.readFileSync(serviceAccountNamespaceFile, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
