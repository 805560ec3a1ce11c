/** Moderators' paper commands through the real bot: the whole path, gateway autocomplete, the bundle over HTTP, its debounced rebuild, the CLI. Replies: paper-add.test.ts. */
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MessageFlags } from "discord.js";
import { parse as parseCsv } from "csv-parse/sync";
import { runCli, type CliIo } from "../../src/cli/index.js";
import { addedFromAbstract, entryFromArxiv } from "../../src/moderation/papers.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { startArxivApiServer, type ArxivApiServer } from "../support/arxiv-api-server.js";
import { autocomplete, option } from "../support/interactions.js";
import { as, command, createGuildRole, customIds, MOD_ROLE, press, send } from "../support/moderation.js";
import { BUNDLE_FOLDER } from "../../src/bundle/common.js";
import { unzipTexts } from "../support/zip.js";
import { testEnv } from "../support/app.js";
import { sampleArxivRecord } from "../support/papers.js";

const HIGGS = "Observation of a new particle in the search for the Standard Model Higgs boson with the ATLAS detector at the LHC";

function cli(t: TestBot, arxivUrl?: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    stdin: async function* () {},
    env: testEnv({
      DATABASE_PATH: join(t.dataDir, "paperbot.db"),
      ARXIV_REQUEST_INTERVAL_MS: "0",
      ...(arxivUrl ? { ARXIV_API_URL: arxivUrl } : {}),
    }),
  };
  return { io, stdout: () => out.join(""), stderr: () => err.join("") };
}

/** A moderator-added paper made without arXiv, so each test owns its data. */
function seedAdded(t: TestBot, arxivId: string, title: string) {
  const record = sampleArxivRecord(arxivId, title);
  const entry = entryFromArxiv(record, ["retrieval"], (id) => t.bot.app.catalog.get(id) !== undefined);
  const added = t.bot.ctx.moderation.addPaper(entry, addedFromAbstract("seed"), { id: "seed", name: "seed" });
  if (!added.ok) throw new Error(added.key);
  return added.value;
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("/paper-add, /paper-edit, /paper-remove against a loopback arXiv API", () => {
  // Each test gets its own bot, database and arXiv server: no test sees another's papers.
  let t: TestBot;
  let arxiv: ArxivApiServer;
  beforeEach(async () => {
    arxiv = await startArxivApiServer();
    t = await startTestBot({
      env: { MODERATOR_ROLE_ID: MOD_ROLE, ARXIV_API_URL: arxiv.url, ARXIV_REQUEST_INTERVAL_MS: "0", BUNDLE_REBUILD_DELAY_SECONDS: "0" },
    });
    await createGuildRole(t, MOD_ROLE, "Moderators");
  });
  afterEach(async () => {
    await t?.close();
    await arxiv?.close();
  });

  it("end to end: preview, confirm (an update callback), gateway autocomplete, and the bundle served over HTTP lists the paper", async () => {
    const bundleBefore = t.bot.ctx.bundle.link(new Date());
    if (!bundleBefore) throw new Error("no bundle link");
    const preview = await command(t, {
      name: "paper-add",
      ...as.moderator,
      options: [option.string("arxiv", "1207.7214"), option.string("topics", "retrieval, agents")],
    });
    expect(preview.body.data.flags).toBe(MessageFlags.Ephemeral);
    expect(preview.body.data.content).toMatch(
      /^Add this paper to the reading list\? Topics: Retrieval, Agents\. Until a moderator writes a summary/,
    );
    expect(preview.body.data.embeds?.[0]).toMatchObject({
      title: HIGGS,
      url: "https://arxiv.org/abs/1207.7214",
      footer: { text: "arXiv:1207.7214v2" },
    });
    const [confirm, cancel] = customIds(preview.body);
    expect(confirm).toBe("paper-add:yes:1207.7214:5+7");
    expect(cancel).toBe("paper-add:no:1207.7214");

    const added = await send(t, press({ customId: confirm ?? "", message: preview.message(), ...as.moderator }));
    expect(added.type).toBe(7);
    expect(added.data.content).toMatch(/^Added \*\*Observation of a new particle.*\(`observation-of-a-new-particle-in`\)/);
    // Autocomplete over the gateway.
    const choices = autocomplete({ name: "paper", options: [option.focused("query", "higgs")] });
    const answered = t.harness.waitForRequest({ method: "POST", path: `/interactions/${choices.id}/${choices.token}/callback` });
    t.harness.dispatchInteraction(choices);
    expect(JSON.stringify((await answered).body)).toContain("observation-of-a-new-particle-in");
    // The bundle: rebuilt once, debounced; the link handed out before still works and now lists it.
    await waitFor(() => (t.bot.ctx.bundle.link(new Date())?.paperCount ?? 0) === t.bot.app.catalog.size);
    const download = await fetch(bundleBefore.url.replace(/^https?:\/\/[^/]+/, t.bot.http.url.replace(/\/$/, "")));
    expect(download.status).toBe(200);
    const files = await unzipTexts(Buffer.from(await download.arrayBuffer()), BUNDLE_FOLDER);
    const rows: string[][] = parseCsv(files.get("papers.csv") ?? "", { bom: true, columns: false });
    const higgs = rows.find((row) => row[1] === "1207.7214") ?? [];
    expect(higgs[4]).toBe("");
    expect(higgs[9]).toMatch(/^\(The authors' abstract \(no summary written yet\)\.\) /);
    expect(files.get("README.md")).toContain("Observation of a new particle");
    expect(t.bot.ctx.moderation.audit.latest(1)[0]).toMatchObject({
      action: "paper.add",
      actor: { id: as.moderator.user.id },
      target: "paper:observation-of-a-new-particle-in",
    });
  });

  it("ten additions in a row make one bundle rebuild", async () => {
    await waitFor(() => (t.bot.ctx.bundle.link(new Date())?.paperCount ?? 0) === t.bot.app.catalog.size);
    const builds = () => t.logs.records.filter((record) => record["msg"] === "bundle built" || record["message"] === "bundle built").length;
    const before = builds();
    for (let index = 0; index < 10; index += 1) seedAdded(t, `2403.${String(10_000 + index)}`, `Burst paper number ${index + 1}`);
    await waitFor(() => (t.bot.ctx.bundle.link(new Date())?.paperCount ?? 0) === t.bot.app.catalog.size);
    // That no second rebuild follows the burst is the debouncer's property, shown on a fake clock in test/moderation/debounce.test.ts.
    expect(builds() - before).toBe(1);
  });

  it("`paperbot paper-add` does the same from the shell", async () => {
    const run = cli(t, arxiv.url);
    expect(await runCli(["paper-add", "hep-th/9711200", "--topics", "foundations", "--by", "operator-olga"], run.io)).toBe(0);
    expect(run.stdout()).toMatch(
      /^added [a-z0-9-]+: The Large N Limit of Superconformal Field Theories and Supergravity \(arXiv:hep-th\/9711200; topics foundations\)\nalerts recorded for 0 followers and 0 channels\n$/,
    );
    const twice = cli(t, arxiv.url);
    expect(await runCli(["paper-add", "https://arxiv.org/abs/hep-th/9711200"], twice.io)).toBe(1);
    expect(twice.stderr()).toMatch(/already in the list/);
    const missing = cli(t, arxiv.url);
    expect(await runCli(["paper-add", "2411.99999"], missing.io)).toBe(1);
    expect(missing.stderr()).toMatch(/zero results/);
  });
});
