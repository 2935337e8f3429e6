// @kubernetes/client-node 1.x (and a few of its dependencies) ship only ES modules; jest's
// CommonJS runtime cannot require them on Node 20, so swc compiles them like our own sources.
const esmOnlyPackages = ['@kubernetes/client-node', 'openid-client', 'oauth4webapi', 'jose', 'jsonpath-plus', '@jsep-plugin', 'jsep'];
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }];

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(ts|js|mjs)$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyPackages.join('|')})/)`],
};
