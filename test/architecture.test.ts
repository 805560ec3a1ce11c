import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./support/app.js";

/** Runtime (non-type) imports of a module: `import type …` is erased by the compiler and creates no cycle. */
function runtimeImports(file: string): string[] {
  const source = readFileSync(file, "utf8");
  return [...source.matchAll(/^import\s+(?!type\s)[^;]*?from\s+"([^"]+)"/gms)].map((match) => match[1] ?? "");
}

describe("architecture", () => {
  it("keeps the db layer below the catalog: src/db imports no catalog code at run time", () => {
    const dbDir = join(repoRoot, "src", "db");
    const offending = readdirSync(dbDir)
      .filter((name) => name.endsWith(".ts"))
      .flatMap((name) => runtimeImports(join(dbDir, name)).filter((target) => target.includes("/catalog/")).map((target) => `${name} → ${target}`));
    expect(offending).toEqual([]);
  });

  it("keeps SQL out of the resolver: the lookup stages reach the search indexes through src/db/search.ts", () => {
    const dirs = [join(repoRoot, "src", "catalog"), join(repoRoot, "src", "catalog", "lookup")];
    const withSql = dirs.flatMap((dir) =>
      readdirSync(dir)
        .filter((name) => name.endsWith(".ts"))
        .filter((name) => /\b(?:SELECT|INSERT|DELETE|UPDATE)\b[\s\S]*?\b(?:FROM|INTO|SET)\b/.test(readFileSync(join(dir, name), "utf8")))
        .map((name) => join(dir, name)),
    );
    expect(withSql).toEqual([]);
  });
});
