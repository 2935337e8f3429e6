// The AWS SDK is pinned to an exact version; its notice about versions published after January 2027
// needing Node 22 would otherwise repeat in every test's output (README, "Requirements", says it once).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
