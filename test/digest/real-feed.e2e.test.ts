import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { APIMessage } from "discord.js";
import { digestStore } from "../../src/db/digest.js";
import { paperStore } from "../../src/db/papers.js";
import { contributionLine } from "../../src/digest/contribution.js";
import { createTestApp, tempDir } from "../support/app.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { addModeratorPapers, moderatorEntry } from "../support/digest.js";
import { DEFAULT_GUILD } from "../support/harness/index.js";
import { readHtml } from "../support/markup.js";
import { FIXTURES, readFixture } from "../support/arxiv.js";
import { startTestPoller } from "../support/poller.js";
import { fixedClock } from "../support/app.js";

const CHANNEL = "1200000000000000011";
/** What raw TeX looks like to a reader: math between dollars, a macro, a tie between words. */
const RAW_TEX = /\$[^$\s][^$]{0,200}?[^$\s\\]\$|\$[^$\s]\$|\\[A-Za-z]+\{|\w~\w/;

describe("a full digest from the real cs.CL feed, through the running bot", () => {
  let bot: TestBot | undefined;
  afterEach(async () => {
    await bot?.close();
  });

  it("each entry says what the paper does; no TeX, no score; at most 3 unreviewed picks; the web page says the same", async () => {
    const databasePath = join(tempDir("paperbot-digest-real-"), "paperbot.db");
    // The real watch reads the real feed (loopback arXiv): its candidates, reasons and TeX rendering are the real ones.
    const watch = await startTestPoller(["cs.CL"], { env: { DATABASE_PATH: databasePath, ARXIV_CONTACT: "ops@paperbot.invalid" } });
    watch.server.route("/rss/cs.CL", { body: readFixture(FIXTURES.csCL) });
    await watch.poller.poll();
    const texPaper =
      watch.candidates.get("2608.12284") ?? watch.candidates.pending(0, 200).find((row) => row.abstract.includes("agents N"));
    expect(texPaper?.abstract).toContain("agents N");

    const setup = createTestApp({ DATABASE_PATH: databasePath });
    // A moderator added that paper during the week: the authors' abstract stands in for a summary.
    const abstract = texPaper?.abstract ?? "";
    addModeratorPapers(
      setup,
      [
        moderatorEntry(1, {
          arxivId: texPaper?.arxivId ?? "2608.00001",
          url: `https://arxiv.org/abs/${texPaper?.arxivId ?? "2608.00001"}`,
          title: texPaper?.title ?? "",
          titleJa: texPaper?.title ?? "",
          authors: (texPaper?.authors ?? []).slice(0, 12),
          summary: { en: abstract.slice(0, 1500), ja: abstract.slice(0, 1500) },
        }),
      ],
      new Date("2026-11-25T10:00:00Z"),
    );
    paperStore(setup.db).setModeration("added-1", { addedBy: "mod", summary: { en: "abstract", ja: null } });
    digestStore(setup.db).setGuild({
      guildId: DEFAULT_GUILD.id,
      channelId: CHANNEL,
      weekday: 1,
      time: "09:00",
      timeZone: "UTC",
      locale: "en",
      updatedBy: "1",
      updatedAt: "2026-11-01T00:00:00Z",
    });
    setup.close();

    bot = await startTestBot({
      clock: fixedClock(new Date("2026-11-30T11:00:00Z")),
      env: { DATABASE_PATH: databasePath, PUBLIC_URL: "https://paperbot.example" },
    });
    await bot.harness.waitForRequest({ method: "POST", path: `/channels/${CHANNEL}/messages` }, { since: 0, timeoutMs: 10_000 });
    const messages = bot.harness.messagesIn(CHANNEL) as APIMessage[];
    const embeds = messages.flatMap((message) => message.embeds);
    const text = embeds.map((embed) => `## ${embed.title ?? ""}\n${embed.description ?? ""}`).join("\n");

    expect(text).toContain(contributionLine(abstract).replace(/[\\*_~`|[\]()<>]/g, (char) => `\\${char}`));
    expect(text).not.toMatch(RAW_TEX);
    expect(text).not.toMatch(/\bscore\b|0\.\d{3}/i);
    expect(text).toMatch(/ et al\./);
    const unreviewed = text.slice(text.indexOf("## Found by the arXiv watch, not yet reviewed"));
    expect(unreviewed.length).toBeLessThan(text.length);
    const picks = unreviewed.split("\n## ")[0]?.match(/arXiv:\d{4}\.\d{5}/g) ?? [];
    expect(picks.length).toBeGreaterThan(0);
    expect(picks.length).toBeLessThanOrEqual(3);
    expect(unreviewed).toMatch(/Why the watch picked it: [^0-9]*\./);

    const page = readHtml(await (await fetch(`${bot.bot.http.url}/digest/2026-W48`)).text()).text;
    expect(page).toContain(contributionLine(abstract));
    for (const id of picks) expect(page).toContain(id);
    expect(page).not.toMatch(RAW_TEX);
  });
});
