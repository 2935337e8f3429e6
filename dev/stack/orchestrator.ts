import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../src/shared/paths';
import { type RunningComponent, type StackComponent, type StackContext } from './component';
import { spawnManaged, waitFor, type ManagedChild } from './process';

/**
 * Objects carrying this label belong to a test run with its own worker and watcher; the dev
 * stack's watcher leaves them alone, so `npm test` can share a running `npm run dev`.
 */
export const testRunLabel = 'efs-orchestrator.dev/test-run';

const cli = path.join(repoRoot, 'bin', 'efs-orchestrator.js');

/** The orchestrator itself on the dev stack: one `run` process, watcher and worker, as deployed. */
export const orchestratorComponent: StackComponent = {
  name: 'orchestrator',
  async install() {
    if (!fs.existsSync(path.join(repoRoot, 'dist', 'src', 'cli', 'main.js'))) {
      throw new Error('the orchestrator is not built: run `npm run build` (npm ci does it for you)');
    }
  },
  async start(ctx: StackContext): Promise<RunningComponent> {
    const child: ManagedChild = spawnManaged({
      name: 'orchestrator',
      command: process.execPath,
      args: [cli, 'run'],
      env: {
        ...process.env,
        ...ctx.env,
        WATCH_LABEL_SELECTOR: `!${testRunLabel}`,
        METRICS_PORT: String(ctx.ports.ORCHESTRATOR_METRICS_PORT),
        TEMPORAL_METRICS_BIND: `127.0.0.1:${ctx.ports.ORCHESTRATOR_SDK_METRICS_PORT}`,
        // As the image sets it: a small young generation (README, Operating: "One process").
        NODE_OPTIONS: [process.env.NODE_OPTIONS, '--max-semi-space-size=1'].filter(Boolean).join(' '),
      },
      logDir: ctx.logDir,
      log: ctx.log,
      onCrash: ctx.onCrash,
    });
    const children = [child];
    // Logs are appended across runs: only what this run writes counts.
    const logStart = fs.statSync(child.logFile).size;
    // It logs one JSON line when each half is ready; a crash before that fails the start with its log.
    await waitFor(
      `${child.name} to start (log: ${child.logFile})`,
      async () => {
        if (child.process.exitCode !== null)
          throw new Error(`${child.name} exited with ${child.process.exitCode}; see ${child.logFile}`);
        const written = fs.readFileSync(child.logFile, 'utf8').slice(logStart);
        return written.includes('"worker ready"') && written.includes('"watcher started"');
      },
      { timeoutMs: 120_000 },
    );
    return {
      name: 'orchestrator',
      children,
      env: {},
      endpoints: { 'orchestrator logs': ctx.logDir },
      async stop() {
        await Promise.all(children.map((c) => c.stop()));
      },
    };
  },
};
