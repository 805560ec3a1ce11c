/** /review through the real bot: the form on the wire, the bundle over HTTP, and the CLI on the same database. Replies: review.test.ts. */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MessageFlags } from "discord.js";
import { runCli, type CliIo } from "../../src/cli/index.js";
import { candidateStore, type NewCandidate } from "../../src/db/candidates.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { testEnv } from "../support/app.js";
import { option } from "../support/interactions.js";
import { BUNDLE_FOLDER } from "../../src/bundle/common.js";
import { as, command, createGuildRole, customIds, modalSubmit, MOD_ROLE, press, send } from "../support/moderation.js";
import { unzipTexts } from "../support/zip.js";
import { reviewCandidate } from "../support/candidates.js";

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

  it("end to end: the card's Approve opens the form (callback type 9), its submission adds the paper, and the bundle served over HTTP lists it", async () => {
    seed(reviewCandidate("2406.20001", "Sparse low-rank adapters for fine-tuning", 0.95));
    const card = await command(t, { name: "review", ...as.roleModerator });
    expect(card.body.data.flags).toBe(MessageFlags.Ephemeral);
    expect(customIds(card.body)[0]).toBe("review:approve:2406.20001");
    const form = await send(t, press({ customId: "review:approve:2406.20001", message: card.message(), ...as.roleModerator }));
    expect(form.type).toBe(9);
    const modal = form.data as unknown as { custom_id: string; components: { components: { custom_id: string; value?: string }[] }[] };
    expect(modal.custom_id).toBe("review-approve:2406.20001");
    expect(modal.components.map((row) => row.components[0])).toMatchObject([
      { custom_id: "topics", value: "Fine-tuning" },
      { custom_id: "note" },
    ]);
    const approved = await send(
      t,
      modalSubmit({
        customId: modal.custom_id,
        message: card.message(),
        fields: { topics: "fine-tuning, efficiency", note: "good one" },
        ...as.roleModerator,
      }),
    );
    expect(approved.data.content).toMatch(/^Approved: \*\*Sparse low-rank adapters for fine-tuning\*\* is now in the reading list/);
    const found = await command(t, { name: "paper", options: [option.string("query", "Sparse low-rank adapters for fine-tuning")] });
    expect(found.body.data.embeds?.[0]?.title).toBe("Sparse low-rank adapters for fine-tuning");
    await waitFor(() => (t.bot.ctx.bundle.link(new Date())?.paperCount ?? 0) === t.bot.ctx.catalog.size);
    const link = t.bot.ctx.bundle.link(new Date());
    const download = await fetch((link?.url ?? "").replace(/^https?:\/\/[^/]+/, t.bot.http.url.replace(/\/$/, "")));
    expect((await unzipTexts(Buffer.from(await download.arrayBuffer()), BUNDLE_FOLDER)).get("papers.csv")).toContain(
      "Sparse low-rank adapters for fine-tuning",
    );
  });

  it("`paperbot candidates approve` makes the candidate a catalog paper; reject only records", async () => {
    seed(reviewCandidate("2406.40001", "Shell approved adapters", 0.9), reviewCandidate("2406.40002", "Shell rejected adapters", 0.8));
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      stdout: (text) => void out.push(text),
      stderr: (text) => void err.push(text),
      stdin: async function* () {},
      env: testEnv({ DATABASE_PATH: join(t.dataDir, "paperbot.db") }),
    };
    expect(await runCli(["candidates", "approve", "2406.40001", "--by", "olga", "--topics", "agents"], io)).toBe(0);
    expect(out.join("")).toMatch(
      /^approved 2406\.40001: Shell approved adapters \(by olga\)\nadded shell-approved-adapters to the reading list \(topics agents\); alerts recorded for \d+ followers and \d+ channels\n$/,
    );
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
