/** /review, its buttons and its form, driven through the handlers (no bot): refusals, the card, decisions, the race. */
import { describe, expect, it } from "vitest";
import { candidateStore, type NewCandidate } from "../../src/db/candidates.js";
import { customIds, embedsOf, isPrivate, textOf, tickingClock, useDirect, who, type Direct } from "../support/direct.js";
import { MOD_ROLE, ROLE_MODERATOR } from "../support/moderation.js";
import { reviewCandidate } from "../support/candidates.js";

function setUp(): Direct & { seed(...candidates: NewCandidate[]): void; status(arxivId: string): string | undefined } {
  const direct = useDirect({ clock: tickingClock(), env: { MODERATOR_ROLE_ID: MOD_ROLE, BUNDLE_REBUILD_DELAY_SECONDS: "60" } });
  const store = candidateStore(direct.app.db);
  return {
    ...direct,
    seed: (...candidates) => {
      for (const entry of candidates) store.insert(entry, new Date());
    },
    status: (arxivId) => store.get(arxivId)?.status,
  };
}

describe("/review: the arXiv watch's candidates, decided once", () => {
  it("a member is refused by the command, every button and the form, and nothing changes", async () => {
    const direct = setUp();
    direct.seed(reviewCandidate("2406.10001", "Member-proof adapters", 0.99));
    const refused = await direct.run("review", {}, who.member);
    expect(isPrivate(refused)).toBe(true);
    expect(textOf(refused)).toMatch(/Only moderators/);
    for (const customId of ["review:approve:2406.10001", "review:reject:2406.10001:0", "review:skip:2406.10001:0"]) {
      expect(textOf(await direct.press(customId, who.member)), customId).toMatch(/Only moderators/);
    }
    expect(textOf(await direct.submit("review-approve:2406.10001", { topics: "fine-tuning", note: "" }, who.member))).toMatch(
      /Only moderators/,
    );
    expect(direct.status("2406.10001")).toBe("undecided");
    expect(direct.ctx.catalog.papers.some((paper) => paper.arxivId === "2406.10001")).toBe(false);
  });

  it("shows the best candidate privately with why it matched; Skip, Reject, and Approve with topics, after which /paper finds it", async () => {
    const direct = setUp();
    direct.seed(
      reviewCandidate("2406.20001", "Sparse low-rank adapters for fine-tuning", 0.95),
      reviewCandidate("2406.20002", "A survey of everything", 0.93, { papers: [], topics: [] }),
      reviewCandidate("2406.20003", "Adapters again", 0.91),
    );
    const card = await direct.run("review", {}, who.roleModerator);
    expect(isPrivate(card)).toBe(true);
    const embed = embedsOf(card)[0];
    expect(embed).toMatchObject({ title: "Sparse low-rank adapters for fine-tuning", url: "https://arxiv.org/abs/2406.20001" });
    expect(embed?.description?.length).toBeLessThanOrEqual(700);
    expect(embed?.fields?.map((field) => [field.name, field.value])).toEqual([
      ["Authors", "Ada Lovelace, Alan Turing"],
      ["Categories", "cs.CL, cs.LG"],
      ["Score", "0.950"],
      ["Why it matched", "like LoRA and QLoRA; topics: Fine-tuning"],
    ]);
    expect(customIds(card)).toEqual([
      "review:approve:2406.20001",
      "review:reject:2406.20001:0",
      "review:skip:2406.20001:0",
      "https://arxiv.org/abs/2406.20001",
      "vote:2406.20001",
    ]);

    const skipped = await direct.press("review:skip:2406.20001:0", who.roleModerator);
    expect(skipped.kind).toBe("update");
    expect(embedsOf(skipped)[0]?.title).toBe("A survey of everything");
    const rejected = await direct.press("review:reject:2406.20002:1", who.roleModerator);
    expect(textOf(rejected)).toBe("Rejected **A survey of everything**.");
    expect(embedsOf(rejected)[0]?.title).toBe("Adapters again");
    expect(direct.status("2406.20002")).toBe("rejected");

    const form = await direct.press("review:approve:2406.20001", who.roleModerator);
    if (form.kind !== "modal") throw new Error(`expected a form, got ${form.kind}`);
    expect(form.customId).toBe("review-approve:2406.20001");
    expect(form.fields).toMatchObject([{ id: "topics", value: "Fine-tuning" }, { id: "note" }]);
    expect(textOf(await direct.submit(form.customId, { topics: "knitting", note: "" }, who.roleModerator))).toMatch(
      /Unknown topics: knitting/,
    );
    const approved = await direct.submit(form.customId, { topics: "fine-tuning, efficiency", note: "good one" }, who.roleModerator);
    expect(textOf(approved)).toBe(
      "Approved: **Sparse low-rank adapters for fine-tuning** is now in the reading list (`sparse-low-rank-adapters-for-fine`).",
    );
    expect(direct.status("2406.20001")).toBe("approved");

    const found = await direct.run("paper", { query: "Sparse low-rank adapters for fine-tuning" });
    expect(embedsOf(found)[0]).toMatchObject({
      title: "Sparse low-rank adapters for fine-tuning",
      fields: expect.arrayContaining([{ name: "Topics", value: "Fine-tuning, Efficiency", inline: true }]),
    });
    expect(
      direct.ctx.moderation.audit
        .latest(5)
        .filter((entry) => entry.target.startsWith("arxiv:2406.2"))
        .map((entry) => [entry.action, entry.actor.name, entry.target]),
    ).toEqual([
      ["candidate.approve", ROLE_MODERATOR.username, "arxiv:2406.20001"],
      ["candidate.reject", ROLE_MODERATOR.username, "arxiv:2406.20002"],
    ]);
    expect(direct.ctx.moderation.audit.latest(1)[0]?.after).toMatchObject({
      decision: "approved",
      note: "good one",
      paper: { id: "sparse-low-rank-adapters-for-fine" },
    });
  });

  it("two moderators approving at once: one adds the paper, the other is told it was already decided", async () => {
    const direct = setUp();
    direct.seed(reviewCandidate("2406.30001", "Concurrent approval adapters", 0.97));
    // Each moderator has the card open and has filled in the form; both press Submit at the same moment.
    await direct.run("review", {}, who.moderator);
    await direct.run("review", {}, who.roleModerator);
    const answers = await Promise.all([
      direct.submit("review-approve:2406.30001", { topics: "fine-tuning", note: "" }, who.moderator),
      direct.submit("review-approve:2406.30001", { topics: "efficiency", note: "" }, who.roleModerator),
    ]);
    const contents = answers.map(textOf);
    expect(contents.filter((content) => content.startsWith("Approved: **Concurrent approval adapters**"))).toHaveLength(1);
    expect(
      contents.filter((content) => /^arXiv 2406\.30001 was already approved by (mod-mina|mod-by-role); nothing changed\./.test(content)),
    ).toHaveLength(1);
    expect(direct.ctx.catalog.papers.filter((paper) => paper.arxivId === "2406.30001")).toHaveLength(1);
    expect(direct.ctx.moderation.audit.latest(20).filter((entry) => entry.target === "arxiv:2406.30001")).toHaveLength(1);
  });
});
