import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MessageFlags } from "discord.js";
import { runCli, type CliIo } from "../../src/cli/index.js";
import { candidateStore, type NewCandidate } from "../../src/db/candidates.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { testEnv } from "../support/app.js";
import { option } from "../support/interactions.js";
import { BUNDLE_FOLDER } from "../../src/bundle/common.js";
import { as, command, createGuildRole, customIds, modalSubmit, MOD_ROLE, press, ROLE_MODERATOR, send } from "../support/moderation.js";
import { unzipTexts } from "../support/zip.js";

function candidate(arxivId: string, title: string, score: number, reasons: NewCandidate["reasons"] = { papers: ["lora", "qlora"], topics: ["fine-tuning"] }): NewCandidate {
  return {
    arxivId, version: 1, title, authors: ["Ada Lovelace", "Alan Turing"], categories: ["cs.CL", "cs.LG"],
    abstract: `${title}. We propose a parameter-efficient method and evaluate it on many benchmarks. ${"More detail. ".repeat(80)}`,
    license: null, canonScore: score, bonus: 0, score, reasons,
  };
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("/review: the arXiv watch's candidates, decided once", () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ env: { MODERATOR_ROLE_ID: MOD_ROLE, BUNDLE_REBUILD_DELAY_SECONDS: "0" } });
    await createGuildRole(t, MOD_ROLE, "Moderators");
  });
  afterAll(async () => {
    await t?.close();
  });
  const seed = (...candidates: NewCandidate[]) => {
    const store = candidateStore(t.bot.app.db);
    for (const entry of candidates) store.insert(entry, new Date());
  };
  const status = (arxivId: string) => candidateStore(t.bot.app.db).get(arxivId)?.status;

  it("a member is refused by the command, every button and the form, and nothing changes", async () => {
    seed(candidate("2406.10001", "Member-proof adapters", 0.99));
    const refused = await command(t, { name: "review", ...as.member });
    expect(refused.body.data).toMatchObject({ flags: MessageFlags.Ephemeral, content: expect.stringMatching(/Only moderators/) });
    const card = await command(t, { name: "review", ...as.moderator });
    for (const customId of ["review:approve:2406.10001", "review:reject:2406.10001:0", "review:skip:2406.10001:0"]) {
      const pressed = await send(t, press({ customId, message: card.message(), ...as.member }));
      expect(pressed.data.content, customId).toMatch(/Only moderators/);
    }
    const submitted = await send(t, modalSubmit({ customId: "review-approve:2406.10001", fields: { topics: "fine-tuning", note: "" }, ...as.member }));
    expect(submitted.data.content).toMatch(/Only moderators/);
    expect(status("2406.10001")).toBe("undecided");
    expect(t.bot.ctx.catalog.papers.some((paper) => paper.arxivId === "2406.10001")).toBe(false);
    candidateStore(t.bot.app.db).decide("2406.10001", false, "cleanup", new Date());
  });

  it("shows the best candidate privately with why it matched; Skip, Reject, and Approve with topics, after which /paper finds it and the bundle lists it", async () => {
    seed(candidate("2406.20001", "Sparse low-rank adapters for fine-tuning", 0.95), candidate("2406.20002", "A survey of everything", 0.93, { papers: [], topics: [] }), candidate("2406.20003", "Adapters again", 0.91));
    const card = await command(t, { name: "review", ...as.roleModerator });
    expect(card.body.data.flags).toBe(MessageFlags.Ephemeral);
    const embed = card.body.data.embeds?.[0];
    expect(embed).toMatchObject({ title: "Sparse low-rank adapters for fine-tuning", url: "https://arxiv.org/abs/2406.20001" });
    expect(embed?.description?.length).toBeLessThanOrEqual(700);
    expect(embed?.fields?.map((field) => [field.name, field.value])).toEqual([
      ["Authors", "Ada Lovelace, Alan Turing"],
      ["Categories", "cs.CL, cs.LG"],
      ["Score", "0.950"],
      ["Why it matched", "like LoRA and QLoRA; topics: Fine-tuning"],
    ]);
    expect(customIds(card.body)).toEqual(["review:approve:2406.20001", "review:reject:2406.20001:0", "review:skip:2406.20001:0", "https://arxiv.org/abs/2406.20001"]);

    const skipped = await send(t, press({ customId: "review:skip:2406.20001:0", message: card.message(), ...as.roleModerator }));
    expect(skipped.type).toBe(7);
    expect(skipped.data.embeds?.[0]?.title).toBe("A survey of everything");
    const rejected = await send(t, press({ customId: "review:reject:2406.20002:1", message: card.message(), ...as.roleModerator }));
    expect(rejected.data.content).toBe("Rejected **A survey of everything**.");
    expect(rejected.data.embeds?.[0]?.title).toBe("Adapters again");
    expect(status("2406.20002")).toBe("rejected");

    const form = await send(t, press({ customId: "review:approve:2406.20001", message: card.message(), ...as.roleModerator }));
    expect(form.type).toBe(9);
    const modal = form.data as unknown as { custom_id: string; components: { components: { custom_id: string; value?: string }[] }[] };
    expect(modal.custom_id).toBe("review-approve:2406.20001");
    expect(modal.components.map((row) => row.components[0])).toMatchObject([{ custom_id: "topics", value: "Fine-tuning" }, { custom_id: "note" }]);
    const bad = await send(t, modalSubmit({ customId: modal.custom_id, fields: { topics: "knitting", note: "" }, ...as.roleModerator }));
    expect(bad.data.content).toMatch(/Unknown topics: knitting/);
    const approved = await send(t, modalSubmit({ customId: modal.custom_id, message: card.message(), fields: { topics: "fine-tuning, efficiency", note: "good one" }, ...as.roleModerator }));
    expect(approved.data.content).toBe("Approved: **Sparse low-rank adapters for fine-tuning** is now in the reading list (`sparse-low-rank-adapters-for-fine`).");
    expect(status("2406.20001")).toBe("approved");

    const found = await command(t, { name: "paper", options: [option.string("query", "Sparse low-rank adapters for fine-tuning")] });
    expect(found.body.data.embeds?.[0]).toMatchObject({ title: "Sparse low-rank adapters for fine-tuning", fields: expect.arrayContaining([{ name: "Topics", value: "Fine-tuning, Efficiency", inline: true }]) });
    await waitFor(() => (t.bot.ctx.bundle.link(new Date())?.paperCount ?? 0) === t.bot.ctx.catalog.size);
    const link = t.bot.ctx.bundle.link(new Date());
    const download = await fetch((link?.url ?? "").replace(/^https?:\/\/[^/]+/, t.bot.http.url.replace(/\/$/, "")));
    expect((await unzipTexts(Buffer.from(await download.arrayBuffer()), BUNDLE_FOLDER)).get("papers.csv")).toContain("Sparse low-rank adapters for fine-tuning");
    expect(t.bot.ctx.moderation.audit.latest(5).filter((entry) => entry.target.startsWith("arxiv:2406.2")).map((entry) => [entry.action, entry.actor.name, entry.target])).toEqual([
      ["candidate.approve", ROLE_MODERATOR.username, "arxiv:2406.20001"],
      ["candidate.reject", ROLE_MODERATOR.username, "arxiv:2406.20002"],
    ]);
    expect(t.bot.ctx.moderation.audit.latest(1)[0]?.after).toMatchObject({ decision: "approved", note: "good one", paper: { id: "sparse-low-rank-adapters-for-fine" } });
    candidateStore(t.bot.app.db).decide("2406.20003", false, "cleanup", new Date());
  });

  it("two moderators approving at once: one adds the paper, the other is told it was already decided", async () => {
    seed(candidate("2406.30001", "Concurrent approval adapters", 0.97));
    // Each moderator has the card open and has filled in the form; both press Submit at the same moment.
    const cards = [await command(t, { name: "review", ...as.moderator }), await command(t, { name: "review", ...as.roleModerator })];
    const first = modalSubmit({ customId: "review-approve:2406.30001", message: cards[0]?.message(), fields: { topics: "fine-tuning", note: "" }, ...as.moderator });
    const second = modalSubmit({ customId: "review-approve:2406.30001", message: cards[1]?.message(), fields: { topics: "efficiency", note: "" }, ...as.roleModerator });
    const answers = t.harness.waitForRequest({ method: "POST", path: `/interactions/${second.id}/${second.token}/callback` });
    const firstAnswer = t.harness.waitForRequest({ method: "POST", path: `/interactions/${first.id}/${first.token}/callback` });
    t.harness.dispatchInteraction(first);
    t.harness.dispatchInteraction(second);
    const contents = [(await firstAnswer).body, (await answers).body].map((body) => (body as { data: { content?: string } }).data.content ?? "");
    expect(contents.filter((content) => content.startsWith("Approved: **Concurrent approval adapters**"))).toHaveLength(1);
    expect(contents.filter((content) => /^arXiv 2406\.30001 was already approved by (mod-mina|mod-by-role); nothing changed\./.test(content))).toHaveLength(1);
    expect(t.bot.ctx.catalog.papers.filter((paper) => paper.arxivId === "2406.30001")).toHaveLength(1);
    expect(t.bot.ctx.moderation.audit.latest(20).filter((entry) => entry.target === "arxiv:2406.30001")).toHaveLength(1);
  });

  it("`paperbot candidates approve` makes the candidate a catalog paper; reject only records", async () => {
    seed(candidate("2406.40001", "Shell approved adapters", 0.9), candidate("2406.40002", "Shell rejected adapters", 0.8));
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { stdout: (text) => void out.push(text), stderr: (text) => void err.push(text), stdin: async function* () {}, env: testEnv({ DATABASE_PATH: join(t.dataDir, "paperbot.db") }) };
    expect(await runCli(["candidates", "approve", "2406.40001", "--by", "olga", "--topics", "agents"], io)).toBe(0);
    expect(out.join("")).toMatch(/^approved 2406\.40001: Shell approved adapters \(by olga\)\nadded shell-approved-adapters to the reading list \(topics agents\); alerts recorded for \d+ followers and \d+ channels\n$/);
    expect(await runCli(["candidates", "reject", "2406.40002", "--by", "olga"], io)).toBe(0);
    expect(await runCli(["candidates", "reject", "2406.40001", "--by", "olga"], io)).toBe(1);
    expect(err.join("")).toMatch(/already approved by olga/);
    expect(candidateStore(t.bot.app.db).get("2406.40002")?.status).toBe("rejected");
    expect(t.bot.ctx.moderation.audit.latest(2).map((entry) => [entry.action, entry.actor, entry.target])).toEqual([
      ["candidate.reject", { id: "cli", name: "olga" }, "arxiv:2406.40002"],
      ["candidate.approve", { id: "cli", name: "olga" }, "arxiv:2406.40001"],
    ]);
  });
});
