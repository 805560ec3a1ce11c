/**
 * Layer rules for paperbot, checked by `npm test` (depcruise src commands) and test/architecture.test.ts.
 * Features never import the adapters or discord.js; no import cycles. The swc parser reads TypeScript without the
 * compiler (dependency-cruiser does not support TypeScript 7 yet) and does not tell `import type` apart, so the
 * cycle rule holds for type imports too: stricter than "no runtime cycles".
 */
const features = "^src/(catalog|arxiv|moderation|digest|bundle|follows|shared|db|i18n)/";
const adapters = "^(src/(discord|http|cli)/|commands/)";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment: "No module reaches itself through its imports (type imports included).",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-feature-to-adapter",
      severity: "error",
      comment: "Features (catalog, arxiv, moderation, digest, bundle, follows, shared, db, i18n) never import the adapters (discord, http, cli, commands).",
      from: { path: features },
      to: { path: adapters },
    },
    {
      name: "db-below-catalog",
      severity: "error",
      comment: "src/db knows the catalog's vocabulary (schema.ts, types.ts), never its logic: the catalog builds on the db layer.",
      from: { path: "^src/db/" },
      to: { path: "^src/catalog/", pathNot: "^src/catalog/(schema|types)\\.ts$" },
    },
    {
      name: "no-discord-js-in-features",
      severity: "error",
      comment: "Features speak the transport-neutral vocabulary in src/shared, never discord.js.",
      from: { path: features },
      to: { path: "(^|node_modules/)(discord\\.js|@discordjs/|discord-api-types)" },
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
