/** Layer rules for paperbot (issue 16). Features never import adapters; no runtime import cycles. */
const features = "^src/(catalog|arxiv|moderation|digest|bundle|follows|shared|db|i18n)/";
const adapters = "^(src/(discord|http|cli)/|commands/)";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment: "Runtime imports form no cycle (type-only imports are erased by the compiler).",
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    {
      name: "no-feature-to-adapter",
      severity: "error",
      comment: "Features (catalog, arxiv, moderation, digest, bundle, follows, shared, db, i18n) never import the adapters (discord, http, cli, commands).",
      from: { path: features },
      to: { path: adapters },
    },
    {
      name: "no-discord-js-in-features",
      severity: "error",
      comment: "Features speak the transport-neutral vocabulary in src/shared, never discord.js.",
      from: { path: features },
      to: { path: "^node_modules/(discord\\.js|@discordjs|discord-api-types)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    parser: "swc",
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"], extensions: [".ts", ".js", ".d.ts"] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
