#!/usr/bin/env node
'use strict';
const path = require('node:path');

// The project runs on the Node 24 that `npm ci` installs (the `node` dev dependency); npm scripts
// and npx put it first on PATH. Started by an older Node (a bare `efs-orchestrator` found on PATH,
// whose `node` is the system's), the CLI runs itself again on that one, or says how to get it.
const requiredNodeMajor = 24;

if (Number(process.versions.node.split('.')[0]) >= requiredNodeMajor) {
  // The compiled CLI; `npm ci` builds it (the `prepare` script).
  require('../dist/src/cli/main.js').main(process.argv.slice(2));
} else {
  const fs = require('node:fs');
  const { constants } = require('node:os');
  const repo = path.join(__dirname, '..');
  const pinnedNode = path.join(repo, 'node_modules', 'node', 'bin', 'node');
  if (!fs.existsSync(pinnedNode)) {
    process.stderr.write(
      `efs-orchestrator needs Node ${requiredNodeMajor}, but runs on Node ${process.version} (${process.execPath}) ` +
        `and ${pinnedNode} does not exist: run \`npm ci\` in ${repo} (it installs Node ${requiredNodeMajor}), ` +
        `or put a Node ${requiredNodeMajor} first on PATH.\n`,
    );
    process.exit(1);
  }
  const child = require('node:child_process').spawn(pinnedNode, [__filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  // A terminal's Ctrl-C and hang-up reach the child in the same process group by themselves; a
  // signal sent to this process alone is passed on.
  process.on('SIGINT', () => undefined);
  process.on('SIGHUP', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('error', (err) => {
    process.stderr.write(`efs-orchestrator could not start ${pinnedNode}: ${err.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(signal ? 128 + constants.signals[signal] : (code ?? 1)));
}
