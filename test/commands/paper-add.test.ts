/** /paper-add, /paper-edit and /paper-remove driven through the handlers, against a loopback arXiv API (no bot, no Discord). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, type CliIo } from "../../src/cli/index.js";
import { parseCatalog } from "../../src/catalog/load.js";
import { addedFromAbstract, entryFromArxiv } from "../../src/moderation/papers.js";
import { startArxivApiServer, type ArxivApiServer } from "../support/arxiv-api-server.js";
import { tempDir, testEnv } from "../support/app.js";
import {
  customIds,
  embedsOf,
  isPrivate,
  textOf,
  tickingClock,
  useDirect,
  who,
  type Direct,
  type DirectOptions,
} from "../support/direct.js";
import { MOD_ROLE, MODERATOR, ROLE_MODERATOR } from "../support/moderation.js";
import { sampleArxivRecord } from "../support/papers.js";

const HIGGS = "Observation of a new particle in the search for the Standard Model Higgs boson with the ATLAS detector at the LHC";

let arxiv: ArxivApiServer;
beforeEach(async () => {
  arxiv = await startArxivApiServer();
});
afterEach(async () => {
  await arxiv?.close();
});

function setUp(env: DirectOptions["env"] = {}): Direct {
  return useDirect({
    clock: tickingClock(),
    env: {
      MODERATOR_ROLE_ID: MOD_ROLE,
      ARXIV_API_URL: arxiv.url,
      ARXIV_REQUEST_INTERVAL_MS: "0",
      BUNDLE_REBUILD_DELAY_SECONDS: "60",
      ...env,
    },
  });
}

/** A moderator-added paper made without arXiv, so each test owns its data. */
function seedAdded(direct: Direct, arxivId: string, title: string) {
  const record = sampleArxivRecord(arxivId, title);
  const entry = entryFromArxiv(record, ["retrieval"], (id) => direct.app.catalog.get(id) !== undefined);
  const added = direct.ctx.moderation.addPaper(entry, addedFromAbstract("seed"), { id: "seed", name: "seed" });
  if (!added.ok) throw new Error(added.key);
  return added.value;
}

describe("/paper-add, /paper-edit, /paper-remove against a loopback arXiv API", () => {
  it("a member is refused before arXiv is asked; a moderator hears which failure arXiv gave", async () => {
    const direct = setUp();
    const requestsBefore = arxiv.requests.length;
    const auditBefore = direct.ctx.moderation.audit.latest(1)[0]?.id ?? 0;
    const refused = await direct.run("paper-add", { arxiv: "1207.7214" }, who.member);
    expect(isPrivate(refused)).toBe(true);
    expect(textOf(refused)).toMatch(/Only moderators/);
    expect(arxiv.requests).toHaveLength(requestsBefore);

    expect(textOf(await direct.run("paper-add", { arxiv: "https://arxiv.org/abs/1706.03762v7" }, who.moderator))).toBe(
      "**Attention Is All You Need** is already in the list (`attention-is-all-you-need`). Nothing was added.",
    );
    expect(textOf(await direct.run("paper-add", { arxiv: "2301.00001" }, who.moderator))).toBe(
      "arXiv answered with an error for 2301.00001: “incorrect id format for 1234.12345”. Check the id.",
    );
    expect(textOf(await direct.run("paper-add", { arxiv: "arXiv:2411.99999" }, who.roleModerator))).toBe(
      "arXiv has no paper 2411.99999 (the search gave zero results). Check the id.",
    );
    expect(textOf(await direct.run("paper-add", { arxiv: "1207.7214", topics: "physics" }, who.moderator))).toMatch(
      /Unknown topics: physics/,
    );
    expect(direct.ctx.moderation.audit.latest(1)[0]?.id ?? 0).toBe(auditBefore);
  });

  it("previews, refuses a member's confirm, adds on a moderator's confirm, and serves the paper everywhere at once", async () => {
    const direct = setUp();
    const preview = await direct.run("paper-add", { arxiv: "1207.7214", topics: "retrieval, agents" }, who.moderator);
    expect(isPrivate(preview)).toBe(true);
    expect(textOf(preview)).toMatch(/^Add this paper to the reading list\? Topics: Retrieval, Agents\. Until a moderator writes a summary/);
    expect(embedsOf(preview)[0]).toMatchObject({
      title: HIGGS,
      url: "https://arxiv.org/abs/1207.7214",
      footer: { text: "arXiv:1207.7214v2" },
    });
    const [confirm = "", cancel = ""] = customIds(preview);
    expect(confirm).toBe("paper-add:yes:1207.7214:5+7");
    expect(cancel).toBe("paper-add:no:1207.7214");

    for (const customId of [confirm, cancel]) expect(textOf(await direct.press(customId, who.member)), customId).toMatch(/Only moderators/);
    expect(direct.app.catalog.papers.some((paper) => paper.arxivId === "1207.7214")).toBe(false);

    const added = await direct.press(confirm, who.moderator);
    expect(added.kind).toBe("update");
    expect(textOf(added)).toMatch(/^Added \*\*Observation of a new particle.*\(`observation-of-a-new-particle-in`\)/);
    expect(textOf(await direct.press(confirm, who.moderator))).toMatch(/already in the list/);

    // /paper by title: the abstract, marked as such; in Japanese, English with a note.
    const found = embedsOf(await direct.run("paper", { query: "new particle Higgs boson ATLAS" }))[0];
    expect(found?.title).toBe(HIGGS);
    expect(found?.description).toMatch(/^\*The authors' abstract \(no summary written yet\)\.\*\n/);
    // Nothing arXiv doesn't give us: no organisation (a category is not one), no key results.
    expect(found?.fields?.map((field) => field.name)).toEqual(["Authors", "Year", "Topics"]);
    const japanese = embedsOf(await direct.run("paper", { query: "1207.7214" }, { locale: "ja" }))[0];
    // One note says both: no Japanese summary yet, and this is the authors' (English) abstract.
    expect(japanese?.description).toMatch(/要約はまだ書かれていません。著者による英語のアブストラクトを表示しています。/);
    expect(japanese?.description).not.toMatch(/日本語の要約はまだありません/);
    // Autocomplete, /papers, related papers.
    expect(JSON.stringify(direct.suggest("paper", { name: "query", value: "higgs" }))).toContain("observation-of-a-new-particle-in");
    expect(embedsOf(await direct.run("papers", { topic: "agents" }))[0]?.description).toContain("Observation of a new particle");
    const related = embedsOf(await direct.press("related:observation-of-a-new-particle-in"))[0];
    expect(related?.title).toMatch(/Observation of a new particle/);
    expect(related?.description).toMatch(/`[a-z0-9-]+`/);
    expect(direct.ctx.moderation.audit.latest(1)[0]).toMatchObject({
      action: "paper.add",
      actor: { id: MODERATOR.id },
      target: "paper:observation-of-a-new-particle-in",
    });
  });

  it("/paper-edit opens a form; the saved Japanese summary is served, and catalog sync leaves edits and additions alone", async () => {
    const dataDir = tempDir("paperbot-paper-edit-");
    const databasePath = join(dataDir, "paperbot.db");
    const direct = setUp({ DATABASE_PATH: databasePath });
    const seeded = seedAdded(direct, "2402.00001", "Retrieval heads in long context models");
    expect(textOf(await direct.run("paper-edit", { paper: "lora" }, who.member))).toMatch(/Only moderators/);
    const opened = await direct.run("paper-edit", { paper: seeded.id }, who.roleModerator);
    if (opened.kind !== "modal") throw new Error(`expected a form, got ${opened.kind}`);
    expect(opened.customId).toBe(`paper-edit:${seeded.id}`);
    expect(opened.fields.map((field) => field.id)).toEqual(["summary_en", "summary_ja", "aliases", "topics"]);

    const fields = {
      summary_en: "",
      summary_ja: "長文脈モデルの検索ヘッドについての論文。",
      aliases: "Retrieval heads, RetHeads",
      topics: "retrieval, agents",
    };
    expect(textOf(await direct.submit(opened.customId, fields, who.member))).toMatch(/Only moderators/);
    expect(direct.app.catalog.get(seeded.id)?.aliases).toEqual([]);
    expect(textOf(await direct.submit(opened.customId, fields, who.roleModerator))).toBe(
      "Saved your changes to **Retrieval heads in long context models**.",
    );
    const japanese = embedsOf(await direct.run("paper", { query: "RetHeads" }, { locale: "ja" }))[0];
    expect(japanese?.description).toMatch(/長文脈モデルの検索ヘッド/);
    expect(japanese?.description).not.toMatch(/英語で表示/);

    const lora = direct.app.catalog.get("lora");
    await direct.submit(
      "paper-edit:lora",
      { summary_en: "Edited by a moderator.", summary_ja: "", aliases: (lora?.aliases ?? []).join(", "), topics: "fine-tuning" },
      who.moderator,
    );
    expect(direct.app.catalog.get("lora")?.summary.en).toBe("Edited by a moderator.");
    const report = direct.app.resyncCatalog();
    expect(report.skipped).toContain("lora");
    expect(direct.app.catalog.get("lora")?.summary.en).toBe("Edited by a moderator.");
    expect(direct.app.catalog.get(seeded.id)).toBeDefined();

    // The merged list, in the catalog file's format, loads back through the catalog's own schema.
    const io: CliIo = {
      stdout: () => undefined,
      stderr: () => undefined,
      stdin: async function* () {},
      env: testEnv({ DATABASE_PATH: databasePath }),
    };
    expect(await runCli(["catalog", "export", "--out", join(dataDir, "catalog.json")], io)).toBe(0);
    const file = parseCatalog("export", JSON.parse(readFileSync(join(dataDir, "catalog.json"), "utf8")));
    expect(file.papers).toHaveLength(direct.app.catalog.size);
    expect(file.papers.find((paper) => paper.id === "lora")?.summary.en).toBe("Edited by a moderator.");
    expect(file.papers.find((paper) => paper.id === seeded.id)).toMatchObject({
      arxivId: "2402.00001",
      aliases: ["Retrieval heads", "RetHeads"],
    });
    expect(
      direct.ctx.moderation.audit
        .latest(3)
        .filter((entry) => entry.action === "paper.edit")
        .map((entry) => entry.target),
    ).toEqual(["paper:lora", `paper:${seeded.id}`]);
  });

  it("/paper-remove only takes moderator-added papers, asks first, and refuses a member's confirm", async () => {
    const direct = setUp();
    const { id } = seedAdded(direct, "2402.00002", "Speculative decoding with draft heads");
    expect(textOf(await direct.run("paper-remove", { paper: "lora" }, who.moderator))).toMatch(/part of the curated catalog/);
    expect(direct.suggest("paper-remove", { name: "paper", value: "draft heads" }, who.moderator).map((choice) => choice.value)).toEqual([
      id,
    ]);

    const ask = await direct.run("paper-remove", { paper: id }, who.moderator);
    expect(customIds(ask)).toEqual([`paper-remove:yes:${id}`, `paper-remove:no:${id}`]);
    for (const customId of [`paper-remove:yes:${id}`, `paper-remove:no:${id}`])
      expect(textOf(await direct.press(customId, who.member)), customId).toMatch(/Only moderators/);
    expect(direct.app.catalog.get(id)).toBeDefined();
    expect(textOf(await direct.press(`paper-remove:yes:${id}`, who.roleModerator))).toBe(
      "Removed **Speculative decoding with draft heads** from the reading list.",
    );
    expect(textOf(await direct.run("paper", { query: "2402.00002" }))).toMatch(/isn't in the reading list yet/);
    expect(direct.ctx.moderation.audit.latest(1)[0]).toMatchObject({
      action: "paper.remove",
      target: `paper:${id}`,
      actor: { id: ROLE_MODERATOR.id },
      after: null,
    });
  });
});
