import type { Reporter, TestCase, TestModule, Vitest } from "vitest/node";
import { UNLICENSED_CAPTURE } from "./tags.js";

/**
 * Ends the run with the plain "N passed, N failed, N skipped" line that CI reads, and fails a full run that skipped
 * anything but a test tagged UNLICENSED_CAPTURE (which reads ../shared, absent from a plain clone): a missing build, tool
 * or committed fixture must not turn into a green run. Runs narrowed by name or tag (-t, --tags-filter) only report.
 */
export default class SummaryReporter implements Reporter {
  private narrowed = false;

  onInit(vitest: Vitest): void {
    const config = vitest.config;
    this.narrowed = config.testNamePattern !== undefined || (config.tagsFilter?.length ?? 0) > 0;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0, allowed: 0 };
    const unexplained: TestCase[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") counts.passed += 1;
        else if (state === "failed") counts.failed += 1;
        else {
          counts.skipped += 1;
          if (test.tags.includes(UNLICENSED_CAPTURE)) counts.allowed += 1;
          else unexplained.push(test);
        }
      }
    }
    const out = process.stdout;
    out.write(
      `\nvitest: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped (${counts.allowed} allowed: tests of unlicensed captures without ../shared)\n`,
    );
    if (unexplained.length === 0 || this.narrowed) return;
    out.write(
      `vitest: ${unexplained.length} skipped test(s) without the "${UNLICENSED_CAPTURE}" tag; only an unlicensed capture may skip (build first, install the tool, or commit the fixture):\n`,
    );
    for (const test of unexplained) out.write(`  - ${test.module.moduleId}: ${test.fullName}\n`);
    process.exitCode = 1;
  }
}
