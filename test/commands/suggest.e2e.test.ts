/** /suggest through the real bot against the loopback Discord and arXiv API: the queue, /review, the decision DM. */
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MessageFlags } from "discord.js";
import { runCli, type CliIo } from "../../src/cli/index.js";
import { candidateStore } from "../../src/db/candidates.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { apiEntry, startArxivApiServer, type ArxivApiServer } from "../support/arxiv-api-server.js";
import { option } from "../support/interactions.js";
import { as, command, createGuildRole, MOD_ROLE, MEMBER, modalSubmit, press, send } from "../support/moderation.js";
import { dmChannelIdFor } from "../support/harness/index.js";
import { reviewCandidate } from "../support/candidates.js";
import { fixedClock, testEnv } from "../support/app.js";

const OTHER = { id: "1300000000000000204", username: "member-kei" };
const HIGGS = "Observation of a new particle in the search for the Standard Model Higgs boson with the ATLAS detector at the LHC";

function cli(t: TestBot) {
  const out: string[] = [];
  const io: CliIo = {
    stdout: (text) => void out.push(text),
    stderr: () => undefined,
    stdin: async function* () {},
    env: testEnv({ DATABASE_PATH: join(t.dataDir, "paperbot.db") }),
  };
  return { io, stdout: () => out.join("") };
}

describe("/suggest: members put papers on the review queue", () => {
  let t: TestBot;
  let arxiv: ArxivApiServer;
  let clock: ReturnType<typeof fixedClock>;
  beforeEach(async () => {
    clock = fixedClock(new Date("2026-12-07T09:00:00Z"));
    arxiv = await startArxivApiServer();
    t = await startTestBot({ clock, env: { MODERATOR_ROLE_ID: MOD_ROLE, ARXIV_API_URL: arxiv.url, ARXIV_REQUEST_INTERVAL_MS: "0" } });
    await createGuildRole(t, MOD_ROLE, "Moderators");
  });
  afterEach(async () => {
    await t?.close();
    await arxiv?.close();
  });

  const suggest = (user: { id: string; username: string }, arxivId: string, why?: string, locale?: "ja") =>
    command(t, {
      name: "suggest",
      user,
      ...(locale ? { locale } : {}),
      options: [option.string("arxiv", arxivId), ...(why === undefined ? [] : [option.string("why", why)])],
    });

  it("a suggestion reaches /review first with the member and their note, is approved, and the member is told by DM", async () => {
    candidateStore(t.bot.app.db).insert(reviewCandidate("2406.20001", "A better-scored watch candidate", 0.99), new Date());
    const why = "@everyone **must read** <@&1200000000000000077> [x](https://evil.example)";
    const asked = await suggest(MEMBER, "https://arxiv.org/abs/1207.7214v2", why);
    expect(asked.body.data.flags).toBe(MessageFlags.Ephemeral);
    expect(asked.body.data.content).toMatch(/^Thanks! \*\*Observation of a new particle.*\*\* is now on the moderators' review queue/);
    // The note is echoed inert: no mass mention, no Markdown, the role mention shown as typed.
    expect(asked.body.data.content).toContain(
      "Your note: @\u200Beveryone \\*\\*must read\\*\\* \\<@&1200000000000000077\\> \\[x\\](https://evil.example)",
    );
    expect(arxiv.requests.map((request) => request.idList)).toEqual(["1207.7214"]);

    const card = await command(t, { name: "review", ...as.roleModerator });
    const embed = card.body.data.embeds?.[0];
    expect(embed?.title).toBe(HIGGS);
    expect(embed?.fields?.find((field) => field.name === "Suggested by members")?.value).toBe(
      `<@${MEMBER.id}> (member-max): @\u200Beveryone \\*\\*must read\\*\\* \\<@&1200000000000000077\\> \\[x\\](https://evil.example)\n1 member supports it`,
    );
    const since = t.harness.requests.length;
    const approved = await send(
      t,
      modalSubmit({
        customId: "review-approve:1207.7214",
        message: card.message(),
        fields: { topics: "foundations", note: "" },
        ...as.roleModerator,
      }),
    );
    expect(approved.data.content).toMatch(/^Approved: \*\*Observation of a new particle/);
    const dm = await t.harness.waitForRequest({ method: "POST", path: `/channels/${dmChannelIdFor(MEMBER.id)}/messages` }, { since });
    expect(dm.body).toMatchObject({
      content: expect.stringMatching(
        /^Good news: the paper you suggested, \*\*Observation of a new particle.*is now in the reading list\. `\/paper query:observation-of-a-new-particle-in`/,
      ),
      allowed_mentions: { parse: [] },
    });
    // Told once: a later run (the periodic check) finds nothing left to send.
    expect(await t.bot.ctx.suggestions.sendDecisionNotices(t.bot.ctx.dm, t.bot.app.logger)).toBe(0);
  });

  it("declined: the member hears it in the language they suggested in; a closed DM (50007) is logged quietly", async () => {
    arxiv.queue.push({ status: 200, body: apiEntry("2409.01234", "Tiny adapters for huge models") });
    arxiv.queue.push({ status: 200, body: apiEntry("2409.05678", "Another adapter paper") });
    await suggest(MEMBER, "2409.01234", undefined, "ja");
    await suggest(OTHER, "2409.05678");
    const card = await command(t, { name: "review", ...as.roleModerator });
    const first = card.body.data.embeds?.[0]?.title;
    expect(["Tiny adapters for huge models", "Another adapter paper"]).toContain(first);
    const since = t.harness.requests.length;
    const rejected = await send(t, press({ customId: "review:reject:2409.01234:0", message: card.message(), ...as.roleModerator }));
    expect(rejected.data.content).toMatch(/^Rejected \*\*Tiny adapters for huge models\*\*/);
    const dm = await t.harness.waitForRequest({ method: "POST", path: `/channels/${dmChannelIdFor(MEMBER.id)}/messages` }, { since });
    expect((dm.body as { content: string }).content).toBe(
      "あなたが推薦した **Tiny adapters for huge models**をモデレーターが審査し、今回は論文リストに追加しないことになりました。推薦ありがとうございました。",
    );

    const closed = t.harness.respondWith(
      { method: "POST", path: `/channels/${dmChannelIdFor(OTHER.id)}/messages` },
      { status: 403, body: { message: "Cannot send messages to this user", code: 50007 } },
    );
    const again = await command(t, { name: "review", ...as.roleModerator });
    const second = await send(t, press({ customId: "review:reject:2409.05678:0", message: again.message(), ...as.roleModerator }));
    expect(second.data.content).toMatch(/^Rejected \*\*Another adapter paper\*\*/);
    await t.harness.waitForRequest({ method: "POST", path: `/channels/${dmChannelIdFor(OTHER.id)}/messages` }, { since });
    expect(closed.hits).toBe(1);
    await expect.poll(() => t.logs.records.some((record) => JSON.stringify(record).includes("direct message refused"))).toBe(true);
    const loud = t.logs.records.filter(
      (record) => ["warn", "error"].includes(String(record["level"])) && /direct message|suggestion/.test(String(record["msg"])),
    );
    expect(loud).toEqual([]);
  });

  it("rate limit: five suggestions in any 24 hours; the sixth says when, and asks arXiv nothing", async () => {
    const store = candidateStore(t.bot.app.db);
    for (let index = 0; index < 6; index += 1) store.insert(reviewCandidate(`2410.0000${index}`, `Watch paper ${index}`, 0.5), new Date());
    for (let index = 0; index < 5; index += 1) {
      const answer = await suggest(MEMBER, `2410.0000${index}`);
      expect(answer.body.data.content).toMatch(
        /was already waiting for review, so you were added as its supporter: 1 member supports it now/,
      );
      clock.advance(60_000);
    }
    const refused = await suggest(MEMBER, "2410.00005");
    const firstAt = Math.ceil((new Date("2026-12-07T09:00:00Z").getTime() + 24 * 3600_000) / 1000);
    expect(refused.body.data.content).toBe(
      `You can suggest 5 papers in any 24 hours, and you have. You can suggest again <t:${firstAt}:R>.`,
    );
    expect(arxiv.requests).toEqual([]);
    // Another member is not limited by it; and a day after the first suggestion, the member may suggest again.
    expect((await suggest(OTHER, "2410.00005")).body.data.content).toMatch(/added as its supporter/);
    clock.advance(24 * 3600_000 - 4 * 60_000);
    expect((await suggest(MEMBER, "2410.00005")).body.data.content).toMatch(/2 members support it now/);
  });

  it("dedupe: a second member becomes a supporter (one arXiv request, one candidate); the same member is told it is theirs", async () => {
    await suggest(MEMBER, "1207.7214", "the Higgs paper");
    const second = await suggest(OTHER, "arXiv:1207.7214v1", "seconded");
    expect(second.body.data.content).toMatch(
      /^\*\*Observation of a new particle.*\*\* was already waiting for review, so you were added as a supporter: 2 members support it now/,
    );
    const twice = await suggest(MEMBER, "1207.7214");
    expect(twice.body.data.content).toMatch(/^You already suggested \*\*Observation of a new particle/);
    expect(arxiv.requests).toHaveLength(1);
    expect(t.bot.app.db.prepare("SELECT count(*) AS n FROM arxiv_candidates WHERE arxiv_id = '1207.7214'").get()).toEqual({ n: 1 });
    const card = await command(t, { name: "review", ...as.roleModerator });
    expect(card.body.data.embeds?.[0]?.fields?.at(-1)?.value).toBe(
      `<@${MEMBER.id}> (member-max): the Higgs paper\n<@${OTHER.id}> (member-kei): seconded\n2 members support it`,
    );
    // The operator sees the same in `paperbot candidates`.
    const run = cli(t);
    expect(await runCli(["candidates", "--json"], run.io)).toBe(0);
    const listed = JSON.parse(run.stdout()) as { candidates: { arxivId: string; suggestions: unknown }[] };
    expect(listed.candidates[0]).toMatchObject({
      arxivId: "1207.7214",
      suggestions: { supporters: 2, first: [{ userId: MEMBER.id, name: "member-max", note: "the Higgs paper" }, { userId: OTHER.id }] },
    });
  });

  it("a decision from the shell (`paperbot candidates reject`) reaches every supporter when the bot next sends notices", async () => {
    await suggest(MEMBER, "1207.7214");
    await suggest(OTHER, "1207.7214");
    const run = cli(t);
    expect(await runCli(["candidates", "reject", "1207.7214", "--by", "olga"], run.io)).toBe(0);
    const since = t.harness.requests.length;
    // What the bot's 10-minute catalog-refresh job runs.
    expect(await t.bot.ctx.suggestions.sendDecisionNotices(t.bot.ctx.dm, t.bot.app.logger)).toBe(2);
    for (const user of [MEMBER, OTHER]) {
      const dm = await t.harness.waitForRequest({ method: "POST", path: `/channels/${dmChannelIdFor(user.id)}/messages` }, { since });
      expect((dm.body as { content: string }).content).toMatch(/^The moderators looked at the paper you suggested, \*\*Observation/);
    }
  });

  it("bad input is refused as /paper-add refuses it; a listed paper points to /paper", async () => {
    for (const reference of ["not-an-id", "2301.00001", "2411.99999"]) {
      const moderator = await command(t, { name: "paper-add", ...as.moderator, options: [option.string("arxiv", reference)] });
      const member = await suggest(MEMBER, reference);
      expect(member.body.data.content).toBe(moderator.body.data.content);
      expect(member.body.data.flags).toBe(MessageFlags.Ephemeral);
    }
    const listed = await suggest(MEMBER, "1706.03762");
    expect(listed.body.data.content).toMatch(
      /^\*\*Attention Is All You Need\*\* is already in the reading list: `\/paper query:[a-z0-9-]+` shows it\.$/,
    );
    const unsafe = await suggest(MEMBER, "1207.7214", "look \u202Eevil");
    expect(unsafe.body.data.content).toMatch(/“why”.*text-direction/i);
    const long = await suggest(MEMBER, "1207.7214", "x".repeat(301));
    expect(long.body.data.content).toMatch(/option|longer than 300 characters/);
    expect(t.bot.app.db.prepare("SELECT count(*) AS n FROM paper_suggestions").get()).toEqual({ n: 0 });
  });

  it("/help names /suggest, its limit and what /unfollow does to suggestions, in en and ja", async () => {
    const en = await command(t, { name: "help", user: MEMBER });
    expect(en.body.data.embeds?.[0]?.fields?.[0]?.value).toContain(
      "`/suggest arxiv: [why]` suggest an arXiv paper: moderators review it and you get a DM with their decision. Up to 5 suggestions in any 24 hours (a sliding window); `/unfollow` keeps yours counted but anonymous.",
    );
    const ja = await command(t, { name: "help", user: MEMBER, locale: "ja" });
    expect(ja.body.data.embeds?.[0]?.fields?.[0]?.value).toContain(
      "推薦は直近 24 時間あたり 5 本まで。`/unfollow` すると推薦は匿名で件数だけ残ります。",
    );
  });

  it("privacy: the export holds the member's suggestions; /unfollow keeps them counted but anonymous", async () => {
    await suggest(MEMBER, "1207.7214", "the Higgs paper");
    const run = cli(t);
    expect(await runCli(["export", "--user", MEMBER.id], run.io)).toBe(0);
    expect(JSON.parse(run.stdout())).toMatchObject({
      following: false,
      suggestions: [{ arxivId: "1207.7214", note: "the Higgs paper", state: "pending", notifiedAt: null }],
    });
    const following = await command(t, { name: "following", user: MEMBER });
    const exportId = `export:${MEMBER.id}`;
    expect(JSON.stringify(following.body.data.components)).toContain(exportId);
    const unfollow = await command(t, { name: "unfollow", user: MEMBER });
    const confirmed = await send(t, press({ customId: `unfollow-all:${MEMBER.id}:yes`, message: unfollow.message(), user: MEMBER }));
    expect(confirmed.data.content).toBe(
      "Your 1 suggestion stays on the review queue, counted but anonymous: your name, note and language were deleted.",
    );
    const card = await command(t, { name: "review", ...as.roleModerator });
    expect(card.body.data.embeds?.[0]?.fields?.at(-1)?.value).toBe("a member (anonymous)\n1 member supports it");
    const after = cli(t);
    expect(await runCli(["export", "--user", MEMBER.id], after.io)).toBe(0);
    expect(JSON.parse(after.stdout())).toMatchObject({ suggestions: [] });
  });
});
