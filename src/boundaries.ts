/**
 * Which folder of src/ may depend on which at run time: the one list of the layering that
 * DESIGN.md describes. test/unit/boundaries.test.ts parses the imports of every file under src/
 * (`import`, `export ... from`, `require()`, `require.resolve()`, `import()`), resolves them to
 * paths and fails on each one that a rule below does not allow, naming the file, the import and
 * the rule. Type-only imports (`import type`, imports whose every name is `type X`) do not count:
 * the compiler erases them.
 *
 * A rule is keyed by a folder (or a single file, which then has its own rule) and says what files
 * there may import besides their own folder: folders or single modules, as paths from the
 * repository root (a `*` segment stands for any one: `src/*` is every folder of src/), and, where `packages` is given, the only
 * packages allowed (`node:*` is every Node built-in, `@scope/*` every package of a scope). A file
 * takes the rule of its longest matching key; a folder of src/ without a rule fails the test.
 *
 * To see the test fail, plant a forbidden import by hand, e.g. add a run-time import of
 * `KindClient` from `../kube/client` to src/domain/plan.ts and run
 * `npx jest test/unit/boundaries.test.ts`: it reports
 * "src/domain/plan.ts:N imports '../kube/client' (src/kube/client), but src/domain may import
 * only ...". The test also plants such files in a temporary tree on every run.
 */
export interface BoundaryRule {
  /** What files here may import besides their own folder (paths from the repository root). */
  mayImport: readonly string[];
  /** When given, the only packages they may import at run time. */
  packages?: readonly string[];
  /** Why: shown with every violation. */
  why: string;
}

/** Packages that are deterministic and do no I/O: usable from workflow code and pure modules. */
const deterministicPackages = ['@temporalio/workflow', '@temporalio/common'];

export const boundaries: Readonly<Record<string, BoundaryRule>> = {
  'src/boundaries.ts': {
    mayImport: [],
    packages: [],
    why: 'this file is data: it imports nothing',
  },
  'src/shared': {
    mayImport: [],
    why: 'configuration parsing, logging, JSON and paths are the leaves every other folder builds on',
  },
  'src/api': {
    mayImport: [],
    packages: deterministicPackages,
    why:
      'the resources as types, CRD schema sources and the workflow contract: workflow code imports them, ' +
      'so they stay pure (no I/O, no orchestrator internals)',
  },
  'src/api/generate-crds.ts': {
    mayImport: ['src/shared/paths'],
    packages: ['node:fs', 'node:path', 'yaml'],
    why: 'the generator script writes config/crd from the api sources; it is the only I/O of src/api',
  },
  'src/domain': {
    mayImport: ['src/api', 'src/shared/json'],
    packages: ['@temporalio/common'],
    why: 'pure functions (spec to EFS input, plans, error classes and classification, conditions): no I/O',
  },
  'src/kinds': {
    mayImport: ['src/api', 'src/domain'],
    packages: deterministicPackages,
    why:
      'a kind is a descriptor (data the workflow engine reads) and a resource manager whose EFS and Kubernetes ' +
      'clients are passed in, so the whole folder stays pure and safe in the workflow bundle',
  },
  'src/workflows': {
    mayImport: ['src/api', 'src/domain', 'src/kinds/kind', 'src/kinds/descriptors', 'src/kinds/*/descriptor'],
    packages: deterministicPackages,
    why:
      'workflow code is replayed deterministically: besides its own deterministic helpers (lifecycle.ts) ' +
      "it uses only the pure api, domain and the kinds' descriptors (managers run in activities); " +
      'activities are imported as types only',
  },
  'src/aws': {
    mayImport: ['src/domain', 'src/metrics', 'src/shared'],
    why: 'the EFS client: AWS calls, counted (the EFS task queue limits their rate); it knows nothing of Kubernetes or Temporal',
  },
  'src/kube': {
    mayImport: ['src/api', 'src/domain', 'src/shared'],
    why: 'the Kubernetes client of the orchestrator objects (reads, status, finalizers, Events); no AWS, no Temporal',
  },
  'src/metrics': {
    mayImport: ['src/api', 'src/domain', 'src/kube', 'src/shared'],
    why: 'Prometheus instruments and their server; read by every process, depending on none of them',
  },
  'src/temporal': {
    mayImport: ['src/api', 'src/shared'],
    why:
      'the Temporal connection and its settings (defaults from the workflow contract), used by the worker, ' +
      'the watcher and the CLI alike: it must not depend on the CLI',
  },
  'src/activities': {
    mayImport: ['src/api', 'src/domain', 'src/kinds', 'src/aws', 'src/kube', 'src/metrics', 'src/shared'],
    why:
      'activities do the I/O of a workflow step through the EFS and Kubernetes clients; only the observer ' +
      '(src/activities/observer.ts) signals workflows, through the worker client its activity context carries',
  },
  'src/watcher': {
    mayImport: ['src/api', 'src/domain', 'src/kube/client', 'src/metrics', 'src/shared', 'src/temporal'],
    packages: ['node:*', '@kubernetes/client-node', '@temporalio/client', '@temporalio/common'],
    why:
      'the watcher only turns Kubernetes events into workflow signals: it reads objects (src/kube/client, ' +
      'through its read-only client) and never calls AWS nor writes status, finalizers or Events',
  },
  'src/worker': {
    mayImport: [
      'src/activities',
      'src/api',
      'src/aws',
      'src/domain',
      'src/kube',
      'src/metrics',
      'src/shared',
      'src/temporal',
      'src/workflows',
    ],
    why: 'the worker wires activities to their clients and bundles the workflows; it is not the CLI',
  },
  'src/history': {
    mayImport: ['src/api', 'src/shared', 'src/temporal', 'src/worker', 'src/workflows'],
    why: 'recording and replaying workflow histories needs the workflow bundle and the worker runtime, nothing else',
  },
  'src/cli': {
    mayImport: ['src/*', 'dev'],
    why:
      'the command line is the composition root: it may use every folder, and it alone reaches dev/ ' +
      '(the local stack and the emulator commands); nothing imports it',
  },
};
