import { parsers, type Setting } from '../shared/config';

/** How the orchestrator and the CLI find the Kubernetes API. */
const setting = <T>(s: Setting<T>): Setting<T> => s;

export const kubeSettings = {
  kubeconfig: setting({
    flag: 'kubeconfig',
    env: 'KUBECONFIG',
    default: '',
    description: 'kubeconfig file (empty: in-cluster or ~/.kube/config)',
    parse: parsers.string,
  }),
};
