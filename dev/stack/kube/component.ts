import * as fs from 'node:fs';
import * as path from 'node:path';
import { type RunningComponent, type StackComponent, type StackContext } from '../component';
import { type ManagedChild } from '../process';
import { ensureKubeBinaries, kubeBinaries } from './build';
import { defaultCrdDir, installCrds, waitUntilWatchable } from './crds';
import { loadStackKubeConfig, writeKubeconfig } from './kubeconfig';
import { linkKubectl } from './kubectl';
import { kubePaths } from './paths';
import { ensureCredentials } from './pki';
import {
  httpGet,
  readProcessRecord,
  sleep,
  startApiServer,
  startEtcd,
  stopLeftovers,
  waitUntilServing,
  writeProcessRecord,
  type ApiServerSettings,
} from './processes';
import { serveRestartRequests, type RestartOptions } from './restart';

export interface RunningKube extends RunningComponent {
  url: string;
  kubeconfig: string;
  /** Where `kubectl` for this stack is linked, if a fitting one was found. */
  kubectl: string | undefined;
  etcd: ManagedChild;
  /** The current kube-apiserver process (a new one after each restart). */
  apiServer(): ManagedChild;
  /** Stops kube-apiserver alone (etcd keeps running, so every object stays) and starts it again. */
  restartApiServer(options?: RestartOptions): Promise<void>;
}

export interface KubeComponentOptions {
  /** Directory of CRD manifests installed on start; default config/crd. */
  crdDir?: string;
  /** Where the built binaries go; default `<stackDir>/bin`. Tests share the dev stack's build. */
  binDir?: string;
  /** How long kube-apiserver may take to report ready (2 cores: ~10-30 s, more when busy). */
  readyTimeoutMs?: number;
}

export interface KubeComponent extends StackComponent {
  start(context: StackContext): Promise<RunningKube>;
}

export function createKubeComponent(options: KubeComponentOptions = {}): KubeComponent {
  const binDirOf = (context: StackContext): string => options.binDir ?? path.join(context.stackDir, 'bin');
  const crdDir = options.crdDir ?? defaultCrdDir;
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;

  const install = async (context: StackContext): Promise<void> => {
    await ensureKubeBinaries({
      binDir: binDirOf(context),
      logFile: path.join(context.logDir, 'kube-build.log'),
      log: context.log,
    });
  };

  return {
    name: 'kubernetes',
    install,
    async start(context) {
      const started = Date.now();
      const log = context.log;
      const binDir = binDirOf(context);
      await install(context);
      const binaries = kubeBinaries(binDir);
      const paths = kubePaths(context.stackDir);
      fs.mkdirSync(paths.kubeDir, { recursive: true });
      await stopLeftovers(paths, binaries, log);
      const token = ensureCredentials(paths);
      const ca = fs.readFileSync(paths.caCert);
      const port = context.ports.KUBE_APISERVER_PORT;
      const url = `https://127.0.0.1:${port}`;
      const settings: ApiServerSettings = { binaries, paths, port, etcdPort: context.ports.ETCD_PORT };

      const etcd = startEtcd(context, binaries, paths);
      const children: ManagedChild[] = [etcd];
      let apiServer: ManagedChild | undefined;
      const record = (): void =>
        writeProcessRecord(paths, { ownerPid: process.pid, etcdPid: etcd.pid, apiserverPid: apiServer?.pid ?? -1 });
      const waitForApiServer = (child: ManagedChild): Promise<void> =>
        waitUntilServing(
          child,
          `kube-apiserver to be ready at ${url}/readyz`,
          async () =>
            (await httpGet(`${url}/readyz`, { ca, headers: { Authorization: `Bearer ${token}` } })).status === 200,
          readyTimeoutMs,
        );
      const launchApiServer = async (): Promise<void> => {
        apiServer = startApiServer(context, settings);
        children.splice(1, children.length - 1, apiServer);
        record();
        await waitForApiServer(apiServer);
      };

      let stopping = false;
      let crds: string[] = [];
      const stopAll = async (): Promise<void> => {
        await apiServer?.stop(15_000);
        await etcd.stop(15_000);
        const current = readProcessRecord(paths);
        if (current?.ownerPid === process.pid) fs.rmSync(paths.processesFile, { force: true });
      };
      try {
        record();
        await waitUntilServing(
          etcd,
          `etcd to be healthy on 127.0.0.1:${context.ports.ETCD_PORT}`,
          async () => {
            const { status, body } = await httpGet(`http://127.0.0.1:${context.ports.ETCD_PORT}/health`);
            return status === 200 && (JSON.parse(body) as { health?: string }).health === 'true';
          },
          30_000,
        );
        log.info('starting kube-apiserver (a few seconds; up to a minute on a busy 2-core machine)', { url });
        await launchApiServer();
        writeKubeconfig(paths, url, token);
        const kc = loadStackKubeConfig(context.stackDir);
        crds = await installCrds(kc, crdDir, { log });
        await waitUntilWatchable(kc, crds, { timeoutMs: readyTimeoutMs });
        log.info('Kubernetes API ready', { url, crds, seconds: Math.round((Date.now() - started) / 1000) });
      } catch (err) {
        await stopAll();
        throw err;
      }

      let restarting: Promise<void> = Promise.resolve();
      const restartApiServer = (restart: RestartOptions = {}): Promise<void> => {
        const next = restarting.then(async () => {
          if (stopping) throw new Error('the Kubernetes API is stopping');
          log.info('restarting kube-apiserver (etcd keeps running)', { downtimeMs: restart.downtimeMs ?? 0 });
          await apiServer?.stop(15_000);
          if (restart.downtimeMs) await sleep(restart.downtimeMs);
          await launchApiServer();
          await waitUntilWatchable(loadStackKubeConfig(context.stackDir), crds, { timeoutMs: readyTimeoutMs });
        });
        restarting = next.catch(() => undefined);
        return next;
      };
      const controlTimer = serveRestartRequests(paths, restartApiServer, log);

      const kubectl = linkKubectl(binDir, binaries.kubernetesVersion, log);
      const env: Record<string, string> = { KUBECONFIG: paths.kubeconfig };
      if (kubectl) {
        env.KUBECTL = kubectl;
        // The env file prepends the new directory to the reader's PATH, so `kubectl` is the fitting one.
        env.PATH = [binDir, context.env.PATH ?? process.env.PATH ?? ''].filter(Boolean).join(path.delimiter);
      }
      const running: RunningKube = {
        name: 'kubernetes',
        children,
        env,
        endpoints: { 'Kubernetes API': url, kubeconfig: paths.kubeconfig },
        url,
        kubeconfig: paths.kubeconfig,
        kubectl,
        etcd,
        apiServer: () => {
          if (!apiServer) throw new Error('kube-apiserver is not running');
          return apiServer;
        },
        restartApiServer,
        async stop() {
          stopping = true;
          clearInterval(controlTimer);
          await restarting;
          await stopAll();
        },
      };
      return running;
    },
  };
}

/** The stack's Kubernetes API: kube-apiserver on etcd, built from dev/kube, CRDs from config/crd. */
export const kubeComponent = createKubeComponent();
