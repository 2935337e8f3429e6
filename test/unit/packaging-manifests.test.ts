/**
 * The deployment artefacts, checked as files: the Dockerfile, the kustomize tree (rendered by
 * kubectl's built-in kustomize), the IAM policy against the EFS calls in the code, the Helm
 * chart's files and docker-compose.yml against the dev stack. No Docker, cluster or server runs:
 * those cannot run on this machine. The chart is rendered by helm in test/packaging/helm-chart.test.ts.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { emulatorCommand } from '../../src/cli/commands/emulator';
import { defaultPorts } from '../../dev/stack/ports';
import { temporalServerArgs } from '../../dev/stack/temporal';
import { metricsSettings } from '../../src/metrics/settings';
import { loadConfig, parseArgs } from '../../src/shared/config';
import { repoRoot } from '../../src/shared/paths';
import { defaultLeaseName } from '../../src/watcher/leader';
import {
  all,
  assertOrchestratorEnvironment,
  chartDir,
  containerPorts,
  expectedLeasePermissions,
  efsCrds,
  expectedObjectPermissions,
  expectedRoleAccountMapPermissions,
  field,
  find,
  generatedCrds,
  packageVersion,
  parseObjects,
  permissionsOf,
  type K8sObject,
} from '../packaging/manifests';

const read = (file: string): string => fs.readFileSync(path.join(repoRoot, file), 'utf8');

describe('Dockerfile', () => {
  /** Instructions with continuation lines joined and comments dropped, split into stages. */
  const instructions = read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
  const stages: { from: string; name?: string; steps: typeof instructions }[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.split(/\s+/);
      stages.push({ from: image, name: as?.toUpperCase() === 'AS' ? name : undefined, steps: [] });
    } else {
      stages.at(-1)?.steps.push(instruction);
    }
  }
  const finalStage = stages.at(-1);
  const execForm = (keyword: string): string[] => {
    const step = finalStage?.steps.filter((s) => s.keyword === keyword).at(-1);
    if (!step) throw new Error(`the final stage has no ${keyword}`);
    return JSON.parse(step.args) as string[];
  };

  it('builds in one stage and runs in another, both on the bookworm-slim image of the Node that npm scripts run', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    // The exact release pinned as a dev dependency, not a floating tag such as `24` or `latest`.
    const pinnedNode = (JSON.parse(read('package.json')) as { devDependencies: Record<string, string> })
      .devDependencies['node'];
    expect(pinnedNode).toMatch(/^24\.\d+\.\d+$/);
    for (const stage of stages) {
      expect(stage.from).toBe(`node:${pinnedNode}-bookworm-slim`);
    }
    const build = stages[0];
    const buildCommands = build?.steps.filter((s) => s.keyword === 'RUN').map((s) => s.args) ?? [];
    expect(buildCommands.join(' && ')).toMatch(/npm ci\b/);
    expect(buildCommands.join(' && ')).toMatch(/npm run build\b/);
    expect(buildCommands.join(' && ')).toMatch(/npm prune --omit=dev\b/);
    // The runtime stage installs nothing: it copies the pruned result of the build stage.
    expect(finalStage?.steps.filter((s) => s.keyword === 'RUN')).toEqual([]);
    const copiedFromBuild = finalStage?.steps.filter((s) => s.keyword === 'COPY').map((s) => s.args) ?? [];
    for (const needed of ['node_modules', 'dist', 'bin']) {
      expect(
        copiedFromBuild.some((args) => args.startsWith(`--from=${build?.name}`) && args.includes(`/app/${needed}`)),
      ).toBe(true);
    }
  });

  it('runs as a numeric non-root user, with the CLI as entrypoint and `run` as the default command', () => {
    const user = finalStage?.steps.filter((s) => s.keyword === 'USER').at(-1)?.args ?? '';
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user.split(':')[0])).toBeGreaterThan(0);
    const entrypoint = execForm('ENTRYPOINT');
    expect(entrypoint[0]).toBe('node');
    expect(entrypoint[1]).toMatch(/\/bin\/efs-orchestrator\.js$/);
    expect(fs.existsSync(path.join(repoRoot, 'bin', 'efs-orchestrator.js'))).toBe(true);
    expect(execForm('CMD')).toEqual(['run']);
    // `run` is a subcommand the CLI knows.
    expect(read('src/cli/main.ts')).toMatch(/^\s+run: \(\) => require\('\.\/commands\/orchestrator'\)\.runCommand,$/m);
  });

  it('copies only files that exist and that .dockerignore lets into the build context', () => {
    const sources = stages
      .flatMap((stage) => stage.steps)
      .filter((s) => s.keyword === 'COPY' && !s.args.startsWith('--from'))
      .flatMap((s) =>
        s.args
          .split(/\s+/)
          .filter((a) => !a.startsWith('--'))
          .slice(0, -1),
      );
    expect(sources.length).toBeGreaterThan(0);
    const ignore = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    // Everything is ignored, then each copied path is let in again.
    expect(ignore[0]).toBe('**');
    for (const source of sources) {
      expect(fs.existsSync(path.join(repoRoot, source))).toBe(true);
      const isDir = fs.statSync(path.join(repoRoot, source)).isDirectory();
      expect(ignore).toContain(isDir ? `!${source}/` : `!${source}`);
    }
  });

  it('copies every folder that the compiled code imports from', () => {
    const copied = new Set(
      stages[0]?.steps
        .filter((s) => s.keyword === 'COPY' && !s.args.startsWith('--from'))
        .flatMap((s) => s.args.split(/\s+/).slice(0, -1))
        .map((source) => source.split('/')[0] as string),
    );
    const excluded = read('.dockerignore')
      .split('\n')
      .filter((line) => /^[\w.-]+\/[\w./-]*$/.test(line.trim()))
      .map((line) => line.trim().replace(/\/$/, ''));
    const problems: string[] = [];
    const visit = (dir: string): void => {
      for (const entry of fs.readdirSync(path.join(repoRoot, dir), { withFileTypes: true })) {
        const rel = path.join(dir, entry.name);
        if (excluded.includes(rel)) continue;
        if (entry.isDirectory()) visit(rel);
        else if (rel.endsWith('.ts') && !rel.endsWith('.test.ts')) {
          for (const match of fs.readFileSync(path.join(repoRoot, rel), 'utf8').matchAll(/from '(\.[^']+)'/g)) {
            const target = path.relative(repoRoot, path.resolve(repoRoot, dir, match[1] as string));
            const top = target.split(path.sep)[0] as string;
            const excludedTarget = excluded.some((e) => target === e || target.startsWith(e + path.sep));
            if (!copied.has(top) || excludedTarget) problems.push(`${rel} imports ${target}, which the image lacks`);
          }
        }
      }
    };
    for (const dir of copied) {
      if (fs.statSync(path.join(repoRoot, dir)).isDirectory()) visit(dir);
    }
    expect(problems).toEqual([]);
  });
});

describe('kustomize: config/default', () => {
  const kubectl = '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';
  let rendered: K8sObject[] | undefined;
  const objects = (): K8sObject[] => {
    if (!fs.existsSync(kubectl)) {
      throw new Error(
        `${kubectl} is missing: it comes with the Google Cloud SDK's kubectl package; any kubectl >= 1.27 ` +
          'has kustomize built in (adjust the path in this test)',
      );
    }
    rendered ??= parseObjects(
      execFileSync(kubectl, ['kustomize', path.join(repoRoot, 'config', 'default')], { encoding: 'utf8' }),
    );
    return rendered;
  };
  const namespace = 'efs-orchestrator-system';

  it('renders the namespace, and puts every namespaced object in it', () => {
    expect(find(objects(), 'Namespace').metadata.name).toBe(namespace);
    const clusterScoped = new Set(['Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding']);
    for (const obj of objects().filter((o) => !clusterScoped.has(o.kind))) {
      expect(`${obj.kind}/${obj.metadata.name} in ${obj.metadata.namespace}`).toBe(
        `${obj.kind}/${obj.metadata.name} in ${namespace}`,
      );
    }
  });

  it('installs every generated CRD, unchanged', () => {
    const crds = generatedCrds();
    const listed = parse(read('config/crd/kustomization.yml')) as { resources: string[] };
    expect([...listed.resources].sort()).toEqual(crds.map((c) => c.file));
    const installed = all(objects(), 'CustomResourceDefinition');
    expect(installed.map((c) => c.metadata.name).sort()).toEqual(crds.map((c) => c.name).sort());
    for (const crd of crds) {
      const obj = installed.find((o) => o.metadata.name === crd.name);
      // kustomize adds only its labels.
      const { labels: _labels, ...metadata } = obj?.metadata ?? { name: '' };
      expect({ ...obj, metadata }).toEqual(parse(crd.text));
    }
  });

  it('grants exactly the verbs the orchestrator uses, cluster-wide on its objects and Events, on its Lease and its role-account map', () => {
    expect(permissionsOf(find(objects(), 'ClusterRole', 'efs-orchestrator'))).toEqual(expectedObjectPermissions());
    const leaseRole = find(objects(), 'Role', 'efs-orchestrator-leader-election');
    expect(leaseRole.metadata.namespace).toBe(namespace);
    expect(permissionsOf(leaseRole)).toEqual(expectedLeasePermissions(defaultLeaseName));
    const mapRole = find(objects(), 'Role', 'efs-orchestrator-role-account-map');
    expect(mapRole.metadata.namespace).toBe(namespace);
    expect(permissionsOf(mapRole)).toEqual(expectedRoleAccountMapPermissions());
    expect(all(objects(), 'Role')).toHaveLength(2);
    const serviceAccount = find(objects(), 'ServiceAccount');
    for (const [bindingKind, role] of [
      ['ClusterRoleBinding', find(objects(), 'ClusterRole')],
      ['RoleBinding', leaseRole],
      ['RoleBinding', mapRole],
    ] as const) {
      const binding = find(objects(), bindingKind, role.metadata.name);
      expect(binding.roleRef).toEqual({
        apiGroup: 'rbac.authorization.k8s.io',
        kind: role.kind,
        name: role.metadata.name,
      });
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: serviceAccount.metadata.name, namespace }]);
    }
  });

  it('runs two replicas of `run` hardened: non-root, read-only root, no capabilities, bounded resources', () => {
    const deployment = find(objects(), 'Deployment');
    const pod = field<Record<string, unknown>>(deployment, 'spec.template.spec');
    const container = field<Record<string, unknown>>(pod, 'containers.0');
    expect(field(deployment, 'spec.replicas')).toBe(2);
    expect(field(pod, 'serviceAccountName')).toBe(find(objects(), 'ServiceAccount').metadata.name);
    expect(container.image).toBe(`efs-orchestrator:${packageVersion}`);
    expect(container.args).toEqual(['run']);
    expect(field(pod, 'securityContext.runAsNonRoot')).toBe(true);
    expect(field<number>(pod, 'securityContext.runAsUser')).toBeGreaterThan(0);
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    for (const kind of ['requests', 'limits']) {
      expect(Object.keys(field<object>(container, `resources.${kind}`)).sort()).toEqual(['cpu', 'memory']);
    }
    // The selector matches the pods, and the disruption budget keeps one of them.
    const selector = field<Record<string, string>>(deployment, 'spec.selector.matchLabels');
    expect(field(deployment, 'spec.template.metadata.labels')).toMatchObject(selector);
    const budget = find(objects(), 'PodDisruptionBudget');
    expect(field(budget, 'spec.minAvailable')).toBe(1);
    expect(field(budget, 'spec.selector.matchLabels')).toEqual(selector);
  });

  it('configures the process from a ConfigMap the orchestrator understands, with metrics on the `metrics` port', () => {
    const deployment = find(objects(), 'Deployment');
    const configMap = find(objects(), 'ConfigMap');
    const envFrom = field<{ configMapRef?: { name: string }; secretRef?: { name: string; optional?: boolean } }[]>(
      deployment,
      'spec.template.spec.containers.0.envFrom',
    );
    expect(envFrom).toContainEqual({ configMapRef: { name: configMap.metadata.name } });
    // Credentials come from an optional Secret, so IAM roles for service accounts need none.
    expect(envFrom.filter((e) => e.secretRef).map((e) => e.secretRef?.optional)).toEqual([true]);
    const data = configMap.data as Record<string, string>;
    assertOrchestratorEnvironment(data);
    expect(data.METRICS_HOST).toBe('0.0.0.0');
    expect(Number(data.METRICS_PORT)).toBe(metricsSettings.metricsPort.default);
    expect(containerPorts(deployment).metrics).toBe(9464);
    expect(Number(data.METRICS_PORT)).toBe(containerPorts(deployment).metrics);
    expect(data.TEMPORAL_METRICS_BIND).toBe(`0.0.0.0:${containerPorts(deployment)['sdk-metrics']}`);
    const service = find(objects(), 'Service');
    expect(field(service, 'spec.selector')).toEqual(field(deployment, 'spec.selector.matchLabels'));
    expect(field(service, 'spec.ports')).toContainEqual({ name: 'metrics', port: 9464, targetPort: 'metrics' });
  });
});

describe('IAM policy: config/iam/efs-orchestrator-policy.json', () => {
  interface Statement {
    Effect: string;
    Action: string[];
    Resource: string;
  }
  const policy = JSON.parse(read('config/iam/efs-orchestrator-policy.json')) as {
    Version: string;
    Statement: Statement[];
  };
  const granted = policy.Statement.flatMap((s) => s.Action);

  /**
   * The AWS API operations the code sends: `new XxxCommand(` in the files that import an AWS client,
   * as IAM actions (`elasticfilesystem:` for EFS, `sts:` for STS).
   */
  function awsOperationsInCode(): { operations: Set<string>; otherClients: string[] } {
    const prefixes: Record<string, string> = { '@aws-sdk/client-efs': '', '@aws-sdk/client-sts': 'sts:' };
    const operations = new Set<string>();
    const otherClients: string[] = [];
    const visit = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          visit(file);
          continue;
        }
        if (!file.endsWith('.ts')) continue;
        const text = fs.readFileSync(file, 'utf8');
        const clients = [...text.matchAll(/from '(@aws-sdk\/client-[\w-]+)'/g)].map((m) => m[1] as string);
        for (const client of clients) {
          if (!(client in prefixes)) otherClients.push(`${path.relative(repoRoot, file)}: ${client}`);
        }
        if (clients.length !== 1 || !((clients[0] as string) in prefixes)) continue;
        const prefix = prefixes[clients[0] as string];
        for (const match of text.matchAll(/new (\w+)Command\(/g)) operations.add(`${prefix}${match[1] as string}`);
      }
    };
    visit(path.join(repoRoot, 'src'));
    return { operations, otherClients };
  }

  /** STS answers GetCallerIdentity whatever the policy says (it needs no permission). */
  const needsNoPermission = new Set(['sts:GetCallerIdentity']);

  /**
   * Permissions AWS checks besides the operation's own: tags given to a create are checked as
   * TagResource, and a mount target's network interface is created, changed and deleted with the
   * caller's EC2 permissions (the EFS API reference of each operation lists them).
   */
  const alsoRequires: Record<string, string[]> = {
    CreateFileSystem: ['elasticfilesystem:TagResource'],
    CreateAccessPoint: ['elasticfilesystem:TagResource'],
    CreateMountTarget: ['ec2:DescribeSubnets', 'ec2:DescribeNetworkInterfaces', 'ec2:CreateNetworkInterface'],
    DeleteMountTarget: ['ec2:DeleteNetworkInterface'],
    DescribeMountTargetSecurityGroups: ['ec2:DescribeNetworkInterfaceAttribute'],
    ModifyMountTargetSecurityGroups: ['ec2:ModifyNetworkInterfaceAttribute'],
  };

  it('grants exactly the EFS actions the code calls, and what those calls need besides', () => {
    const { operations, otherClients } = awsOperationsInCode();
    // The scan finds the calls (a broken pattern must not pass with an empty set).
    expect(operations.has('CreateFileSystem')).toBe(true);
    expect(operations.has('DescribeFileSystems')).toBe(true);
    expect(operations.has('sts:AssumeRole')).toBe(true);
    // Another AWS client would need its own actions here.
    expect(otherClients).toEqual([]);
    const needed = new Set<string>();
    for (const operation of operations) {
      if (needsNoPermission.has(operation)) continue;
      needed.add(operation.includes(':') ? operation : `elasticfilesystem:${operation}`);
      for (const extra of alsoRequires[operation] ?? []) needed.add(extra);
    }
    const missing = [...needed].filter((action) => !granted.includes(action)).sort();
    const unused = granted.filter((action) => !needed.has(action)).sort();
    expect({ missing, unused }).toEqual({ missing: [], unused: [] });
    expect(new Set(granted).size).toBe(granted.length);
  });

  it('is a plain allow-list: current policy language, no wildcards in actions', () => {
    expect(policy.Version).toBe('2012-10-17');
    for (const statement of policy.Statement) {
      expect(statement.Effect).toBe('Allow');
      expect([...statement.Action].sort()).toEqual(statement.Action);
    }
    for (const action of granted) expect(action).toMatch(/^(elasticfilesystem|ec2|sts):[A-Z][A-Za-z]+$/);
  });

  it('lets the orchestrator assume roles (those of the role-account map) and nothing else of IAM or STS', () => {
    const sts = policy.Statement.filter((s) => s.Action.some((a) => a.startsWith('sts:')));
    expect(sts).toEqual([
      {
        Sid: 'AssumeMappedAccountRoles',
        Effect: 'Allow',
        Action: ['sts:AssumeRole'],
        Resource: 'arn:aws:iam::*:role/*',
      },
    ]);
  });
});

describe('Helm chart files: charts/efs-orchestrator', () => {
  const chartFile = (rel: string): string => fs.readFileSync(path.join(chartDir, rel), 'utf8');

  it('is versioned like package.json', () => {
    const chart = parse(chartFile('Chart.yaml')) as Record<string, unknown>;
    expect(chart).toMatchObject({
      apiVersion: 'v2',
      name: 'efs-orchestrator',
      version: packageVersion,
      appVersion: packageVersion,
    });
  });

  it('ships the generated CRDs in crds/, byte for byte (copy them with `cp config/crd/*.yaml charts/efs-orchestrator/crds/`)', () => {
    const crds = generatedCrds();
    expect(fs.readdirSync(path.join(chartDir, 'crds')).sort()).toEqual(crds.map((c) => c.file));
    for (const crd of crds) expect(chartFile(`crds/${crd.file}`)).toBe(crd.text);
    // The RBAC template covers the same kinds (FieldExport has rules of its own).
    const kinds = /define "efs-orchestrator\.kinds" -}}\n([^\n]*)\n/.exec(chartFile('templates/_helpers.tpl'))?.[1];
    expect(kinds?.split(' ').sort()).toEqual(
      efsCrds(crds)
        .map((c) => c.plural)
        .sort(),
    );
  });

  it('refers only to values that values.yaml defines', () => {
    const values = parse(chartFile('values.yaml')) as Record<string, unknown>;
    const templates = fs.readdirSync(path.join(chartDir, 'templates')).filter((f) => /\.(yaml|tpl|txt)$/.test(f));
    const references = new Set<string>();
    for (const file of templates) {
      for (const match of chartFile(`templates/${file}`).matchAll(/\.Values((?:\.\w+)+)/g)) {
        references.add((match[1] as string).slice(1));
      }
    }
    expect(references.size).toBeGreaterThan(20);
    const undefinedReferences = [...references].filter((ref) => field(values, ref) === undefined);
    expect(undefinedReferences).toEqual([]);
    // And the schema describes every top-level value.
    const schema = JSON.parse(chartFile('values.schema.json')) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(values).sort());
  });
});

describe('docker-compose.yml', () => {
  interface Service {
    image?: string;
    build?: string;
    command?: string[];
    entrypoint?: string[];
    environment?: Record<string, string>;
    ports?: string[];
    volumes?: string[];
    depends_on?: Record<string, { condition: string }>;
  }
  const compose = parse(read('docker-compose.yml'), { merge: true }) as {
    services: Record<string, Service>;
    volumes: Record<string, unknown>;
  };
  const service = (name: string): Service => {
    const found = compose.services[name];
    if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
    return found;
  };
  const published = (s: Service): number[] =>
    (s.ports ?? []).map((p) => {
      // Published on the host's loopback only, on the container's own port.
      const [host, hostPort, containerPort] = p.split(':');
      expect(host).toBe('127.0.0.1');
      expect(hostPort).toBe(containerPort);
      return Number(hostPort);
    });

  it('has Temporal, the EFS emulator and the orchestrator, the last two from this image', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['temporal', 'efs-emulator', 'orchestrator']));
    for (const name of ['efs-emulator', 'orchestrator']) {
      expect(service(name)).toMatchObject({ build: '.', image: 'efs-orchestrator:local' });
    }
  });

  it('runs the dev stack’s Temporal server command on the dev stack’s ports, with SQLite in a volume', () => {
    const args = temporalServerArgs('/unused', defaultPorts);
    const at = (flag: string): number => args.indexOf(flag) + 1;
    args[at('--ip')] = '0.0.0.0';
    args[at('--db-filename')] = '/data/temporal.db';
    const temporal = service('temporal');
    expect(temporal.command).toEqual(args);
    expect(temporal.image).toMatch(/^temporalio\/temporal:\d+\.\d+\.\d+$/);
    expect(published(temporal).sort()).toEqual(
      [
        defaultPorts.TEMPORAL_PORT,
        defaultPorts.TEMPORAL_UI_PORT,
        defaultPorts.TEMPORAL_HTTP_PORT,
        defaultPorts.TEMPORAL_METRICS_PORT,
      ].sort(),
    );
    expect(temporal.volumes).toContain('temporal-data:/data');
    expect(Object.keys(compose.volumes)).toContain('temporal-data');
  });

  it('runs the EFS emulator on the dev stack’s port, reachable from the other containers', () => {
    const emulator = service('efs-emulator');
    const [name, ...rest] = emulator.command ?? [];
    expect(name).toBe('emulator');
    const config = loadConfig(emulatorCommand.settings, parseArgs(rest).flags, {});
    expect(config.port).toBe(defaultPorts.EFS_EMULATOR_PORT);
    expect(config.host).toBe('0.0.0.0');
    expect(published(emulator)).toEqual([defaultPorts.EFS_EMULATOR_PORT]);
  });

  it('runs the orchestrator with the dev stack’s variables, pointed at the other services and the host’s kubeconfig', () => {
    const orchestrator = service('orchestrator');
    expect(orchestrator.command).toEqual(['run']);
    const env = orchestrator.environment ?? {};
    // The variables the dev stack writes into .stack/env for the orchestrator.
    for (const name of [
      'TEMPORAL_ADDRESS',
      'TEMPORAL_NAMESPACE',
      'KUBECONFIG',
      'AWS_REGION',
      'AWS_ENDPOINT_URL_EFS',
      'AWS_ENDPOINT_URL_STS',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
    ]) {
      expect(Object.keys(env)).toContain(name);
    }
    assertOrchestratorEnvironment(env);
    expect(env.TEMPORAL_ADDRESS).toBe(`temporal:${defaultPorts.TEMPORAL_PORT}`);
    expect(env.AWS_ENDPOINT_URL_EFS).toBe(`http://efs-emulator:${defaultPorts.EFS_EMULATOR_PORT}`);
    expect(env.AWS_ENDPOINT_URL_STS).toBe(env.AWS_ENDPOINT_URL_EFS);
    expect(Number(env.METRICS_PORT)).toBe(defaultPorts.ORCHESTRATOR_METRICS_PORT);
    expect(published(orchestrator)).toEqual([defaultPorts.ORCHESTRATOR_METRICS_PORT]);
    // The kubeconfig is the host's, mounted read-only where KUBECONFIG points.
    expect(orchestrator.volumes).toContainEqual(
      expect.stringMatching(new RegExp(`^\\$\\{KUBECONFIG:-[^}]+\\}:${env.KUBECONFIG}:ro$`)),
    );
    expect(orchestrator.depends_on).toEqual({
      temporal: { condition: 'service_healthy' },
      'efs-emulator': { condition: 'service_healthy' },
    });
  });
});
