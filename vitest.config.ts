import { defineConfig } from "vitest/config";
import SummaryReporter from "./test/support/summary-reporter.js";
import { TAGS } from "./test/support/tags.js";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    tags: TAGS,
    reporters: ["default", new SummaryReporter()],
  },
});
