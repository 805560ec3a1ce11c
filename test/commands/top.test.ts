/** /top, vote presses without a message, and the member's votes in export and /unfollow: through the handlers. */
import { describe, expect, it } from "vitest";
import { embedsOf, isPrivate, textOf, tickingClock, useDirect } from "../support/direct.js";
import { fixedClock } from "../support/app.js";
import { reviewCandidate } from "../support/candidates.js";
import { candidateStore } from "../../src/db/candidates.js";

const LORA = "2106.09685";
const ALICE = { userId: "1300000000000000101", username: "alice" };
const member = (n: number) => ({ userId: `13000000000000${String(2000 + n)}`, username: `m${n}` });

describe("/top", () => {
  it("lists the most voted papers with counts, by period and topic, in English and Japanese", async () => {
    const clock = fixedClock();
    const direct = useDirect({ clock });
    const empty = await direct.run("top", {});
    expect(isPrivate(empty)).toBe(false);
    expect(embedsOf(empty)[0]?.description).toMatch(/No votes yet/);

    // Two votes on LoRA 20 days ago, three on InstructGPT's paper now, one on LoRA now.
    for (const n of [1, 2]) await direct.press(`vote:${LORA}`, member(n));
    clock.advance(20 * 86_400_000);
    const instruct = direct.ctx.catalog.get("instructgpt");
    const instructKey = instruct?.arxivId ?? "instructgpt";
    for (const n of [3, 4, 5]) await direct.press(`vote:${instructKey}`, member(n));
    await direct.press(`vote:${LORA}`, member(6));

    const week = embedsOf(await direct.run("top", { period: "week" }))[0];
    expect(week?.title).toBe("Top papers by the community · This week");
    expect(week?.description?.split("\n")).toEqual([
      expect.stringMatching(/^1\. \[.*\]\(https:\/\/arxiv\.org\/abs\/2203\.02155\) · 👍 3 votes$/),
      expect.stringMatching(/^2\. \[LoRA.*\]\(https:\/\/arxiv\.org\/abs\/2106\.09685\) · 👍 1 vote$/),
    ]);
    const all = embedsOf(await direct.run("top", { period: "all" }))[0];
    expect(all?.description?.split("\n")[0]).toMatch(/LoRA.* · 👍 3 votes$/);
    const alignment = embedsOf(await direct.run("top", { period: "all", topic: "alignment" }))[0];
    expect(alignment?.description).not.toMatch(/LoRA/);
    const ja = embedsOf(await direct.run("top", { period: "month" }, { locale: "ja" }))[0];
    expect(ja?.title).toBe("コミュニティの人気論文 · 今月");
    expect(ja?.description).toMatch(/👍 3 票/);
  });

  it("a candidate's votes count, marked as a candidate", async () => {
    const direct = useDirect({ clock: tickingClock() });
    const id = "2406.20001";
    candidateStore(direct.app.db).insert(reviewCandidate(id, "A candidate members like", 0.95), new Date("2026-11-26T00:00:00Z"));
    await direct.press(`vote:${id}`, member(1));
    const list = embedsOf(await direct.run("top", { period: "all" }))[0];
    expect(list?.description).toMatch(new RegExp(`abs/${id.replace(".", "\\.")}\\) · 👍 1 vote · \\*candidate, not yet in the list\\*`));
  });
});

describe("votes and the member's data", () => {
  it("a press without a message says what happened; a bot's press is refused", async () => {
    const direct = useDirect({ clock: tickingClock() });
    expect(textOf(await direct.press(`vote:${LORA}`, ALICE))).toMatch(/counted \(1 in all\)/);
    expect(textOf(await direct.press(`vote:${LORA}`, ALICE))).toMatch(/taken back \(0 in all\)/);
    expect(textOf(await direct.press(`vote:${LORA}`, { ...ALICE, isBot: true }))).toMatch(/can't vote/);
    expect(textOf(await direct.press("vote:bad key!", ALICE))).toMatch(/expired/);
  });

  it("export lists the member's votes; /unfollow keeps them counted but no longer theirs", async () => {
    const direct = useDirect({ clock: tickingClock() });
    await direct.run("follow", {}, ALICE);
    await direct.press(`vote:${LORA}`, ALICE);
    await direct.press(`vote:${LORA}`, member(1));
    const exported = await direct.press(`export:${ALICE.userId}`, ALICE);
    const file = exported.kind === "reply" ? exported.files?.[0] : undefined;
    const data = JSON.parse(file?.data.toString("utf8") ?? "{}") as { votes?: { paperKey: string; guildId: string | null }[] };
    expect(data.votes).toEqual([expect.objectContaining({ paperKey: LORA, guildId: expect.any(String) })]);

    expect(textOf(await direct.run("unfollow", {}, ALICE))).toMatch(/votes stay in the papers' counts/);
    const done = await direct.press(`unfollow-all:${ALICE.userId}:yes`, ALICE);
    expect(textOf(done)).toMatch(/Your 1 vote stays in the counts, with your name taken off it/);
    expect(direct.ctx.votes.votesOf(ALICE.userId)).toEqual([]);
    expect(direct.ctx.votes.totals([LORA]).get(LORA)).toBe(2);
    const help = await direct.run("help", {});
    expect(embedsOf(help)[0]?.fields?.[0]?.value).toMatch(/keeps your votes in the counts but takes your name off them/);
  });
});
