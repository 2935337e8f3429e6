import * as fs from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import * as YAML from 'yaml';
import { kubePaths, type KubePaths } from './paths';

// client-node 1.x is an ES module; Node 20.19+ loads it with require(), which keeps this file CommonJS.
const k8s = require('@kubernetes/client-node') as typeof import('@kubernetes/client-node', {
  with: { 'resolution-mode': 'import' },
});

/** Name of the cluster, user prefix and context in the stack's kubeconfig. */
export const kubeContextName = 'efs-orchestrator-dev';

/** Writes a kubeconfig with one cluster (CA embedded), a token user and the context `efs-orchestrator-dev`. */
export function writeKubeconfig(paths: KubePaths, server: string, token: string): void {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: kubeContextName,
        cluster: { server, 'certificate-authority-data': fs.readFileSync(paths.caCert).toString('base64') },
      },
    ],
    users: [{ name: `${kubeContextName}-admin`, user: { token } }],
    contexts: [
      {
        name: kubeContextName,
        context: { cluster: kubeContextName, user: `${kubeContextName}-admin`, namespace: 'default' },
      },
    ],
    'current-context': kubeContextName,
    preferences: {},
  };
  const temporary = `${paths.kubeconfig}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, YAML.stringify(config), { mode: 0o600 });
  fs.renameSync(temporary, paths.kubeconfig);
}

/** The stack's kubeconfig (`<stackDir>/kubeconfig`) as a client-node KubeConfig. */
export function loadStackKubeConfig(stackDir: string): KubeConfig {
  const file = kubePaths(stackDir).kubeconfig;
  if (!fs.existsSync(file)) {
    throw new Error(`no kubeconfig at ${file}: start the local stack first (npm run stack -- up)`);
  }
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(file);
  return kc;
}
