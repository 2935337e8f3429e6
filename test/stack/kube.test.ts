import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { KubeConfig } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { createLogger } from '../../src/shared/log';
import { repoRoot, stackDir as defaultStackDir } from '../../src/shared/paths';
import { type StackContext } from '../../dev/stack/component';
import { defaultPorts } from '../../dev/stack/ports';
import { freePorts } from '../support/free-port';
import { ensureKubeBinaries } from '../../dev/stack/kube/build';
import { createKubeComponent, type RunningKube } from '../../dev/stack/kube/component';
import { installCrds } from '../../dev/stack/kube/crds';
import { kubeContextName, loadStackKubeConfig } from '../../dev/stack/kube/kubeconfig';
import { kubePaths } from '../../dev/stack/kube/paths';
import { restartStackApiServer } from '../../dev/stack/kube/restart';

const k8s = require('@kubernetes/client-node') as typeof import('@kubernetes/client-node', {
  with: { 'resolution-mode': 'import' },
});
const run = promisify(execFile);

// The binaries are shared with the dev stack (a cold build takes minutes); everything else lives
// in a throw-away stack folder on free ports, so a running dev stack is left alone.
const binDir = path.join(defaultStackDir(), 'bin');
const crdDir = path.join(repoRoot, 'test', 'fixtures', 'kube-crd');
const group = 'example.test';
const widgets = { group, version: 'v1', plural: 'widgets' };
const namespace = 'default';

let stackDir: string;
let context: StackContext;
let running: RunningKube | undefined;
let crashes: string[];
const component = createKubeComponent({ crdDir, binDir });

function get(url: string, ca: Buffer, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = token ? { Authorization: `Bearer ${token}` } : undefined;
    https
      .get(url, { ca, headers }, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function portIsFree(port: number): Promise<boolean> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function customObjects(kc: KubeConfig) {
  return kc.makeApiClient(k8s.CustomObjectsApi);
}

beforeAll(async () => {
  stackDir = fs.mkdtempSync(path.join(os.tmpdir(), 'efs-kube-test-'));
  crashes = [];
  const [etcdPort, etcdPeerPort, apiServerPort] = await freePorts(3);
  context = {
    stackDir,
    logDir: path.join(stackDir, 'logs'),
    ports: {
      ...defaultPorts,
      ETCD_PORT: etcdPort as number,
      ETCD_PEER_PORT: etcdPeerPort as number,
      KUBE_APISERVER_PORT: apiServerPort as number,
    },
    log: createLogger('kube-test', { level: 'warn' }),
    env: {},
    onCrash: (child) => crashes.push(child.name),
  };
});

afterAll(async () => {
  await running?.stop();
  fs.rmSync(stackDir, { recursive: true, force: true });
});

test(
  'install builds kube-apiserver and etcd once; a second install is a no-op',
  async () => {
    await component.install(context);
    const apiserver = path.join(binDir, 'kube-apiserver');
    const builtAt = fs.statSync(apiserver).mtimeMs;

    const again = await ensureKubeBinaries({ binDir, logFile: path.join(stackDir, 'build.log'), log: context.log });
    expect(again.built).toBe(false);
    expect(again.seconds).toBeLessThan(2);
    expect(fs.statSync(apiserver).mtimeMs).toBe(builtAt);
    expect(fs.existsSync(path.join(stackDir, 'build.log'))).toBe(false);
  },
  45 * 60_000,
);

test(
  'a build into an empty folder runs once for concurrent callers and yields working binaries',
  async () => {
    const freshBinDir = path.join(stackDir, 'fresh-bin');
    const lines: string[] = [];
    const log = createLogger('kube-build-test', { write: (line) => lines.push(line) });
    const build = () =>
      ensureKubeBinaries({ binDir: freshBinDir, logFile: path.join(stackDir, 'fresh-build.log'), log });
    const results = await Promise.all([build(), build()]);

    expect(results.map((result) => result.built).sort()).toEqual([false, true]);
    const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^building kube-apiserver v1\.34\.4 \(first run: ~\d+ min/),
        expect.stringMatching(/^building etcd v3\.6\.\d+/),
        'waiting for another process that is building kube-apiserver and etcd',
      ]),
    );
    expect(fs.readFileSync(path.join(stackDir, 'fresh-build.log'), 'utf8')).toContain('$ go build -v -trimpath');
    const { stdout: apiserverVersion } = await run(path.join(freshBinDir, 'kube-apiserver'), ['--version']);
    expect(apiserverVersion.trim()).toBe('Kubernetes v1.34.4');
    const { stdout: etcdVersion } = await run(path.join(freshBinDir, 'etcd'), ['--version']);
    expect(etcdVersion).toMatch(/^etcd Version: 3\.6\.\d+$/m);
    expect(fs.readdirSync(freshBinDir).sort()).toEqual(['.kube-build.sha256', 'etcd', 'kube-apiserver']);
  },
  45 * 60_000,
);

test(
  'start serves /readyz with the admin token and writes a kubeconfig for the dev context',
  async () => {
    const started = Date.now();
    running = await component.start(context);
    context.log.warn('Kubernetes API started', { seconds: (Date.now() - started) / 1000 });

    const url = `https://127.0.0.1:${context.ports.KUBE_APISERVER_PORT}`;
    expect(running.url).toBe(url);
    expect(running.env.KUBECONFIG).toBe(path.join(stackDir, 'kubeconfig'));
    expect(running.endpoints).toEqual({ 'Kubernetes API': url, kubeconfig: path.join(stackDir, 'kubeconfig') });

    const kc = loadStackKubeConfig(stackDir);
    expect(kc.getCurrentContext()).toBe(kubeContextName);
    expect(kc.getCurrentCluster()?.server).toBe(url);
    const token = kc.getCurrentUser()?.token;
    expect(token).toMatch(/^[0-9a-f]{64}$/);

    const ca = fs.readFileSync(kubePaths(stackDir).caCert);
    expect(await get(`${url}/readyz`, ca, token)).toEqual({ status: 200, body: 'ok' });
    // Token auth is really enforced: a wrong token is refused.
    expect((await get(`${url}/api/v1/namespaces`, ca, 'not-the-token')).status).toBe(401);
    const version = JSON.parse((await get(`${url}/version`, ca, token)).body) as { gitVersion: string };
    expect(version.gitVersion).toBe('v1.34.4');
  },
  5 * 60_000,
);

/** The status a watch of every custom resource of the directory gets: 429 while its storage initializes. */
async function watchStatuses(): Promise<Record<string, number>> {
  const kc = loadStackKubeConfig(stackDir);
  const ca = fs.readFileSync(kubePaths(stackDir).caCert);
  const token = kc.getCurrentUser()?.token;
  const statuses: Record<string, number> = {};
  for (const plural of ['widgets', 'gadgets']) {
    const url = `${kc.getCurrentCluster()?.server}/apis/${group}/v1/${plural}?watch=1&timeoutSeconds=1`;
    statuses[plural] = (await get(url, ca, token)).status;
  }
  return statuses;
}

test('once started, the custom resources can be watched at once: no 429 "storage is (re)initializing"', async () => {
  expect(await watchStatuses()).toEqual({ widgets: 200, gadgets: 200 });
});

test('every CRD of the directory is installed, Established and NamesAccepted', async () => {
  const api = loadStackKubeConfig(stackDir).makeApiClient(k8s.ApiextensionsV1Api);
  for (const name of ['widgets.example.test', 'gadgets.example.test']) {
    const crd = await api.readCustomResourceDefinition({ name });
    const status = (type: string) => crd.status?.conditions?.find((c) => c.type === type)?.status;
    expect([name, status('Established'), status('NamesAccepted')]).toEqual([name, 'True', 'True']);
  }
});

test('custom objects can be created and read, and their status written through the subresource', async () => {
  const api = customObjects(loadStackKubeConfig(stackDir));
  await api.createNamespacedCustomObject({
    ...widgets,
    namespace,
    body: { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'first' }, spec: { size: 3 } },
  });
  const read = await api.getNamespacedCustomObject({ ...widgets, namespace, name: 'first' });
  expect(read.spec).toEqual({ size: 3 });
  expect(read.metadata.generation).toBe(1);

  const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
  await api.patchNamespacedCustomObjectStatus(
    { ...widgets, namespace, name: 'first', body: { status: { phase: 'Ready' } } },
    mergePatch,
  );
  // A write to the main resource ignores .status; a status write does not bump the generation.
  await api.patchNamespacedCustomObject(
    { ...widgets, namespace, name: 'first', body: { spec: { size: 4 }, status: { phase: 'Ignored' } } },
    mergePatch,
  );
  const after = await api.getNamespacedCustomObject({ ...widgets, namespace, name: 'first' });
  expect([after.spec.size, after.status.phase, after.metadata.generation]).toEqual([4, 'Ready', 2]);
});

test('kubectl within one minor version of the server works with the stack kubeconfig', async () => {
  expect(running?.kubectl).toBe(path.join(binDir, 'kubectl'));
  const kubectl = running?.kubectl ?? 'kubectl';
  const env = { ...process.env, KUBECONFIG: path.join(stackDir, 'kubeconfig') };
  const { stdout: versionJson } = await run(kubectl, ['version', '-o', 'json'], { env });
  const versions = JSON.parse(versionJson) as { clientVersion: { minor: string }; serverVersion: { minor: string } };
  expect(Math.abs(Number(versions.clientVersion.minor) - Number(versions.serverVersion.minor))).toBeLessThanOrEqual(1);

  const { stdout } = await run(kubectl, ['get', 'crd', 'widgets.example.test', '-o', 'json'], { env });
  const crd = JSON.parse(stdout) as { status: { conditions: { type: string; status: string }[] } };
  expect(crd.status.conditions).toEqual(
    expect.arrayContaining([expect.objectContaining({ type: 'Established', status: 'True' })]),
  );
  const { stdout: names } = await run(kubectl, ['get', 'widgets', '-n', namespace, '-o', 'name'], { env });
  expect(names.trim()).toBe('widget.example.test/first');
});

test('installCrds refuses a manifest that is not a CRD, naming the file', async () => {
  const dir = fs.mkdtempSync(path.join(stackDir, 'not-crds-'));
  fs.writeFileSync(path.join(dir, 'config.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n');
  await expect(installCrds(loadStackKubeConfig(stackDir), dir)).rejects.toThrow(
    /config\.yaml: expected only CustomResourceDefinitions.*ConfigMap/,
  );
});

test(
  'restarting kube-apiserver alone ends open watches and keeps every object',
  async () => {
    if (!running) throw new Error('the Kubernetes API did not start');
    const kc = loadStackKubeConfig(stackDir);
    const etcdPid = running.etcd.pid;
    const firstApiServer = running.apiServer().pid;

    let watchEnded!: () => void;
    const ended = new Promise<void>((resolve) => (watchEnded = resolve));
    const events: string[] = [];
    await new k8s.Watch(kc).watch(
      `/apis/${group}/v1/namespaces/${namespace}/widgets`,
      {},
      (phase: string, object: { metadata: { name: string } }) => events.push(`${phase} ${object.metadata.name}`),
      () => watchEnded(),
    );
    await running.restartApiServer({ downtimeMs: 500 });
    expect(await watchStatuses()).toEqual({ widgets: 200, gadgets: 200 });
    await ended;
    expect(events).toContain('ADDED first');

    expect(running.etcd.pid).toBe(etcdPid);
    expect(isRunning(etcdPid)).toBe(true);
    expect(isRunning(firstApiServer)).toBe(false);
    expect(running.apiServer().pid).not.toBe(firstApiServer);
    expect(running.children.map((child) => child.pid)).toEqual([etcdPid, running.apiServer().pid]);
    const read = await customObjects(kc).getNamespacedCustomObject({ ...widgets, namespace, name: 'first' });
    expect(read.status.phase).toBe('Ready');
    expect(crashes).toEqual([]);
  },
  5 * 60_000,
);

test(
  'restartStackApiServer asks the stack process through <stackDir>/kube/control',
  async () => {
    if (!running) throw new Error('the Kubernetes API did not start');
    const before = running.apiServer().pid;
    const pid = await restartStackApiServer(stackDir);
    expect(pid).toBe(running.apiServer().pid);
    expect(pid).not.toBe(before);
    expect(JSON.parse(fs.readFileSync(kubePaths(stackDir).processesFile, 'utf8'))).toEqual({
      ownerPid: process.pid,
      etcdPid: running.etcd.pid,
      apiserverPid: pid,
    });
    expect(fs.readdirSync(kubePaths(stackDir).controlDir)).toEqual([]);
    const read = await customObjects(loadStackKubeConfig(stackDir)).getNamespacedCustomObject({
      ...widgets,
      namespace,
      name: 'first',
    });
    expect(read.spec.size).toBe(4);
    expect(crashes).toEqual([]);
  },
  5 * 60_000,
);

test(
  'stop leaves no process and frees the ports; a new start keeps the objects',
  async () => {
    if (!running) throw new Error('the Kubernetes API did not start');
    const pids = running.children.map((child) => child.pid);
    await running.stop();
    running = undefined;
    for (const pid of pids) expect(isRunning(pid)).toBe(false);
    for (const port of [context.ports.ETCD_PORT, context.ports.ETCD_PEER_PORT, context.ports.KUBE_APISERVER_PORT]) {
      expect(await portIsFree(port)).toBe(true);
    }
    expect(fs.existsSync(kubePaths(stackDir).processesFile)).toBe(false);
    expect(crashes).toEqual([]);
    await expect(restartStackApiServer(stackDir)).rejects.toThrow(/no running stack owns the Kubernetes API/);

    const token = loadStackKubeConfig(stackDir).getCurrentUser()?.token;
    running = await component.start(context);
    const kc = loadStackKubeConfig(stackDir);
    expect(kc.getCurrentUser()?.token).toBe(token);
    const read = await customObjects(kc).getNamespacedCustomObject({ ...widgets, namespace, name: 'first' });
    expect([read.spec.size, read.status.phase]).toEqual([4, 'Ready']);
    await running.stop();
    running = undefined;
  },
  5 * 60_000,
);
