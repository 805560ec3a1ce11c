import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { loadCatalogFile } from "../src/catalog/load.js";
import { packageRoot } from "../src/paths.js";
import { benchInteractions } from "./interaction.js";
import { benchLookup, loadQueries } from "./lookup.js";

const repoRoot = packageRoot();

const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    only: { type: "string", multiple: true },
    corpus: { type: "string", default: "100000" },
  },
});
const wanted = (section: string) => !values.only || values.only.includes(section);
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const result: Record<string, unknown> = {};

if (wanted("lookup")) {
  const catalog = loadCatalogFile(resolve(repoRoot, "data", "catalog.json"));
  result["lookup"] = benchLookup(catalog, loadQueries(repoRoot), Number(values.corpus), log);
}

if (wanted("interaction")) {
  log("interaction: 500 /paper interactions over the loopback gateway");
  result["interaction"] = await benchInteractions(
    loadQueries(repoRoot).map((query) => query.query),
    500,
  );
}

result["rss_mb"] = Math.round((process.memoryUsage().rss / 1024 / 1024) * 10) / 10;
process.stdout.write(values.json ? JSON.stringify(result) + "\n" : JSON.stringify(result, null, 2) + "\n");
