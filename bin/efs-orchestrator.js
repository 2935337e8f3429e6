#!/usr/bin/env node
'use strict';
// The AWS SDK is pinned to an exact version, so its notice that versions published after January
// 2027 need Node 22 says nothing about this build; the README's requirements note it once.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The compiled CLI; `npm ci` builds it (the `prepare` script).
require('../dist/src/cli/main.js').main(process.argv.slice(2));
