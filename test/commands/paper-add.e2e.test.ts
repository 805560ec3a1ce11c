import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MessageFlags } from "discord.js";
import { parse as parseCsv } from "csv-parse/sync";
import { runCli, type CliIo } from "../../src/cli/index.js";
import { parseCatalog } from "../../src/catalog/load.js";
import { addedFromAbstract, entryFromArxiv } from "../../src/moderation/papers.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { startArxivApiServer, type ArxivApiServer } from "../support/arxiv-api-server.js";
import { autocomplete, option } from "../support/interactions.js";
import { as, command, createGuildRole, customIds, modalSubmit, MOD_ROLE, press, send } from "../support/moderation.js";
import { BUNDLE_FOLDER } from "../../src/bundle/common.js";
import { unzipTexts } from "../support/zip.js";
import { testEnv } from "../support/app.js";

const HIGGS = "Observation of a new particle in the search for the Standard Model Higgs boson with the ATLAS detector at the LHC";

function cli(t: TestBot, arxivUrl?: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (text) => void out.push(text), stderr: (text) => void err.push(text), stdin: async function* () {}, env: testEnv({ DATABASE_PATH: join(t.dataDir, "paperbot.db"), ARXIV_REQUEST_INTERVAL_MS: "0", ...(arxivUrl ? { ARXIV_API_URL: arxivUrl } : {}) }) };
  return { io, stdout: () => out.join(""), stderr: () => err.join("") };
}

/** A moderator-added paper made without arXiv, so each test owns its data. */
function seedAdded(t: TestBot, arxivId: string, title: string) {
  const record = {
    arxivId, version: 1, title, abstract: `An abstract about ${title}. It has two sentences.`, authors: ["Ada Author"], categories: ["cs.CL"],
    primaryCategory: "cs.CL", published: "2024-02-01T00:00:00Z", updated: "2024-02-01T00:00:00Z", comment: null,
    absUrl: `https://arxiv.org/abs/${arxivId}`, pdfUrl: `https://arxiv.org/pdf/${arxivId}`,
  };
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

  it("a member is refused before arXiv is asked; a moderator hears which failure arXiv gave", async () => {
    const requestsBefore = arxiv.requests.length;
    const auditBefore = t.bot.ctx.moderation.audit.latest(1)[0]?.id ?? 0;
    const refused = await command(t, { name: "paper-add", ...as.member, options: [option.string("arxiv", "1207.7214")] });
    expect(refused.body.data).toMatchObject({ flags: MessageFlags.Ephemeral, content: expect.stringMatching(/Only moderators/) });
    expect(arxiv.requests).toHaveLength(requestsBefore);

    const listed = await command(t, { name: "paper-add", ...as.moderator, options: [option.string("arxiv", "https://arxiv.org/abs/1706.03762v7")] });
    expect(listed.body.data.content).toBe("**Attention Is All You Need** is already in the list (`attention-is-all-you-need`). Nothing was added.");
    const error = await command(t, { name: "paper-add", ...as.moderator, options: [option.string("arxiv", "2301.00001")] });
    expect(error.body.data.content).toBe("arXiv answered with an error for 2301.00001: “incorrect id format for 1234.12345”. Check the id.");
    const none = await command(t, { name: "paper-add", ...as.roleModerator, options: [option.string("arxiv", "arXiv:2411.99999")] });
    expect(none.body.data.content).toBe("arXiv has no paper 2411.99999 (the search gave zero results). Check the id.");
    const badTopic = await command(t, { name: "paper-add", ...as.moderator, options: [option.string("arxiv", "1207.7214"), option.string("topics", "physics")] });
    expect(badTopic.body.data.content).toMatch(/Unknown topics: physics/);
    expect(t.bot.ctx.moderation.audit.latest(1)[0]?.id ?? 0).toBe(auditBefore);
  });

  it("previews, refuses a member's confirm, adds on a moderator's confirm, and serves the paper everywhere at once", async () => {
    const bundleBefore = t.bot.ctx.bundle.link(new Date());
    if (!bundleBefore) throw new Error("no bundle link");
    const preview = await command(t, { name: "paper-add", ...as.moderator, options: [option.string("arxiv", "1207.7214"), option.string("topics", "retrieval, agents")] });
    expect(preview.body.data.flags).toBe(MessageFlags.Ephemeral);
    expect(preview.body.data.content).toMatch(/^Add this paper to the reading list\? Topics: Retrieval, Agents\. Until a moderator writes a summary/);
    expect(preview.body.data.embeds?.[0]).toMatchObject({ title: HIGGS, url: "https://arxiv.org/abs/1207.7214", footer: { text: "arXiv:1207.7214v2" } });
    const [confirm, cancel] = customIds(preview.body);
    expect(confirm).toBe("paper-add:yes:1207.7214:5+7");
    expect(cancel).toBe("paper-add:no:1207.7214");

    for (const customId of [confirm ?? "", cancel ?? ""]) {
      const memberPress = await send(t, press({ customId, message: preview.message(), ...as.member }));
      expect(memberPress.data.content, customId).toMatch(/Only moderators/);
    }
    expect(t.bot.app.catalog.papers.some((paper) => paper.arxivId === "1207.7214")).toBe(false);

    const added = await send(t, press({ customId: confirm ?? "", message: preview.message(), ...as.moderator }));
    expect(added.type).toBe(7);
    expect(added.data.content).toMatch(/^Added \*\*Observation of a new particle.*\(`observation-of-a-new-particle-in`\)/);
    const again = await send(t, press({ customId: confirm ?? "", message: preview.message(), ...as.moderator }));
    expect(again.data.content).toMatch(/already in the list/);

    // /paper by title: the abstract, marked as such; in Japanese, English with a note.
    const found = await command(t, { name: "paper", options: [option.string("query", "new particle Higgs boson ATLAS")] });
    expect(found.body.data.embeds?.[0]?.title).toBe(HIGGS);
    expect(found.body.data.embeds?.[0]?.description).toMatch(/^\*The authors' abstract \(no summary written yet\)\.\*\n/);
    // Nothing arXiv doesn't give us: no organisation (a category is not one), no key results.
    expect(found.body.data.embeds?.[0]?.fields?.map((field) => field.name)).toEqual(["Authors", "Year", "Topics"]);
    const japanese = await command(t, { name: "paper", locale: "ja", options: [option.string("query", "1207.7214")] });
    // One note says both: no Japanese summary yet, and this is the authors' (English) abstract.
    expect(japanese.body.data.embeds?.[0]?.description).toMatch(/要約はまだ書かれていません。著者による英語のアブストラクトを表示しています。/);
    expect(japanese.body.data.embeds?.[0]?.description).not.toMatch(/日本語の要約はまだありません/);
    // Autocomplete, /papers, related papers.
    const choices = autocomplete({ name: "paper", options: [option.focused("query", "higgs")] });
    const answered = t.harness.waitForRequest({ method: "POST", path: `/interactions/${choices.id}/${choices.token}/callback` });
    t.harness.dispatchInteraction(choices);
    expect(JSON.stringify((await answered).body)).toContain("observation-of-a-new-particle-in");
    const list = await command(t, { name: "papers", options: [option.string("topic", "agents")] });
    expect(list.body.data.embeds?.[0]?.description).toContain("Observation of a new particle");
    const related = await send(t, press({ customId: "related:observation-of-a-new-particle-in", message: found.message() }));
    expect(related.data.embeds?.[0]?.title).toMatch(/Observation of a new particle/);
    expect(related.data.embeds?.[0]?.description).toMatch(/`[a-z0-9-]+`/);

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
    expect(t.bot.ctx.moderation.audit.latest(1)[0]).toMatchObject({ action: "paper.add", actor: { id: as.moderator.user.id }, target: "paper:observation-of-a-new-particle-in" });
  });

  it("/paper-edit opens a modal; the saved Japanese summary is served, and catalog sync leaves edits and additions alone", async () => {
    const seeded = seedAdded(t, "2402.00001", "Retrieval heads in long context models");
    const refused = await command(t, { name: "paper-edit", ...as.member, options: [option.string("paper", "lora")] });
    expect(refused.body.data.content).toMatch(/Only moderators/);
    const opened = await command(t, { name: "paper-edit", ...as.roleModerator, options: [option.string("paper", seeded.id)] });
    expect(opened.body.type).toBe(9);
    const modal = opened.body.data as unknown as { custom_id: string; components: { components: { custom_id: string; value?: string }[] }[] };
    expect(modal.custom_id).toBe(`paper-edit:${seeded.id}`);
    expect(modal.components.map((row) => row.components[0]?.custom_id)).toEqual(["summary_en", "summary_ja", "aliases", "topics"]);

    const fields = { summary_en: "", summary_ja: "長文脈モデルの検索ヘッドについての論文。", aliases: "Retrieval heads, RetHeads", topics: "retrieval, agents" };
    const memberSubmit = await send(t, modalSubmit({ customId: modal.custom_id, fields, ...as.member }));
    expect(memberSubmit.data.content).toMatch(/Only moderators/);
    expect(t.bot.app.catalog.get(seeded.id)?.aliases).toEqual([]);
    const saved = await send(t, modalSubmit({ customId: modal.custom_id, fields, ...as.roleModerator }));
    expect(saved.data.content).toBe("Saved your changes to **Retrieval heads in long context models**.");
    const japanese = await command(t, { name: "paper", locale: "ja", options: [option.string("query", "RetHeads")] });
    expect(japanese.body.data.embeds?.[0]?.description).toMatch(/長文脈モデルの検索ヘッド/);
    expect(japanese.body.data.embeds?.[0]?.description).not.toMatch(/英語で表示/);

    const lora = t.bot.app.catalog.get("lora");
    await send(t, modalSubmit({ customId: "paper-edit:lora", fields: { summary_en: "Edited by a moderator.", summary_ja: "", aliases: (lora?.aliases ?? []).join(", "), topics: "fine-tuning" }, ...as.moderator }));
    expect(t.bot.app.catalog.get("lora")?.summary.en).toBe("Edited by a moderator.");
    const report = t.bot.app.resyncCatalog();
    expect(report.skipped).toContain("lora");
    expect(t.bot.app.catalog.get("lora")?.summary.en).toBe("Edited by a moderator.");
    expect(t.bot.app.catalog.get(seeded.id)).toBeDefined();

    // The merged list, in the catalog file's format, loads back through the catalog's own schema.
    const exported = cli(t);
    expect(await runCli(["catalog", "export", "--out", join(t.dataDir, "catalog.json")], exported.io)).toBe(0);
    const file = parseCatalog("export", JSON.parse(readFileSync(join(t.dataDir, "catalog.json"), "utf8")));
    expect(file.papers).toHaveLength(t.bot.app.catalog.size);
    expect(file.papers.find((paper) => paper.id === "lora")?.summary.en).toBe("Edited by a moderator.");
    expect(file.papers.find((paper) => paper.id === seeded.id)).toMatchObject({ arxivId: "2402.00001", aliases: ["Retrieval heads", "RetHeads"] });
    expect(t.bot.ctx.moderation.audit.latest(3).filter((entry) => entry.action === "paper.edit").map((entry) => entry.target)).toEqual(["paper:lora", `paper:${seeded.id}`]);
  });

  it("/paper-remove only takes moderator-added papers, asks first, and refuses a member's confirm", async () => {
    const seeded = seedAdded(t, "2402.00002", "Speculative decoding with draft heads");
    const id = seeded.id;
    const curated = await command(t, { name: "paper-remove", ...as.moderator, options: [option.string("paper", "lora")] });
    expect(curated.body.data.content).toMatch(/part of the curated catalog/);
    const choices = autocomplete({ name: "paper-remove", ...as.moderator, options: [option.focused("paper", "draft heads")] });
    const answered = t.harness.waitForRequest({ method: "POST", path: `/interactions/${choices.id}/${choices.token}/callback` });
    t.harness.dispatchInteraction(choices);
    expect(((await answered).body as { data: { choices: { value: string }[] } }).data.choices.map((choice) => choice.value)).toEqual([id]);

    const ask = await command(t, { name: "paper-remove", ...as.moderator, options: [option.string("paper", id)] });
    expect(customIds(ask.body)).toEqual([`paper-remove:yes:${id}`, `paper-remove:no:${id}`]);
    for (const customId of [`paper-remove:yes:${id}`, `paper-remove:no:${id}`]) {
      const memberPress = await send(t, press({ customId, message: ask.message(), ...as.member }));
      expect(memberPress.data.content, customId).toMatch(/Only moderators/);
    }
    expect(t.bot.app.catalog.get(id)).toBeDefined();
    const removed = await send(t, press({ customId: `paper-remove:yes:${id}`, message: ask.message(), ...as.roleModerator }));
    expect(removed.data.content).toBe("Removed **Speculative decoding with draft heads** from the reading list.");
    const gone = await command(t, { name: "paper", options: [option.string("query", "2402.00002")] });
    expect(gone.body.data.content).toMatch(/isn't in the reading list yet/);
    expect(t.bot.ctx.moderation.audit.latest(1)[0]).toMatchObject({ action: "paper.remove", target: `paper:${id}`, actor: { id: as.roleModerator.user.id }, after: null });
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
    expect(run.stdout()).toMatch(/^added [a-z0-9-]+: The Large N Limit of Superconformal Field Theories and Supergravity \(arXiv:hep-th\/9711200; topics foundations\)\nalerts recorded for 0 followers and 0 channels\n$/);
    const twice = cli(t, arxiv.url);
    expect(await runCli(["paper-add", "https://arxiv.org/abs/hep-th/9711200"], twice.io)).toBe(1);
    expect(twice.stderr()).toMatch(/already in the list/);
    const missing = cli(t, arxiv.url);
    expect(await runCli(["paper-add", "2411.99999"], missing.io)).toBe(1);
    expect(missing.stderr()).toMatch(/zero results/);
  });
});
