// @kubernetes/client-node (and a few of its dependencies) ship only ES modules; jest's CommonJS
// runtime implements require() itself and loads them only with --experimental-vm-modules, so swc
// compiles them like our own sources.
const esmOnlyPackages = [
  '@kubernetes/client-node',
  'openid-client',
  'oauth4webapi',
  'jose',
  'jsonpath-plus',
  '@jsep-plugin',
  'jsep',
];
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
];

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.(ts|js|mjs)$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyPackages.join('|')})/)`],
};

// One `npm test` runs three groups; jest runs a project's global setup only when one of its tests runs,
// so `npx jest test/unit` never waits for the stack.
module.exports = {
  projects: [
    {
      // Pure logic: no processes, no network.
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      // The workflow engine against a fake kind, on the stack's Temporal dev server binary (no AWS,
      // no Kubernetes): every kind's lifecycle rules, asserted exactly from workflow histories.
      ...common,
      displayName: 'workflow',
      testMatch: ['<rootDir>/test/workflow/**/*.test.ts'],
    },
    {
      // Tests that start what they need themselves: the stack's own pieces (in a temporary stack folder
      // on free ports), the EFS emulator and its conformance with moto, the packaging checks.
      ...common,
      displayName: 'stack',
      testMatch: ['<rootDir>/test/{stack,emulator,packaging}/**/*.test.ts'],
    },
    {
      // Everything else runs against the shared local stack (.stack/): reused when it is already
      // up, otherwise started by the global setup (the first run builds Kubernetes binaries: long)
      // and stopped again afterwards. Their env: stackEnv() from test/support/stack-env.ts.
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: [
        '/node_modules/',
        '<rootDir>/test/unit/',
        '<rootDir>/test/workflow/',
        '<rootDir>/test/stack/',
        '<rootDir>/test/emulator/',
        '<rootDir>/test/packaging/',
      ],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
  // Real servers and processes: generous per-test time.
  testTimeout: 180_000,
};
