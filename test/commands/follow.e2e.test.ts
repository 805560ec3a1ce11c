import { describe, expect, it, onTestFinished, vi } from "vitest";
import { MessageFlags, PermissionFlagsBits, type APIEmbed } from "discord.js";
import { parse as parseBibtex } from "@retorquere/bibtex-parser";
import { parse as parseCsv } from "csv-parse/sync";
import { BUNDLE_FOLDER } from "../../src/bundle/index.js";
import { unzipTexts } from "../support/zip.js";
import { DEFAULT_EVERYONE_PERMISSIONS, dmChannelIdFor } from "../support/harness/index.js";
import { button, chatInput, option } from "../support/interactions.js";
import { dmMessageCreate } from "../support/messages.js";
import { startTestBot, useTestBot, type TestBot } from "../support/bot.js";
import { original, send, useFakeTimeouts, type CallbackBody } from "../support/e2e.js";
import { tempDir } from "../support/temp.js";
import { AUTO_DEFER_MS } from "../../src/discord/router.js";
import { catalogSize } from "../support/catalog-size.js";

const ALICE = { id: "1300000000000000101", username: "alice" };
const BOB = { id: "1300000000000000102", username: "bob" };
const CAROL = { id: "1300000000000000103", username: "carol" };
const MODERATOR_PERMISSIONS = (DEFAULT_EVERYONE_PERMISSIONS | PermissionFlagsBits.ManageGuild).toString();
const PAPERS_CHANNEL = "1200000000000000011";

function customIds(body: CallbackBody): string[] {
  return (body.data.components ?? []).flatMap((row) =>
    row.components.map((component) => String(component["custom_id"] ?? component["url"])),
  );
}

/** Has `user` follow paperbot and each topic, as a test's starting point. */
async function follows(t: TestBot, user: typeof ALICE, topics: string[] = []): Promise<void> {
  await send(t, chatInput({ name: "follow", user }));
  for (const topic of topics) await send(t, chatInput({ name: "follow", user, options: [option.string("topic", topic)] }));
}

describe("follow through the real bot: DMs, files, wire and timing (replies: follow.test.ts)", () => {
  it("/follow follows once, sends a welcome DM, and is idempotent", async () => {
    const t = await useTestBot();
    const since = t.harness.requests.length;
    const first = await send(t, chatInput({ name: "follow", user: ALICE }));
    expect(first.data.flags).toBe(MessageFlags.Ephemeral);
    expect(first.data.content).toMatch(/You're following paperbot/);
    const dm = await t.harness.waitForRequest({ method: "POST", path: `/channels/${dmChannelIdFor(ALICE.id)}/messages` }, { since });
    expect(dm.body).toMatchObject({ content: expect.stringMatching(/Thanks for following paperbot/), allowed_mentions: { parse: [] } });
    const again = await send(t, chatInput({ name: "follow", user: ALICE }));
    expect(again.data.content).toMatch(/already follow paperbot; nothing changed/);
    expect(t.bot.app.db.prepare("SELECT count(*) AS n FROM user_follows WHERE user_id = ?").get(ALICE.id)).toEqual({ n: 1 });
  });

  it("the Export button's JSON file is uploaded with the callback", async () => {
    const t = await useTestBot();
    await follows(t, ALICE, ["fine-tuning", "speculative decoding"]);
    const command = chatInput({ name: "following", user: ALICE });
    await send(t, command);
    const press = button({ customId: `export:${ALICE.id}`, message: original(t, command), user: ALICE });
    const callback = t.harness.waitForRequest({ method: "POST", path: `/interactions/${press.id}/${press.token}/callback` });
    t.harness.dispatchInteraction(press);
    const request = await callback;
    expect(request.files).toHaveLength(1);
    const exported = JSON.parse(request.files[0]?.data.toString() ?? "{}") as {
      userId: string;
      following: boolean;
      topics: { topic: string }[];
    };
    expect(exported).toMatchObject({ userId: ALICE.id, following: true });
    expect(exported.topics.map((entry) => entry.topic)).toEqual(["fine-tuning", "speculative decoding"]);
  });

  it("a channel follow echoing a channel mention goes out with no mentions allowed (the refusals: follow.test.ts)", async () => {
    const t = await useTestBot();
    const accepted = await send(
      t,
      chatInput({
        name: "follow",
        user: BOB,
        memberPermissions: MODERATOR_PERMISSIONS,
        options: [option.channel("channel", PAPERS_CHANNEL), option.string("topic", "agents")],
      }),
    );
    expect(accepted.data.content).toBe(`<#${PAPERS_CHANNEL}> now gets the weekly digest and alerts for **Agents**.`);
    expect(accepted.data.allowed_mentions).toEqual({ parse: [] });
  });

  it.each([
    ["the default auto-defer delay", undefined],
    ["an injected auto-defer delay", 500],
  ])(
    "acknowledges before Discord's 3 s when sending the welcome DM is slow (%s): a private deferral, then the answer",
    async (_label, autoDeferMs) => {
      const delay = autoDeferMs ?? AUTO_DEFER_MS;
      expect(delay).toBeLessThan(3_000);
      const t = await useTestBot({ autoDeferMs });
      useFakeTimeouts();
      const dave = { id: "1300000000000000104", username: "dave", discriminator: "0", global_name: "Dave", avatar: null };
      let releaseDm = () => {};
      const slow = t.harness.respondWith(
        { method: "POST", path: "/users/@me/channels" },
        { status: 200, body: { id: dmChannelIdFor(dave.id), type: 1, recipients: [dave], last_message_id: null } },
        { times: 1, until: new Promise<void>((resolve) => (releaseDm = resolve)) },
      );
      onTestFinished(() => releaseDm());
      const payload = chatInput({ name: "follow", user: dave });
      const callbackPath = { method: "POST", path: `/interactions/${payload.id}/${payload.token}/callback` } as const;
      const dmOpened = t.harness.waitForRequest({ method: "POST", path: "/users/@me/channels" });
      t.harness.dispatchInteraction(payload);
      await dmOpened;
      await vi.advanceTimersByTimeAsync(delay - 1);
      expect(t.harness.findRequests(callbackPath)).toEqual([]);
      const deferred = t.harness.waitForRequest(callbackPath);
      await vi.advanceTimersByTimeAsync(1);
      expect((await deferred).body).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
      const edited = t.harness.waitForRequest({ method: "PATCH", path: `/webhooks/:app/${payload.token}/messages/@original` });
      releaseDm();
      expect((await edited).body).toMatchObject({ content: expect.stringMatching(/You're following paperbot/) });
      expect(slow.hits).toBe(1);
    },
  );

  it("pauses DMs after three refusals (50007), says so in /following, and resumes on request", async () => {
    const t = await useTestBot();
    const dmChannel = dmChannelIdFor(CAROL.id);
    const refusal = t.harness.respondWith(
      { method: "POST", path: `/channels/${dmChannel}/messages` },
      { status: 403, body: { message: "Cannot send messages to this user", code: 50007 } },
    );
    const followed = await send(t, chatInput({ name: "follow", user: CAROL }));
    expect(followed.data.content).toMatch(/couldn't send you a DM/);
    expect(t.bot.ctx.follows.get(CAROL.id)).toMatchObject({ dmFailures: 1, dmPausedAt: null });
    expect(await t.bot.ctx.dm.send(CAROL.id, { content: "digest" })).toBe("refused");
    expect(await t.bot.ctx.dm.send(CAROL.id, { content: "digest" })).toBe("refused");
    expect(t.bot.ctx.follows.get(CAROL.id)).toMatchObject({
      dmFailures: 3,
      dmPausedAt: expect.any(String),
      lastDmError: expect.stringMatching(/^50007/),
    });
    const attempts = refusal.hits;
    expect(await t.bot.ctx.dm.send(CAROL.id, { content: "digest" })).toBe("paused");
    expect(refusal.hits).toBe(attempts);

    const command = chatInput({ name: "following", user: CAROL });
    const status = await send(t, command);
    expect(status.data.embeds?.[0]?.fields?.[1]?.value).toMatch(/DMs are paused: Discord refused 3 messages in a row \(50007/);
    expect(customIds(status)).toContain(`resume-dm:${CAROL.id}`);
    refusal.remove();
    const resumed = await send(t, button({ customId: `resume-dm:${CAROL.id}`, message: original(t, command), user: CAROL }));
    expect(resumed.type).toBe(7);
    expect(customIds(resumed)).not.toContain(`resume-dm:${CAROL.id}`);
    expect(await t.bot.ctx.dm.send(CAROL.id, { content: "digest" })).toBe("sent");
  });
});

describe("follows survive a restart", () => {
  it("keeps subscriptions in the database file", async () => {
    const dataDir = tempDir();
    const first = await startTestBot({ dataDir });
    try {
      await send(first, chatInput({ name: "follow", user: ALICE, options: [option.string("topic", "alignment")] }));
    } finally {
      await first.close();
    }
    const second = await useTestBot({ dataDir });
    const listing = await send(second, chatInput({ name: "following", user: ALICE }));
    expect(listing.data.embeds?.[0]?.fields?.[0]?.value).toMatch(/Alignment/);
  });
});

describe("the bundle through the bot's HTTP server (gating and replies: bundle.test.ts)", () => {
  function linkOf(body: CallbackBody): string {
    const url = body.data.embeds?.[0]?.url;
    if (!url) throw new Error(`no link in ${JSON.stringify(body.data)}`);
    return url;
  }

  it("asks non-followers to follow; the Follow button follows and returns a signed link that downloads the zip", async () => {
    const t = await useTestBot();
    const command = chatInput({ name: "bundle", user: BOB });
    const gated = await send(t, command);
    expect(gated.data.flags).toBe(MessageFlags.Ephemeral);
    expect(gated.data.content).toMatch(/The bundle is for followers/);
    expect(customIds(gated)).toEqual([`bundle-follow:${BOB.id}`]);

    const pressed = await send(t, button({ customId: `bundle-follow:${BOB.id}`, message: original(t, command), user: BOB }));
    expect(pressed.type).toBe(7);
    expect(t.bot.ctx.follows.get(BOB.id)).toBeDefined();
    const url = linkOf(pressed);
    expect(url).toMatch(/^http:\/\/localhost:\d+\/bundle\/paperbot-llm-reading-list\.zip\?exp=\d+&sig=[\w-]+$/);
    expect(pressed.data.embeds?.[0]?.description).toMatch(
      new RegExp(`${catalogSize} papers[\\s\\S]*until <t:\\d+:f>[\\s\\S]*sha256 [0-9a-f]{12}`),
    );

    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toMatch(/attachment; filename="paperbot-llm-reading-list\.zip"/);
    const byName = await unzipTexts(Buffer.from(await response.arrayBuffer()), BUNDLE_FOLDER);
    expect([...byName.keys()].sort()).toEqual(["README.md", "fetch-pdfs.sh", "index.html", "papers.bib", "papers.csv", "papers.json"]);
    const papers = t.bot.app.catalog.papers;
    const json = JSON.parse(byName.get("papers.json") ?? "{}") as { count: number; papers: { id: string }[] };
    expect(json.count).toBe(papers.length);
    expect(json.papers.map((paper) => paper.id).sort()).toEqual(papers.map((paper) => paper.id).sort());
    const csvRows: string[][] = parseCsv(byName.get("papers.csv") ?? "", { bom: true, record_delimiter: "\r\n" });
    expect(csvRows).toHaveLength(papers.length + 1);
    expect(
      csvRows
        .slice(1)
        .map((row) => row[0])
        .sort(),
    ).toEqual(papers.map((paper) => paper.id).sort());
    const bib = parseBibtex(byName.get("papers.bib") ?? "", { sentenceCase: false, caseProtection: false });
    expect(bib.errors).toEqual([]);
    expect(bib.entries.map((entry) => entry.fields["title"]).sort()).toEqual(papers.map((paper) => paper.title).sort());
    for (const paper of papers) expect(byName.get("README.md")).toContain(paper.title);
  });

  it("followers get the link straight away; a tampered link is refused", async () => {
    const t = await useTestBot();
    await follows(t, BOB);
    const body = await send(t, chatInput({ name: "bundle", user: BOB, locale: "ja" }));
    expect(body.data.embeds?.[0]?.title).toBe("LLM 論文リストのパッケージ");
    const url = new URL(linkOf(body));
    url.searchParams.set("sig", url.searchParams.get("sig")?.replace(/^./, (c) => (c === "A" ? "B" : "A")) ?? "");
    expect((await fetch(url)).status).toBe(403);
  });

  it("answers 'LLM Papers' in a DM like /bundle (English and Japanese)", async () => {
    const t = await useTestBot();
    await follows(t, BOB);
    const since = t.harness.requests.length;
    t.harness.dispatch("MESSAGE_CREATE", dmMessageCreate({ content: "llm papers", user: BOB }));
    const reply = await t.harness.waitForRequest({ method: "POST", path: `/channels/${dmChannelIdFor(BOB.id)}/messages` }, { since });
    const body = reply.body as { embeds?: APIEmbed[]; message_reference?: unknown; allowed_mentions?: unknown };
    expect(body.embeds?.[0]?.url).toMatch(/\/bundle\/paperbot-llm-reading-list\.zip\?exp=/);
    expect(body.allowed_mentions).toEqual({ parse: [] });

    const since2 = t.harness.requests.length;
    t.harness.dispatch("MESSAGE_CREATE", dmMessageCreate({ content: "論文集", user: CAROL }));
    const gated = await t.harness.waitForRequest(
      { method: "POST", path: `/channels/${dmChannelIdFor(CAROL.id)}/messages` },
      { since: since2 },
    );
    expect((gated.body as { content?: string }).content).toMatch(/パッケージはフォロワー向けです/);

    const since3 = t.harness.requests.length;
    t.harness.dispatch("MESSAGE_CREATE", dmMessageCreate({ content: "what's new this week?", user: BOB }));
    t.harness.dispatch("MESSAGE_CREATE", dmMessageCreate({ content: "LLM Papers!", user: BOB }));
    await t.harness.waitForRequest({ method: "POST", path: `/channels/${dmChannelIdFor(BOB.id)}/messages` }, { since: since3 });
    expect(
      t.harness
        .findRequests({ method: "POST", path: `/channels/${dmChannelIdFor(BOB.id)}/messages` })
        .filter((request) => t.harness.requests.indexOf(request) >= since3),
    ).toHaveLength(1);
  });

  it("/healthz reports the database, Discord and the bundle", async () => {
    const t = await useTestBot();
    const response = await fetch(`${t.bot.http.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", database: "ok", discord: "ready", bundle: { paperCount: catalogSize } });
  });
});

describe("the bundle with an external link", () => {
  it("BUNDLE_URL replaces the signed link", async () => {
    const external = await useTestBot({ env: { BUNDLE_REQUIRES_FOLLOW: "false", BUNDLE_URL: "https://example.org/llm-papers.zip" } });
    const body = await send(external, chatInput({ name: "bundle", user: CAROL }));
    expect(body.data.embeds?.[0]?.url).toBe("https://example.org/llm-papers.zip");
  });
});
