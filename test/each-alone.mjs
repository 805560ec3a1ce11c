#!/usr/bin/env node
// Runs every test of the given files on its own (`vitest run FILE -t NAME`) and reports the ones that
// fail alone. Usage: node test/each-alone.mjs test/discord/bot.e2e.test.ts test/commands/follow.e2e.test.ts
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: test/each-alone.mjs FILE...");
  process.exit(2);
}
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const out = mkdtempSync(join(tmpdir(), "each-alone-"));
let failures = 0;
let runs = 0;
try {
  for (const file of files) {
    const listed = JSON.parse(execFileSync("npx", ["vitest", "list", file, "--json"], { encoding: "utf8" }));
    for (const { name } of listed) {
      const own = name.split(" > ").at(-1);
      const report = join(out, `r${runs}.json`);
      runs += 1;
      const started = Date.now();
      spawnSync("npx", ["vitest", "run", file, "-t", escape(own), "--reporter=json", `--outputFile=${report}`], { encoding: "utf8" });
      let result;
      try {
        result = JSON.parse(readFileSync(report, "utf8"));
      } catch {
        result = { numPassedTests: 0, numFailedTests: 1, numTotalTests: 0 };
      }
      const passed = result.numPassedTests ?? 0;
      const failed = result.numFailedTests ?? 0;
      const ok = failed === 0 && passed >= 1;
      if (!ok) failures += 1;
      const status = ok ? "ok  " : passed === 0 && failed === 0 ? "SKIP" : "FAIL";
      if (status === "SKIP") failures -= 1;
      console.log(`${status} ${relative(process.cwd(), file)} :: ${name} (${passed} passed, ${failed} failed, ${Date.now() - started} ms)`);
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
console.log(`\n${runs} tests run alone, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
