import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { loadCatalogFile } from "../src/catalog/load.js";
import { packageRoot } from "../src/paths.js";
import { benchAlerts } from "./alerts.js";
import { benchBundle } from "./bundle-bench.js";
import { benchIngest, fixtureAvailable } from "./ingest.js";
import { benchDigest } from "./digest.js";
import { benchInteractions, benchInteractionsUnderPageLoad } from "./interaction.js";
import { benchLookup, loadQueries } from "./lookup.js";
import { scoreLabelledSets } from "./lookup-accuracy.js";
import { benchOursAlone } from "./lookup-ours.js";
import { benchScale } from "./scale.js";
import { benchRelevance } from "./relevance-run.js";
import { benchVotes } from "./votes.js";

const repoRoot = packageRoot();

const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    only: { type: "string", multiple: true },
    corpus: { type: "string", default: "100000" },
    /** The arXiv RSS captures for `ingest` (default: ../shared/fixtures/real/arxiv-rss, else the committed copy under test/). */
    fixtures: { type: "string" },
    "scale-servers": { type: "string", default: "10000" },
    "scale-seconds": { type: "string", default: "240" },
    /** Extra node/V8 flags for the bot, space-separated (e.g. "--cpu-prof --cpu-prof-dir=/tmp/p", "--trace-gc"). */
    "scale-node-args": { type: "string", default: "" },
    /** A file for the bot's stdout (where --trace-gc writes). */
    "scale-bot-stdout": { type: "string" },
    "scale-max-concurrency": { type: "string", default: "1" },
    /** Another build of the bot to measure (e.g. a copy of dist-bench from before a change), for before/after runs. */
    "scale-main": { type: "string", default: resolve(repoRoot, "dist-bench", "src", "main.js") },
    // The relevance evaluation: a JSON file or a folder of them (every *.json: drop a held-out set in), and the day.
    eval: { type: "string", default: resolve(repoRoot, "test", "fixtures", "eval") },
    day: {
      type: "string",
      default: resolve(repoRoot, "test", "fixtures", "real", "arxiv-rss", "tamnd-arxiv-cli__rss_cs.CL_2026-08-13.xml"),
    },
  },
});
const wanted = (section: string) => !values.only || values.only.includes(section);
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const result: Record<string, unknown> = {};

if (wanted("lookup")) {
  const catalog = loadCatalogFile(resolve(repoRoot, "data", "catalog.json"));
  log(`ours alone: ${values.corpus} papers, build and serve in child processes that load only our resolver`);
  const alone = benchOursAlone(repoRoot, Number(values.corpus));
  log(`ours alone: ${JSON.stringify(alone)}`);
  const lookup = benchLookup(catalog, loadQueries(repoRoot), Number(values.corpus), log);
  // Top-1 of every labelled set over the reading list alone (as the tests score them): "correct/total".
  const labelled = Object.fromEntries(
    Object.entries(scoreLabelledSets(repoRoot)).map(([name, score]) => [name, `${score.correct}/${score.total}`]),
  );
  log(`labelled sets: ${JSON.stringify(labelled)}`);
  result["lookup"] = { ...lookup, ours: { ...lookup.ours, ...alone }, labelled };
}

if (wanted("interaction")) {
  log("interaction: 500 /paper interactions over the loopback gateway");
  result["interaction"] = await benchInteractions(
    loadQueries(repoRoot).map((query) => query.query),
    500,
  );
}

if (wanted("bundle")) {
  log("bundle: build for the catalog and 10,000 papers; downloads with 50 concurrent clients");
  const catalog = loadCatalogFile(resolve(repoRoot, "data", "catalog.json"));
  const papers = catalog.map((entry, position) => ({
    ...entry,
    position,
    source: "catalog" as const,
    addedAt: "2026-01-01T00:00:00.000Z",
  }));
  const figures = await benchBundle(papers);
  result["bundle"] = { build_ms: figures.build_ms_catalog, build_ms_10k: figures.build_ms_10k, papers: papers.length };
  result["http"] = {
    download_rps: figures.download_rps,
    baseline_rps: figures.baseline_rps,
    ratio: figures.ratio,
    cpu_ratio: figures.cpu_ratio,
    download_cpu_us: figures.download_cpu_us,
    baseline_cpu_us: figures.baseline_cpu_us,
    concurrency: 50,
    requests: figures.requests,
  };
}

if (wanted("http") || wanted("bundle")) {
  log("http: /paper acknowledgements while 50 clients loop on /digest, /digest.atom and / (200 stored editions)");
  const underLoad = await benchInteractionsUnderPageLoad(
    loadQueries(repoRoot).map((query) => query.query),
    { count: 200, clients: 50, editions: 200, papersPerEdition: 40 },
  );
  log(`http: ${JSON.stringify(underLoad)}`);
  const http = (result["http"] ?? {}) as Record<string, unknown>;
  result["http"] = {
    ...http,
    ack_p99_under_page_load_ms: underLoad.ack_p99_ms,
    ack_p50_under_page_load_ms: underLoad.ack_p50_ms,
    page_load: {
      clients: underLoad.clients,
      editions: underLoad.editions,
      interactions: underLoad.interactions,
      page_rps: underLoad.page_rps,
      page_failures: underLoad.page_failures,
    },
  };
}

if (wanted("alerts")) {
  log("alerts: deciding and recording one paper's alerts for 10,000 and 100,000 followers with mixed topics");
  result["alerts"] = benchAlerts(log);
}

if (wanted("ingest")) {
  const committed = resolve(repoRoot, "test", "fixtures", "real", "arxiv-rss");
  const fixtures =
    values.fixtures ?? [resolve(repoRoot, "..", "shared", "fixtures", "real", "arxiv-rss"), committed].find(fixtureAvailable) ?? committed;
  if (fixtureAvailable(fixtures)) {
    log("ingest: 2,000 real arXiv items with fresh ids, bare rss-parser vs parse + dedupe + score + commit");
    result["ingest"] = await benchIngest({ fixtureDir: fixtures, catalogPath: resolve(repoRoot, "data", "catalog.json") });
  } else log(`ingest: skipped, no arXiv fixtures in ${fixtures} (--fixtures DIR)`);
}

if (wanted("relevance")) {
  log(`relevance: landmarks in ${values.eval} mixed into the real day ${values.day}; ours, arxiv-sanity tf-idf, keyword count`);
  result["relevance"] = await benchRelevance({
    evalPath: values.eval,
    dayPath: values.day,
    catalogPath: resolve(repoRoot, "data", "catalog.json"),
  });
}

if (wanted("digest")) {
  log("digest: deciding each follower's content (1,000 new papers) for 10,000 and 100,000 followers; rendering");
  result["digest"] = benchDigest(log);
}

if (wanted("scale")) {
  const servers = Number(values["scale-servers"]);
  const seconds = Number(values["scale-seconds"]);
  log(
    `scale: the bot in its own process with ${servers} servers; 20 /paper + 20 autocompletes + 50 gateway events a second for ${seconds} s once ready`,
  );
  result["scale"] = await benchScale({
    servers,
    seconds,
    maxConcurrency: Number(values["scale-max-concurrency"]),
    nodeArgs: values["scale-node-args"].split(" ").filter((arg) => arg.length > 0),
    ...(values["scale-bot-stdout"] ? { botStdout: resolve(values["scale-bot-stdout"]) } : {}),
    mainJs: resolve(values["scale-main"]),
    catalogPath: resolve(repoRoot, "data", "catalog.json"),
    log,
  });
  log(`scale: ${JSON.stringify(result["scale"])}`);
}

if (wanted("votes")) {
  log("votes: 10,000 votes on 1,000 papers by 5,000 members, each press timed; then /top for each period");
  result["votes"] = await benchVotes(log);
}

// Peak resident memory of the whole run (the lookup section, with all three indexes over 100k papers, dominates).
result["rss_mb"] = Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
process.stdout.write(values.json ? JSON.stringify(result) + "\n" : JSON.stringify(result, null, 2) + "\n");
