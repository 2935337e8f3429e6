/**
 * The local stack's loopback ports. Defaults sit away from each other and from the well-known
 * ports of real services (etcd's 2379, kube-apiserver's 6443) so the stack can run beside them.
 * Each can be changed by an environment variable of the same name.
 */
export interface StackPorts {
  TEMPORAL_PORT: number;
  TEMPORAL_UI_PORT: number;
  TEMPORAL_HTTP_PORT: number;
  TEMPORAL_METRICS_PORT: number;
  ETCD_PORT: number;
  ETCD_PEER_PORT: number;
  KUBE_APISERVER_PORT: number;
  EFS_EMULATOR_PORT: number;
  ORCHESTRATOR_METRICS_PORT: number;
  ORCHESTRATOR_SDK_METRICS_PORT: number;
}

export const defaultPorts: StackPorts = {
  TEMPORAL_PORT: 7233,
  TEMPORAL_UI_PORT: 8233,
  TEMPORAL_HTTP_PORT: 7243,
  TEMPORAL_METRICS_PORT: 7239,
  ETCD_PORT: 12379,
  ETCD_PEER_PORT: 12380,
  KUBE_APISERVER_PORT: 16443,
  EFS_EMULATOR_PORT: 18080,
  ORCHESTRATOR_METRICS_PORT: 9464,
  ORCHESTRATOR_SDK_METRICS_PORT: 9465,
};

export function resolvePorts(env: NodeJS.ProcessEnv = process.env): StackPorts {
  const ports = { ...defaultPorts };
  for (const key of Object.keys(ports) as (keyof StackPorts)[]) {
    const raw = env[key];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1 || value > 65535)
      throw new Error(`$${key}="${raw}" is not a TCP port (1-65535)`);
    ports[key] = value;
  }
  const seen = new Map<number, string>();
  for (const [key, value] of Object.entries(ports)) {
    const other = seen.get(value);
    if (other) throw new Error(`$${key} and $${other} are both ${value}: each stack port must be different`);
    seen.set(value, key);
  }
  return ports;
}
