/**
 * What the deployment artefacts (kustomize, the Helm chart, docker-compose.yml) must agree with,
 * derived from the code and the generated CRDs so that a change on either side fails a test.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { referencedKinds } from '../../src/api/references';
import { runCommand } from '../../src/cli/commands/orchestrator';
import { roleAccountMapName } from '../../src/kube/aws-targets';
import { loadConfig, type Settings } from '../../src/shared/config';
import { repoRoot } from '../../src/shared/paths';

export const crdDir = path.join(repoRoot, 'config', 'crd');
export const chartDir = path.join(repoRoot, 'charts', 'efs-orchestrator');
export const packageVersion = (
  JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }
).version;

/** A Kubernetes object as rendered; fields are read through `field()`. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`unparsable YAML: ${doc.errors[0]?.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((obj): obj is K8sObject => obj !== null);
}

export function find(objects: K8sObject[], kind: string, name?: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) {
    throw new Error(
      `expected one ${kind}${name ? ` named ${name}` : ''}, found ${found.length} among ` +
        objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', '),
    );
  }
  return found[0] as K8sObject;
}

export function all(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** `field(obj, 'spec.template.spec')`: a nested value, or undefined. */
export function field<T = unknown>(obj: unknown, dotted: string): T {
  let value: unknown = obj;
  for (const part of dotted.split('.')) {
    value = value === null || value === undefined ? undefined : (value as Record<string, unknown>)[part];
  }
  return value as T;
}

export interface GeneratedCrd {
  file: string;
  name: string;
  group: string;
  plural: string;
  text: string;
}

/** The CRDs `npm run generate:crds` wrote into config/crd. */
export function generatedCrds(): GeneratedCrd[] {
  return fs
    .readdirSync(crdDir)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const text = fs.readFileSync(path.join(crdDir, file), 'utf8');
      const crd = parse(text) as { metadata: { name: string }; spec: { group: string; names: { plural: string } } };
      return { file, name: crd.metadata.name, group: crd.spec.group, plural: crd.spec.names.plural, text };
    });
}

/** One permission as RBAC grants it: `group/resource[name]:verb`. */
export type Permission = string;

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs?: string[];
}

export function permissionsOf(role: K8sObject): Permission[] {
  const out: Permission[] = [];
  for (const rule of (role.rules as PolicyRule[] | undefined) ?? []) {
    for (const group of rule.apiGroups ?? [])
      for (const resource of rule.resources ?? [])
        for (const verb of rule.verbs ?? [])
          for (const name of rule.resourceNames ?? [''])
            out.push(`${group}/${resource}${name ? `[${name}]` : ''}:${verb}`);
  }
  return out.sort();
}

/** The CRDs of the kinds that manage EFS resources (the chart's `efs-orchestrator.kinds`). */
export const efsCrds = (crds: GeneratedCrd[] = generatedCrds()): GeneratedCrd[] =>
  crds.filter((crd) => crd.group === 'efs.services.k8s.aws');

/**
 * What the orchestrator does with its objects: reads and watches them, patches their metadata
 * (finalizers) and their status, and creates core Events about them; creates and deletes the
 * MountTarget objects a FileSystem owns. FieldExports are read and
 * watched and get status (no finalizer), and their exports set one key of an existing ConfigMap or
 * Secret (read, then patched). With `storage` (default), the cluster-scoped part too.
 */
export function expectedObjectPermissions(
  crds: GeneratedCrd[] = generatedCrds(),
  storage: 'with-storage' | 'namespaced-only' = 'with-storage',
): Permission[] {
  const out: Permission[] = [];
  for (const crd of crds) {
    const managesAws = efsCrds([crd]).length > 0;
    for (const verb of managesAws ? ['get', 'list', 'watch', 'patch'] : ['get', 'list', 'watch']) {
      out.push(`${crd.group}/${crd.plural}:${verb}`);
    }
    out.push(`${crd.group}/${crd.plural}/status:patch`);
  }
  for (const resource of ['configmaps', 'secrets'])
    for (const verb of ['get', 'patch']) out.push(`/${resource}:${verb}`);
  out.push('/events:create');
  // The namespace's annotations: default deletion policy, default Region, owner account (src/activities).
  out.push('/namespaces:get');
  // Objects of other ACK controllers that references name, read by name (src/kube/referenced.ts).
  for (const target of Object.values(referencedKinds)) out.push(`${target.group}/${target.plural}:get`);
  // The MountTarget objects a FileSystem owns (src/kube/storage-class.ts).
  out.push('efs.services.k8s.aws/mounttargets:create', 'efs.services.k8s.aws/mounttargets:delete');
  if (storage === 'with-storage') out.push(...expectedStoragePermissions());
  return out.sort();
}

/**
 * A FileSystem published as a StorageClass (src/kube/storage-class.ts): its StorageClass is read,
 * created and deleted (replaced), PersistentVolumes are listed. Both are cluster-scoped.
 */
export function expectedStoragePermissions(): Permission[] {
  return [
    'storage.k8s.io/storageclasses:get',
    'storage.k8s.io/storageclasses:create',
    'storage.k8s.io/storageclasses:delete',
    '/persistentvolumes:list',
  ].sort();
}

/** The leader election Lease: created once, then read and renewed by name (src/watcher/leader.ts). */
export function expectedLeasePermissions(leaseName: string): Permission[] {
  return [
    'coordination.k8s.io/leases:create',
    `coordination.k8s.io/leases[${leaseName}]:get`,
    `coordination.k8s.io/leases[${leaseName}]:update`,
  ].sort();
}

/** The role-account map of cross-account resource management, read by name (src/kube/aws-targets.ts). */
export function expectedRoleAccountMapPermissions(): Permission[] {
  return [`/configmaps[${roleAccountMapName}]:get`];
}

/** The settings of `efs-orchestrator run`, the command every deployment runs. */
export const runSettings: Settings = runCommand.settings;

/** Variables the orchestrator reads beyond its settings: the logger's level and the AWS SDK's own. */
export const otherKnownVariables = new Set(['LOG_LEVEL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);

/** Throws unless every variable is one the orchestrator reads and every value parses as its setting. */
export function assertOrchestratorEnvironment(env: Record<string, string>): void {
  const known = new Set(Object.values(runSettings).flatMap((s) => (s.env ? [s.env] : [])));
  const unknown = Object.keys(env).filter((name) => !known.has(name) && !otherKnownVariables.has(name));
  if (unknown.length > 0) {
    throw new Error(`variables that efs-orchestrator run does not read: ${unknown.join(', ')}`);
  }
  loadConfig(runSettings, new Map(), env);
}

/** The `metrics` and `sdk-metrics` container ports of a Deployment's first container. */
export function containerPorts(deployment: K8sObject): Record<string, number> {
  const ports =
    field<{ name: string; containerPort: number }[]>(deployment, 'spec.template.spec.containers.0.ports') ?? [];
  return Object.fromEntries(ports.map((p) => [p.name, p.containerPort]));
}
