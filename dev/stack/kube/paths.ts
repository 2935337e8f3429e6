import * as path from 'node:path';

export interface KubePaths {
  /** Everything the Kubernetes API keeps between runs: credentials, etcd data, process records. */
  kubeDir: string;
  etcdDataDir: string;
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  serviceAccountKey: string;
  tokenFile: string;
  kubeconfig: string;
  /** Pids of the running processes and of the stack process that owns them (see restartStackApiServer). */
  processesFile: string;
  /** Restart requests from other processes (see restartStackApiServer). */
  controlDir: string;
}

export function kubePaths(stackDir: string): KubePaths {
  const kubeDir = path.join(stackDir, 'kube');
  const pki = path.join(kubeDir, 'pki');
  return {
    kubeDir,
    etcdDataDir: path.join(kubeDir, 'etcd'),
    caCert: path.join(pki, 'ca.crt'),
    caKey: path.join(pki, 'ca.key'),
    servingCert: path.join(pki, 'apiserver.crt'),
    servingKey: path.join(pki, 'apiserver.key'),
    serviceAccountKey: path.join(pki, 'sa.key'),
    tokenFile: path.join(kubeDir, 'tokens.csv'),
    kubeconfig: path.join(stackDir, 'kubeconfig'),
    processesFile: path.join(kubeDir, 'processes.json'),
    controlDir: path.join(kubeDir, 'control'),
  };
}
