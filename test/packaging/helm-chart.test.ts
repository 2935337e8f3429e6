/**
 * The Helm chart rendered by a real helm (pinned, built once: see helm.ts): `helm lint --strict`
 * passes, and `helm template` yields the objects the orchestrator needs for each way of reaching
 * Temporal and AWS. Installing it needs a cluster with nodes, which this machine cannot run.
 */
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { metricsSettings } from '../../src/metrics/settings';
import { defaultLeaseName } from '../../src/watcher/leader';
import { ensureHelm, helm } from './helm';
import {
  all,
  assertOrchestratorEnvironment,
  chartDir,
  containerPorts,
  expectedLeasePermissions,
  expectedObjectPermissions,
  expectedRoleAccountMapPermissions,
  expectedStoragePermissions,
  field,
  find,
  generatedCrds,
  packageVersion,
  parseObjects,
  permissionsOf,
  type K8sObject,
} from './manifests';

const release = 'efs';
const namespace = 'efs-system';

function render(values: Record<string, string> = {}, extra: string[] = []): K8sObject[] {
  const set = Object.entries(values).flatMap(([key, value]) => ['--set-string', `${key}=${value}`]);
  const out = helm(['template', release, chartDir, '--namespace', namespace, '--include-crds', ...set, ...extra]);
  if (!out.ok) throw new Error(`helm template failed: ${out.stderr}`);
  return parseObjects(out.stdout);
}

function renderError(values: Record<string, string>): string {
  const set = Object.entries(values).flatMap(([key, value]) => ['--set-string', `${key}=${value}`]);
  const out = helm(['template', release, chartDir, '--namespace', namespace, ...set]);
  if (out.ok) throw new Error(`helm template accepted ${JSON.stringify(values)}`);
  return out.stderr;
}

interface Container {
  image: string;
  args: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
  securityContext: Record<string, unknown>;
}

const container = (objects: K8sObject[]): Container =>
  field<Container>(find(objects, 'Deployment'), 'spec.template.spec.containers.0');
const configData = (objects: K8sObject[]): Record<string, string> =>
  find(objects, 'ConfigMap').data as Record<string, string>;
const volumes = (objects: K8sObject[]): { name: string; secret?: { secretName: string } }[] =>
  field(find(objects, 'Deployment'), 'spec.template.spec.volumes');

beforeAll(() => {
  ensureHelm();
}, 15 * 60_000);

describe('the Helm chart', () => {
  it('passes helm lint --strict, and its schema rejects a bad value', () => {
    const lint = helm(['lint', '--strict', chartDir]);
    expect(lint.ok ? '' : lint.stderr).toBe('');
    expect(renderError({ logLevel: 'verbose' })).toMatch(/logLevel/);
    expect(renderError({ 'aws.credentials.source': 'magic' })).toMatch(/source/);
  });

  it('by default: the CRDs, least-privilege RBAC, and two hardened replicas of `run` with plain settings', () => {
    const objects = render();
    // --include-crds puts crds/ into the output unchanged.
    expect(
      all(objects, 'CustomResourceDefinition')
        .map((c) => c.metadata.name)
        .sort(),
    ).toEqual(
      generatedCrds()
        .map((c) => c.name)
        .sort(),
    );
    expect(permissionsOf(find(objects, 'ClusterRole'))).toEqual(expectedObjectPermissions());
    const [leaseRole, mapRole] = all(objects, 'Role');
    expect(all(objects, 'Role')).toHaveLength(2);
    expect(leaseRole?.metadata.namespace).toBe(namespace);
    expect(permissionsOf(leaseRole as K8sObject)).toEqual(expectedLeasePermissions(defaultLeaseName));
    expect(mapRole?.metadata.namespace).toBe(namespace);
    expect(permissionsOf(mapRole as K8sObject)).toEqual(expectedRoleAccountMapPermissions());
    expect(configData(objects).ROLE_ACCOUNT_MAP_NAMESPACE).toBe(namespace);
    const serviceAccount = find(objects, 'ServiceAccount');
    expect(serviceAccount.metadata.annotations).toBeUndefined();
    for (const binding of [find(objects, 'ClusterRoleBinding'), ...all(objects, 'RoleBinding')]) {
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: serviceAccount.metadata.name, namespace }]);
    }

    const deployment = find(objects, 'Deployment');
    expect(field(deployment, 'spec.replicas')).toBe(2);
    expect(field(deployment, 'spec.template.spec.serviceAccountName')).toBe(serviceAccount.metadata.name);
    const main = container(objects);
    expect(main.image).toBe(`efs-orchestrator:${packageVersion}`);
    expect(main.args).toEqual(['run']);
    expect(main.env).toBeUndefined();
    expect(main.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(field(deployment, 'spec.template.spec.securityContext.runAsNonRoot')).toBe(true);
    expect(volumes(objects).map((v) => v.name)).toEqual(['tmp']);

    const data = configData(objects);
    assertOrchestratorEnvironment(data);
    expect(data).toMatchObject({
      TEMPORAL_ADDRESS: 'temporal-frontend.temporal.svc.cluster.local:7233',
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TLS: 'false',
      AWS_REGION: 'us-east-1',
      WATCH_NAMESPACE: '',
      LEADER_ELECTION_ID: defaultLeaseName,
      LEADER_ELECTION_NAMESPACE: namespace,
      METRICS_HOST: '0.0.0.0',
      METRICS_PORT: String(metricsSettings.metricsPort.default),
    });
    expect(containerPorts(deployment)).toEqual({ metrics: 9464, 'sdk-metrics': 9465 });
    expect(field(find(objects, 'PodDisruptionBudget'), 'spec.minAvailable')).toBe(1);
    expect(all(objects, 'ServiceMonitor')).toEqual([]);
  });

  it('mutual TLS to a self-hosted Temporal: the Secret mounted read-only, the settings pointing into it', () => {
    const objects = render({
      'temporal.address': 'temporal.example.internal:7233',
      'temporal.tls.secretName': 'temporal-client',
      'temporal.tls.caKey': 'ca.crt',
      'temporal.tls.certKey': 'tls.crt',
      'temporal.tls.keyKey': 'tls.key',
      'temporal.tls.serverName': 'frontend.temporal',
    });
    const data = configData(objects);
    assertOrchestratorEnvironment(data);
    const mount = container(objects).volumeMounts.find((m) => m.name === 'temporal-tls');
    expect(mount?.readOnly).toBe(true);
    expect(volumes(objects)).toContainEqual({ name: 'temporal-tls', secret: { secretName: 'temporal-client' } });
    expect(data).toMatchObject({
      TEMPORAL_ADDRESS: 'temporal.example.internal:7233',
      TEMPORAL_TLS: 'true',
      TEMPORAL_TLS_SERVER_NAME: 'frontend.temporal',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.posix.join(mount?.mountPath ?? '?', 'ca.crt'),
      TEMPORAL_TLS_CLIENT_CERT_PATH: path.posix.join(mount?.mountPath ?? '?', 'tls.crt'),
      TEMPORAL_TLS_CLIENT_KEY_PATH: path.posix.join(mount?.mountPath ?? '?', 'tls.key'),
    });
  });

  it('Temporal Cloud with an API key: read from a mounted Secret file, never an env variable', () => {
    const objects = render({
      'temporal.address': 'ns.acct.tmprl.cloud:7233',
      'temporal.namespace': 'ns.acct',
      'temporal.apiKey.secretName': 'temporal-cloud',
      'temporal.apiKey.key': 'key',
    });
    const data = configData(objects);
    assertOrchestratorEnvironment(data);
    const mount = container(objects).volumeMounts.find((m) => m.name === 'temporal-api-key');
    expect(mount?.readOnly).toBe(true);
    expect(volumes(objects)).toContainEqual({ name: 'temporal-api-key', secret: { secretName: 'temporal-cloud' } });
    expect(data.TEMPORAL_API_KEY_FILE).toBe(path.posix.join(mount?.mountPath ?? '?', 'key'));
    expect(data.TEMPORAL_TLS).toBe('true');
    expect(Object.keys(data)).not.toContain('TEMPORAL_API_KEY');
    expect(container(objects).env).toBeUndefined();
  });

  it('AWS credentials: IRSA annotates the ServiceAccount; static keys come from a Secret; IRSA needs a role', () => {
    const roleArn = 'arn:aws:iam::123456789012:role/efs-orchestrator';
    const irsa = render({
      'aws.credentials.source': 'irsa',
      'aws.credentials.roleArn': roleArn,
      'aws.region': 'eu-west-1',
    });
    expect(find(irsa, 'ServiceAccount').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': roleArn });
    expect(configData(irsa).AWS_REGION).toBe('eu-west-1');
    expect(container(irsa).env).toBeUndefined();

    const keys = render({ 'aws.credentials.source': 'secret', 'aws.credentials.secretName': 'aws-keys' });
    expect(container(keys).env).toEqual([
      { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'aws-keys', key: 'AWS_ACCESS_KEY_ID' } } },
      {
        name: 'AWS_SECRET_ACCESS_KEY',
        valueFrom: { secretKeyRef: { name: 'aws-keys', key: 'AWS_SECRET_ACCESS_KEY' } },
      },
    ]);
    expect(find(keys, 'ServiceAccount').metadata.annotations).toBeUndefined();

    expect(renderError({ 'aws.credentials.source': 'irsa' })).toMatch(/aws\.credentials\.roleArn is required/);
    expect(renderError({ 'aws.credentials.source': 'secret' })).toMatch(/aws\.credentials\.secretName is required/);
  });

  it('a single watched namespace: namespaced RBAC there, the Lease beside it, cluster-wide only StorageClasses and PersistentVolume reads', () => {
    const objects = render({ 'watch.namespace': 'team-a', 'watch.labelSelector': 'team=a', logLevel: 'debug' });
    // StorageClasses and PersistentVolumes are cluster-scoped: a Role cannot grant them.
    const clusterRoles = all(objects, 'ClusterRole');
    expect(clusterRoles).toHaveLength(1);
    const storageRole = clusterRoles[0] as K8sObject;
    expect(storageRole.metadata.name).toMatch(/-storage$/);
    expect(permissionsOf(storageRole)).toEqual(expectedStoragePermissions());
    expect(all(objects, 'ClusterRoleBinding').map((b) => b.roleRef)).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: storageRole.metadata.name },
    ]);
    const roles = all(objects, 'Role');
    // The role-account map stays in the release's own namespace.
    expect(roles.map((r) => r.metadata.namespace)).toEqual(['team-a', 'team-a', namespace]);
    const permissions = roles.flatMap(permissionsOf).sort();
    expect(permissions).toEqual(
      [
        ...expectedObjectPermissions(undefined, 'namespaced-only'),
        ...expectedLeasePermissions(defaultLeaseName),
        ...expectedRoleAccountMapPermissions(),
      ].sort(),
    );
    expect(all(objects, 'RoleBinding').map((b) => b.metadata.namespace)).toEqual(['team-a', 'team-a', namespace]);
    const data = configData(objects);
    assertOrchestratorEnvironment(data);
    expect(data).toMatchObject({
      WATCH_NAMESPACE: 'team-a',
      WATCH_LABEL_SELECTOR: 'team=a',
      LEADER_ELECTION_NAMESPACE: 'team-a',
      LOG_LEVEL: 'debug',
    });
  });

  it('metrics: a ServiceMonitor on request, a custom port everywhere, or no endpoints at all', () => {
    const monitored = render({ 'metrics.serviceMonitor.labels.release': 'prom' }, [
      '--set',
      'metrics.port=9500,metrics.serviceMonitor.enabled=true',
    ]);
    const monitor = find(monitored, 'ServiceMonitor');
    expect(monitor.metadata.labels).toMatchObject({ release: 'prom' });
    expect(field<{ port: string }[]>(monitor, 'spec.endpoints').map((e) => e.port)).toEqual(['metrics', 'sdk-metrics']);
    const selector = {
      'app.kubernetes.io/name': 'efs-orchestrator',
      'app.kubernetes.io/instance': release,
      'app.kubernetes.io/component': 'metrics',
    };
    expect(field(monitor, 'spec.selector.matchLabels')).toEqual(selector);
    expect(find(monitored, 'Service').metadata.labels).toMatchObject(selector);
    expect(configData(monitored).METRICS_PORT).toBe('9500');
    expect(containerPorts(find(monitored, 'Deployment')).metrics).toBe(9500);

    const silent = render({}, ['--set', 'metrics.enabled=false']);
    assertOrchestratorEnvironment(configData(silent));
    expect(configData(silent)).toMatchObject({ METRICS_PORT: '0', TEMPORAL_METRICS_BIND: 'off' });
    expect(all(silent, 'Service')).toEqual([]);
    expect(containerPorts(find(silent, 'Deployment'))).toEqual({});
  });

  it('one replica drops the disruption budget, which would block every node drain', () => {
    const single = render({}, ['--set', 'replicaCount=1']);
    expect(field(find(single, 'Deployment'), 'spec.replicas')).toBe(1);
    expect(all(single, 'PodDisruptionBudget')).toEqual([]);
  });

  it('has values.yaml defaults that match the orchestrator’s own', () => {
    const shown = helm(['show', 'values', chartDir]);
    const values = parse(shown.ok ? shown.stdout : '') as Record<string, unknown>;
    expect(field(values, 'metrics.port')).toBe(metricsSettings.metricsPort.default);
    expect(field(values, 'leaderElection.id')).toBe(defaultLeaseName);
  });
});
