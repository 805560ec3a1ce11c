import {
  ApplicationCommandOptionType,
  MessageFlags,
  PermissionFlagsBits,
  type APIApplicationCommandInteractionDataOption,
  type APIEmbed,
} from "discord.js";
import { describe, expect, it, onTestFinished } from "vitest";
import { watchCommand } from "../../commands/watch.js";
import { renderReplyText } from "../../src/discord/console.js";
import { DEFAULT_EVERYONE_PERMISSIONS, type DiscordHarness } from "../support/harness/index.js";
import { chatInput } from "../support/interactions.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { FIXTURES, itemBlocks, readFixture, startArxivServer } from "../support/arxiv.js";

const MODERATOR = { id: "1300000000000000201", username: "mod" };
const MODERATOR_PERMISSIONS = (DEFAULT_EVERYONE_PERMISSIONS | PermissionFlagsBits.ManageGuild).toString();
const status = (): APIApplicationCommandInteractionDataOption[] => [
  { type: ApplicationCommandOptionType.Subcommand, name: "status", options: [] },
];

interface CallbackBody {
  data: { content?: string; embeds?: APIEmbed[]; flags?: number };
}

async function send(
  t: TestBot,
  payload: { id: string; token: string } & Parameters<DiscordHarness["dispatchInteraction"]>[0],
): Promise<CallbackBody> {
  const callback = t.harness.waitForRequest({ method: "POST", path: `/interactions/${payload.id}/${payload.token}/callback` });
  t.harness.dispatchInteraction(payload);
  return (await callback).body as CallbackBody;
}

describe("/watch status", () => {
  it("shows a moderator each feed the bot polled, the pending count and the next run (refusals: watch.test.ts)", async () => {
    const arxiv = await startArxivServer();
    const feed = readFixture(FIXTURES.csCL);
    const items = itemBlocks(feed);
    // With CANDIDATE_MIN_SCORE 0 every new or cross-listed paper is kept; replacements are not candidates.
    const fresh = items.filter((item) => /<arxiv:announce_type>(new|cross)</.test(item)).length;
    arxiv.route("/rss/cs.CL", { body: feed });
    arxiv.route("/rss/x.down", { status: 503 });
    const t = await startTestBot({
      env: {
        ARXIV_RSS_URL: `${arxiv.url}/rss`,
        ARXIV_CATEGORIES: "cs.CL,x.down",
        ARXIV_REQUEST_INTERVAL_MS: "0",
        CANDIDATE_MIN_SCORE: "0",
      },
    });
    onTestFinished(async () => {
      await t.close();
      await arxiv.close();
    });
    expect(watchCommand.definition.default_member_permissions).toBe(PermissionFlagsBits.ManageGuild.toString());
    // The bot catches up at start (it never polled): both feeds are tried.
    await expect
      .poll(
        () => (t.bot.app.db.prepare("SELECT count(*) AS n FROM arxiv_feeds WHERE last_attempt_at IS NOT NULL").get() as { n: number }).n,
        { timeout: 10_000 },
      )
      .toBe(2);

    const reply = await send(t, chatInput({ name: "watch", user: MODERATOR, memberPermissions: MODERATOR_PERMISSIONS, options: status() }));
    expect(reply.data.flags).toBe(MessageFlags.Ephemeral);
    const embed = reply.data.embeds?.[0];
    expect(embed?.title).toBe("arXiv watch");
    expect(embed?.description).toMatch(new RegExp(`^Pending candidates: ${fresh}\\nNext poll: <t:\\d+:f>$`));
    expect(embed?.fields?.map((field) => field.name)).toEqual([`${arxiv.url}/rss/cs.CL`, `${arxiv.url}/rss/x.down`]);
    expect(embed?.fields?.[0]?.value).toMatch(new RegExp(`^Last success: <t:\\d+:f>\\nLast poll: ${items.length} items, ${fresh} new$`));
    expect(embed?.fields?.[1]?.value).toMatch(
      /^Last success: never\nLast failure: <t:\d+:f> \(HTTP 503\)\nFailures in a row: 1; next try <t:\d+:f>$/,
    );

    const ja = await send(
      t,
      chatInput({ name: "watch", user: MODERATOR, memberPermissions: MODERATOR_PERMISSIONS, locale: "ja", options: status() }),
    );
    expect(ja.data.embeds?.[0]?.description).toMatch(new RegExp(`^保留中の候補: ${fresh} 件`));
    process.stdout.write(`\n/watch status (console rendering):\n${renderReplyText({ embeds: reply.data.embeds ?? [] })}\n`);
  });
});
