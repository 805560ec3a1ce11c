import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { cruise, type ICruiseResult } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import { describe, expect, it } from "vitest";
import { repoRoot, tempDir } from "./support/app.js";

/** The repository's dependency-cruiser rules (.dependency-cruiser.cjs), run over `roots` under `baseDir`. */
async function cruiseWithRules(baseDir: string, roots: string[]): Promise<ICruiseResult> {
  const options = await extractDepcruiseOptions(join(repoRoot, ".dependency-cruiser.cjs"));
  const result = await cruise(roots, { ...options, baseDir });
  if (typeof result.output === "string") throw new Error("dependency-cruiser returned text instead of a result");
  return result.output;
}

const violationsOf = (result: ICruiseResult) =>
  result.summary.violations.map((violation) => `${violation.rule.name}: ${violation.from} → ${violation.to}`);

describe("architecture", () => {
  it("has no import cycles, no feature → adapter import, no discord.js in features, and the db layer below the catalog", async () => {
    const result = await cruiseWithRules(repoRoot, ["src", "commands"]);
    expect(violationsOf(result)).toEqual([]);
    // Not vacuous: every module of src/ and commands/ was read.
    expect(result.summary.totalCruised).toBeGreaterThan(150);
  }, 60_000);

  it("the rules catch what they forbid (a cycle, a feature importing an adapter, discord.js in a feature)", async () => {
    const dir = tempDir("paperbot-depcruise-");
    const files: Record<string, string> = {
      "src/digest/run.ts": `import { send } from "../discord/rest.js";\nexport const run = () => send();\n`,
      "src/discord/rest.ts": `import { run } from "../digest/run.js";\nexport const send = () => run;\n`,
      "src/moderation/guilds.ts": `import { Client } from "discord.js";\nexport const client = Client;\n`,
      "src/db/papers.ts": `import { resolve } from "../catalog/resolve.js";\nexport const papers = resolve;\n`,
      "src/catalog/resolve.ts": `export const resolve = 1;\n`,
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const names = violationsOf(await cruiseWithRules(dir, ["src"])).map((line) => line.split(":")[0]);
    expect(new Set(names)).toEqual(new Set(["no-cycles", "no-feature-to-adapter", "no-discord-js-in-features", "db-below-catalog"]));
  }, 60_000);

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
